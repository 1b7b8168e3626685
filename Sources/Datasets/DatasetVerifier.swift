import Foundation

/// Checks files against the known SHA-256 of their decompressed content, remembering
/// results in a `VerificationCache` so an unchanged file is hashed once.
public struct DatasetVerifier: Sendable {
    /// Computes the digest of a file's decompressed content.
    public typealias Hasher = @Sendable (URL) throws -> ContentDigest

    public let cache: VerificationCache
    let hasher: Hasher

    /// - Parameters:
    ///   - cache: where results are remembered; `.disabled` hashes every time.
    ///   - hasher: the hashing function; tests inject a counting one.
    public init(cache: VerificationCache, hasher: @escaping Hasher = { try ContentHasher.digest(of: $0) }) {
        self.cache = cache
        self.hasher = hasher
    }

    /// The file on disk for `file` in `directory`: `<name>` or `<name>.gz`, whichever exists
    /// first in that order, or nil.
    public static func locate(_ file: DatasetFile, in directory: URL) -> URL? {
        for name in file.acceptedNames {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                return url
            }
        }
        return nil
    }

    /// The digest of the file at `url`, from the cache when the file is unchanged.
    /// `rehash` ignores the cache (the result is still recorded).
    public func digest(of url: URL, rehash: Bool = false) throws -> ContentDigest {
        guard let identity = FileIdentity(of: url) else { throw DatasetError.missing(path: url.path) }
        if !rehash, let cached = cache.digest(for: identity) { return cached }
        let digest = try hasher(url)
        // Record only if the file did not change while it was read.
        if FileIdentity(of: url) == identity { cache.record([(identity, digest)]) }
        return digest
    }

    /// Throws `DatasetError.hashMismatch` unless the file at `url` has `file`'s content.
    public func verify(_ file: DatasetFile, at url: URL, rehash: Bool = false) throws {
        let digest = try digest(of: url, rehash: rehash)
        guard digest.sha256 == file.sha256, digest.problem == nil else {
            throw DatasetError.hashMismatch(
                path: url.path, expected: file.sha256, actual: digest.sha256, problem: digest.problem)
        }
    }

    /// Verifies the four files of a dataset in `directory`.
    /// Throws `DatasetError.missing` naming the first absent file (as `<name>[.gz]`), or
    /// `DatasetError.hashMismatch` for the first file with the wrong content.
    public func verify(_ info: DatasetInfo, in directory: URL, source: String, rehash: Bool = false) throws
        -> DatasetCopy
    {
        var urls: [DatasetFile: URL] = [:]
        for file in info.files {
            guard let url = Self.locate(file, in: directory) else {
                throw DatasetError.missing(path: directory.appendingPathComponent(file.name).path + "[.gz]")
            }
            urls[file] = url
        }
        for file in info.files {
            if let url = urls[file] { try verify(file, at: url, rehash: rehash) }
        }
        return DatasetCopy(info: info, directory: directory, fileURLs: urls, source: source)
    }

    /// Records a digest already computed for the file at `url` (e.g. of a download before it
    /// was renamed into place), so it is not hashed again.
    func remember(_ digest: ContentDigest, for url: URL) {
        guard let identity = FileIdentity(of: url) else { return }
        cache.record([(identity, digest)])
    }
}
