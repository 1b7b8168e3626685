import Foundation

/// A dataset the project declares (`datasets:` in report.yaml): its files, format and classes, and the
/// SHA-256 that names its content. Paths are resolved against the project root.
public struct DatasetDeclaration: Sendable, Hashable, Codable {
    public var id: DatasetID
    public var format: DatasetFormat
    public var train: SplitSource
    /// The test split's files; nil: `testFraction` of the training files is held out as the test split.
    public var test: SplitSource?
    /// The fraction of the training samples held out as the test split when `test` is nil (a fixed
    /// draw, the same for every run), in (0, 1).
    public var testFraction: Double?
    /// The number of classes; nil: one more than the largest label (or the class names' count).
    public var classes: Int?
    public var classNames: [String]?
    public var layout: ChannelLayout?
    /// Hex SHA-256 of the content manifest (see `DatasetCatalog.manifest`); nil is an error that prints it.
    public var sha256: String?
    /// Where it is declared, for messages: `report.yaml:14:5`.
    public var origin: String

    public init(
        id: DatasetID, format: DatasetFormat, train: SplitSource, test: SplitSource? = nil,
        testFraction: Double? = nil, classes: Int? = nil, classNames: [String]? = nil,
        layout: ChannelLayout? = nil, sha256: String? = nil, origin: String
    ) {
        self.id = id
        self.format = format
        self.train = train
        self.test = test
        self.testFraction = testFraction
        self.classes = classes
        self.classNames = classNames
        self.layout = layout
        self.sha256 = sha256
        self.origin = origin
    }

    /// The options that change what the engine sees besides the files' content (they enter the content
    /// hash that run keys use): format, how each split is read, the holdout, classes and layout.
    var readingOptions: String {
        func split(_ s: SplitSource?) -> String {
            guard let s else { return "none" }
            return
                "images_array=\(s.imagesArray ?? "-") labels_array=\(s.labelsArray ?? "-") label_column=\(s.labelColumn ?? "-") files=\(s.files.count) labels=\(s.labels == nil ? 0 : 1)"
        }
        return [
            "format: \(format.rawValue)", "train: \(split(train))", "test: \(split(test))",
            "test_fraction: \(testFraction.map { "\($0)" } ?? "-")",
            "classes: \(classes.map(String.init) ?? "-")",
            "class_names: \(classNames?.joined(separator: "\u{1F}") ?? "-")",
            "layout: \(layout?.rawValue ?? "-")",
        ].joined(separator: "\n")
    }
}
