import Foundation

/// A file's bytes, mapped rather than read: a reader can look at a header and the file's length, and
/// refuse a file before any of its payload is paged in.
enum MappedFile {
    static func read(_ url: URL) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.missing(path: url.path)
        }
        guard !isDirectory.boolValue else {
            throw DatasetError.unreadable(path: url.path, reason: "it is a folder, not a file")
        }
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription)
        }
    }
}
