import Foundation

/// A copy of a dataset on disk whose four files have all been verified against the known
/// hashes of their decompressed content.
public struct DatasetCopy: Sendable {
    public let info: DatasetInfo
    /// The directory holding the files.
    public let directory: URL
    /// The file on disk for each dataset file (raw or `.gz`).
    public let fileURLs: [DatasetFile: URL]
    /// Where the copy was found, e.g. "project data" or "downloaded".
    public let source: String
    /// Places searched before this copy that held a corrupt copy. Front ends should warn
    /// about them: the user may have meant one of them to be used.
    public private(set) var skipped: [SearchAttempt] = []

    public init(info: DatasetInfo, directory: URL, fileURLs: [DatasetFile: URL], source: String) {
        self.info = info
        self.directory = directory
        self.fileURLs = fileURLs
        self.source = source
    }

    /// This copy, noting corrupt copies skipped on the way to it.
    func skipping(_ attempts: [SearchAttempt]) -> DatasetCopy {
        var copy = self
        copy.skipped = attempts
        return copy
    }

    /// The content hash of this copy: equal to `info.contentHash`, since every file matched
    /// its known hash. Run keys use it so a different copy can never pass for this one.
    public var contentHash: String { info.contentHash }

    /// The path of the file of a split and kind.
    public func url(_ split: Split, _ kind: DatasetFile.Kind) -> URL? {
        guard let file = info.file(split, kind) else { return nil }
        return fileURLs[file]
    }

    /// Reads one split into memory.
    public func load(_ split: Split) throws -> ImageSet {
        guard let images = url(split, .images), let labels = url(split, .labels) else {
            throw DatasetError.missing(path: directory.appendingPathComponent("\(split)").path)
        }
        return try IDX.readImageSet(
            images: images.path, labels: labels.path, rows: info.imageRows, cols: info.imageCols)
    }
}
