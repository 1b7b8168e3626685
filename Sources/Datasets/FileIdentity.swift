import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one version of a file cheaply, without reading it: absolute path, size,
/// modification time to the nanosecond, inode and device. Any write or replacement changes it.
struct FileIdentity: Codable, Equatable, Sendable {
    var path: String
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64
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
        #else
        modifiedSeconds = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
        inode = UInt64(info.st_ino)
        device = UInt64(info.st_dev)
    }
}
