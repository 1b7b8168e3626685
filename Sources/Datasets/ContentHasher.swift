import Crypto
import Foundation

/// Hashes a file's decompressed content in one streaming pass: a gzip file is inflated
/// chunk by chunk, a raw file is hashed as it is. Memory stays at a few megabytes.
public enum ContentHasher {
    static let chunkSize = 1 << 22

    /// The SHA-256 of the decompressed content of the file at `url`.
    /// Throws `DatasetError.missing` when the file cannot be opened. A damaged or truncated
    /// gzip stream does not throw: the digest covers the bytes that could be inflated and
    /// `problem` says what went wrong, so that the caller can report expected and actual hash.
    public static func digest(of url: URL) throws -> ContentDigest {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw DatasetError.missing(path: url.path)
        }
        defer { try? handle.close() }

        var hasher = SHA256()
        var inflater: Gzip.Inflater?
        var isFirstChunk = true
        do {
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                if isFirstChunk {
                    isFirstChunk = false
                    if Gzip.isCompressed(chunk) { inflater = try Gzip.Inflater(path: url.path) }
                }
                if let inflater {
                    try chunk.withUnsafeBytes { input in
                        try inflater.feed(input) { hasher.update(bufferPointer: $0) }
                    }
                } else {
                    hasher.update(data: chunk)
                }
            }
            try inflater?.finish()
        } catch DatasetError.corrupt(_, let reason) {
            return ContentDigest(sha256: hasher.finalize().hexString, problem: reason)
        } catch {
            throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return ContentDigest(sha256: hasher.finalize().hexString)
    }
}
