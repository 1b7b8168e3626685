import Crypto
import Foundation

/// Everything known about a dataset without looking at any file: where it lives on disk,
/// the hashes its files must have, its pixel statistics and where to download it.
public struct DatasetInfo: Sendable {
    public let name: DatasetName
    /// The directory name on disk: `mnist` or `fashion-mnist`.
    public let directoryName: String
    /// Mean of the training pixels scaled to 0...1 (used by `normalize: dataset`).
    public let mean: Double
    /// Standard deviation of the training pixels scaled to 0...1.
    public let std: Double
    /// The four files, in the fixed order train images, train labels, test images, test labels.
    public let files: [DatasetFile]
    /// Hex SHA-256 of the manifest `"<sha256>  <name>\n"` for each file of `files`, in order
    /// (the `sha256sum` format). A constant: it names the dataset's content, whichever copy
    /// or mirror it comes from, because only copies whose files match these hashes are used.
    public let contentHash: String
    /// Canonical public mirrors, tried in order. Each is a directory URL that holds the
    /// files as `<name>.gz`.
    public let mirrors: [URL]
    /// The Debian package that installs this dataset under `/usr/share/datasets`, if any.
    public let debianPackage: String?
    /// Images in the training split.
    public let trainCount = 60_000
    /// Images in the test split (the validation set of every run).
    public let testCount = 10_000
    /// The height and width of every image.
    public let imageRows = 28, imageCols = 28

    /// Images in `split`.
    public func count(_ split: Split) -> Int { split == .train ? trainCount : testCount }

    init(
        name: DatasetName, directoryName: String, mean: Double, std: Double,
        hashes: [String], mirrors: [String], debianPackage: String?
    ) {
        self.name = name
        self.directoryName = directoryName
        self.mean = mean
        self.std = std
        let layout: [(String, Split, DatasetFile.Kind)] = [
            ("train-images-idx3-ubyte", .train, .images),
            ("train-labels-idx1-ubyte", .train, .labels),
            ("t10k-images-idx3-ubyte", .test, .images),
            ("t10k-labels-idx1-ubyte", .test, .labels),
        ]
        self.files = zip(layout, hashes).map { entry, hash in
            DatasetFile(name: entry.0, split: entry.1, kind: entry.2, sha256: hash)
        }
        self.contentHash = DatasetInfo.manifestHash(of: files.map { ($0.name, $0.sha256) })
        self.mirrors = mirrors.compactMap(URL.init(string:))
        self.debianPackage = debianPackage
    }

    /// The descriptor of a dataset.
    public static func info(_ name: DatasetName) -> DatasetInfo {
        switch name {
        case .mnist: return mnist
        case .fashionMNIST: return fashionMNIST
        }
    }

    /// The file of a split and kind.
    public func file(_ split: Split, _ kind: DatasetFile.Kind) -> DatasetFile? {
        files.first { $0.split == split && $0.kind == kind }
    }

    /// Hex SHA-256 of `"<hash>  <name>\n"` lines, in the order given.
    public static func manifestHash(of entries: [(name: String, sha256: String)]) -> String {
        let manifest = entries.map { "\($0.sha256)  \($0.name)\n" }.joined()
        return SHA256.hash(data: Data(manifest.utf8)).hexString
    }

    // Hashes from shared/data/SHA256SUMS: SHA-256 of each file's decompressed content.
    static let mnist = DatasetInfo(
        name: .mnist, directoryName: "mnist", mean: 0.1307, std: 0.3081,
        hashes: [
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ],
        mirrors: [
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ],
        debianPackage: nil)

    static let fashionMNIST = DatasetInfo(
        name: .fashionMNIST, directoryName: "fashion-mnist", mean: 0.2860, std: 0.3530,
        hashes: [
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ],
        mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        debianPackage: "dataset-fashion-mnist")
}
