/// The SHA-256 of a file's decompressed content, and what was wrong with the file if its
/// content could not be read to the end (then the hash covers what could be read).
public struct ContentDigest: Sendable, Equatable, Codable {
    /// Lower-case hex SHA-256.
    public var sha256: String
    /// Why the content stops early, e.g. "gzip stream ends early (the file is truncated)".
    public var problem: String?

    public init(sha256: String, problem: String? = nil) {
        self.sha256 = sha256
        self.problem = problem
    }
}
