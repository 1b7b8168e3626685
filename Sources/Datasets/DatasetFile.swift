/// One of the four files of a dataset, with the SHA-256 of its decompressed content.
public struct DatasetFile: Sendable, Hashable {
    /// What a file holds.
    public enum Kind: String, Sendable {
        case images
        case labels
    }

    /// The canonical name without compression suffix, e.g. `train-images-idx3-ubyte`.
    /// On disk the file may be raw or gzip-compressed (`<name>.gz`).
    public let name: String
    public let split: Split
    public let kind: Kind
    /// Hex SHA-256 of the decompressed (raw IDX) content. It holds for every mirror,
    /// whatever compression the mirror uses.
    public let sha256: String

    public init(name: String, split: Split, kind: Kind, sha256: String) {
        self.name = name
        self.split = split
        self.kind = kind
        self.sha256 = sha256
    }

    /// The name of the gzip-compressed variant, as the mirrors serve it.
    public var compressedName: String { name + ".gz" }

    /// The names this file may have on disk, in the order they are looked for.
    public var acceptedNames: [String] { [name, compressedName] }
}
