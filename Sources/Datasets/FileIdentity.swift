import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What identifies one version of a file cheaply, without reading it: absolute path, size,
/// modification and inode-change times to the nanosecond, inode and device. Any write or
/// replacement changes it; `touch -r` can set the modification time back, but not the change time.
struct FileIdentity: Codable, Equatable, Sendable {
    var path: String
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64
    var changedSeconds: Int64
    var changedNanoseconds: Int64
    var inode: UInt64
    var device: UInt64

    /// The identity of the file at `url` now, or nil if it cannot be examined.
    init?(of url: URL) {
        var info = stat()
        let path = url.standardizedFileURL.path
        guard stat(path, &info) == 0 else { return nil }
        self.path = path
        size = Int64(info.st_size)
        #if canImport(Darwin)
            modifiedSeconds = Int64(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
            changedSeconds = Int64(info.st_ctimespec.tv_sec)
            changedNanoseconds = Int64(info.st_ctimespec.tv_nsec)
        #else
            modifiedSeconds = Int64(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
            changedSeconds = Int64(info.st_ctim.tv_sec)
            changedNanoseconds = Int64(info.st_ctim.tv_nsec)
        #endif
        inode = UInt64(info.st_ino)
        device = UInt64(info.st_dev)
    }
}
