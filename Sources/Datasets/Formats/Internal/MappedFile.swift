import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file's bytes, read into memory after its size is checked: a file larger than `limit` is refused
/// before any of it is read. (Not mapped: a mapped file that another program truncates while it is read —
/// `np.save` over it during a build — kills the process with SIGBUS; a read sees a short file and the
/// format's own checks refuse it.) Only regular files are read: a FIFO or `/dev/zero` would never end.
enum MappedFile {
    static func read(_ url: URL, limit: Int = 2 * ReadRequest.defaultMaxBytes + (64 << 20)) throws -> Data {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw DatasetError.missing(path: url.path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw DatasetError.unreadable(path: url.path, reason: "it is a folder, not a file")
        default:
            throw DatasetError.unreadable(
                path: url.path, reason: "it is not a regular file (a device or a pipe)")
        }
        guard Int(info.st_size) <= limit else {
            throw DatasetError.corrupt(
                path: url.path,
                reason:
                    "the file is \(Int(info.st_size) >> 20) MiB; a split may take at most \(limit >> 20) MiB of files (\(ReadRequest.defaultMaxBytes >> 30) GiB of samples in memory)"
            )
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription)
        }
    }
}
