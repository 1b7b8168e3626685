/// A dataset as an experiment names it (`dataset: cifar10`): one of the built-in datasets or one the
/// project declares. Its `rawValue` is what run keys and `echo` show, so a built-in dataset's runs keep
/// the keys they had before datasets could be declared.
public struct DatasetID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(_ builtin: DatasetName) { rawValue = builtin.rawValue }

    public static let mnist = DatasetID(.mnist)
    public static let fashionMNIST = DatasetID(.fashionMNIST)

    /// The built-in dataset of this name, if it is one.
    public var builtin: DatasetName? { DatasetName(rawValue: rawValue) }

    public var description: String { rawValue }

    public static func < (a: DatasetID, b: DatasetID) -> Bool { a.rawValue < b.rawValue }

    /// Whether a declared dataset may take this name: letters, digits, `_` and `-`, starting with a
    /// letter, and not a built-in dataset's name in any spelling.
    public static func isValidDeclaredName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter, name.count <= 64 else { return false }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            return false
        }
        return DatasetName(userInput: name) == nil
    }
}

/// What planning and training need to know about a dataset without its samples: the shape of a
/// sample, the classes, the split sizes and the content hash that enters run keys. Built-in datasets
/// have constant descriptions; a declared dataset's is read once from its files and cached.
public struct DatasetDescription: Hashable, Sendable, Codable {
    public var id: DatasetID
    public var shape: SampleShape
    public var classes: Int
    /// In index order, when known.
    public var classNames: [String]?
    public var trainCount: Int
    public var testCount: Int
    /// Hex SHA-256 naming the samples as the engine sees them (files and the options that read them).
    public var contentHash: String
    /// Per-channel mean and deviation of the training samples (bytes scaled to 0...1): `normalize: dataset`.
    public var statistics: [ChannelStatistics]

    public init(
        id: DatasetID, shape: SampleShape, classes: Int, classNames: [String]?, trainCount: Int,
        testCount: Int, contentHash: String, statistics: [ChannelStatistics]
    ) {
        self.id = id
        self.shape = shape
        self.classes = classes
        self.classNames = classNames
        self.trainCount = trainCount
        self.testCount = testCount
        self.contentHash = contentHash
        self.statistics = statistics
    }

    /// A built-in dataset's description (its published mean and deviation, one channel).
    public static func builtin(_ name: DatasetName) -> DatasetDescription {
        let info = DatasetInfo.info(name)
        return DatasetDescription(
            id: DatasetID(name), shape: .mnist, classes: 10, classNames: nil, trainCount: info.trainCount,
            testCount: info.testCount, contentHash: info.contentHash,
            statistics: [ChannelStatistics(mean: info.mean, std: info.std)])
    }

    public static let mnist = builtin(.mnist)
}
