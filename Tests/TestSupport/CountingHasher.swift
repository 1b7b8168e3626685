import Datasets
import Foundation

/// A `DatasetVerifier.Hasher` that counts the files it hashes and, when `memoize` is on,
/// hashes each real file (after resolving symbolic links) once per test process, so suites
/// can verify many directories of links to the shared data without hashing 50 MB each time.
public final class CountingHasher: @unchecked Sendable {
    private let lock = NSLock()
    private let memoize: Bool
    private var hashedPaths: [String] = []
    private static let memoLock = NSLock()
    nonisolated(unsafe) private static var memo: [String: ContentDigest] = [:]

    public init(memoize: Bool = false) {
        self.memoize = memoize
    }

    /// Paths hashed (or looked up in the memo) so far, in order.
    public var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return hashedPaths
    }

    public var count: Int { paths.count }

    /// The hasher to give a `DatasetVerifier`.
    public var hasher: DatasetVerifier.Hasher {
        { [self] url in try self.digest(of: url) }
    }

    private func digest(of url: URL) throws -> ContentDigest {
        lock.lock()
        hashedPaths.append(url.path)
        lock.unlock()
        guard memoize else { return try ContentHasher.digest(of: url) }
        let real = url.resolvingSymlinksInPath().path
        // Memoize only the read-only shared files: anything else may change between calls.
        guard real.hasPrefix(TestPaths.sharedData.resolvingSymlinksInPath().path) else {
            return try ContentHasher.digest(of: url)
        }
        Self.memoLock.lock()
        let known = Self.memo[real]
        Self.memoLock.unlock()
        if let known { return known }
        let digest = try ContentHasher.digest(of: url)
        Self.memoLock.lock()
        Self.memo[real] = digest
        Self.memoLock.unlock()
        return digest
    }
}
