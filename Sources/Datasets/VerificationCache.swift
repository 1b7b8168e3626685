import Files
import Foundation

/// Remembers the content hash of files already hashed, keyed by `FileIdentity` (path,
/// size, modification and change times, inode), so a build does not hash 50 MB every time. Any change
/// to a file changes its identity and so forces a new hash.
///
/// The cache is a small JSON file. Writers write a temporary file and rename it over the
/// old one, so two processes verifying at once never see half a file; at worst one of
/// them hashes a file again. A cache that cannot be read or written is ignored: it only
/// saves time, it is never needed for correctness.
public struct VerificationCache: Sendable {
    /// Where the cache lives; nil disables caching.
    public let file: URL?

    struct Entry: Codable, Equatable {
        var identity: FileIdentity
        var digest: ContentDigest
    }

    struct Contents: Codable {
        /// 2 added the inode change time; older caches are ignored (and so rehashed once).
        var version = 2
        var entries: [String: Entry] = [:]
    }

    public init(file: URL?) {
        self.file = file
    }

    /// A cache that remembers nothing.
    public static let disabled = VerificationCache(file: nil)

    /// The digest recorded for the file at `url`, if the file is unchanged since.
    func digest(for identity: FileIdentity) -> ContentDigest? {
        guard let entry = load().entries[identity.path], entry.identity == identity else { return nil }
        return entry.digest
    }

    /// Every recorded digest by path, read once (for checking many files: `digest(for:)` reads the file
    /// each time).
    func snapshot() -> [String: (identity: FileIdentity, digest: ContentDigest)] {
        load().entries.mapValues { ($0.identity, $0.digest) }
    }

    /// Records digests, merging with what other processes may have written meanwhile.
    /// Failures are ignored (see the type's documentation).
    func record(_ results: [(FileIdentity, ContentDigest)]) {
        guard let file, !results.isEmpty else { return }
        var contents = load()
        for (identity, digest) in results {
            contents.entries[identity.path] = Entry(identity: identity, digest: digest)
        }
        // Forget files that are gone, so the cache stays small.
        contents.entries = contents.entries.filter { FileManager.default.fileExists(atPath: $0.key) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(contents) else { return }
        // Atomic (a reader sees the old cache or the new one) and never over a directory or a link.
        try? FileWriter().write(data, to: file)
    }

    private func load() -> Contents {
        guard let file, let data = try? Data(contentsOf: file),
            let contents = try? JSONDecoder().decode(Contents.self, from: data), contents.version == 2
        else { return Contents() }
        return contents
    }
}
