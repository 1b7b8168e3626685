import Foundation

/// The file formats a declared dataset can be in.
public enum DatasetFormat: String, CaseIterable, Sendable, Codable {
    /// IDX (the MNIST family): an image file and a label file per split.
    case idx
    /// NumPy `.npy`: an image array and a label array per split.
    case npy
    /// NumPy `.npz`: one archive holding both arrays (named by `images_array`/`labels_array`).
    case npz
    /// CIFAR-10 binary batches: records of 1 label byte and 3×32×32 pixel bytes.
    case cifar10
    /// CIFAR-100 binary batches: records of a coarse and a fine label byte and 3×32×32 pixel bytes.
    case cifar100
    /// A folder holding one subfolder of PNG images per class.
    case png
    /// A CSV table of numeric features and a label column.
    case csv
}

/// How a rank-4 image array orders its axes.
public enum ChannelLayout: String, CaseIterable, Sendable, Codable {
    /// samples × channels × height × width (PyTorch's).
    case nchw
    /// samples × height × width × channels (Keras', CIFAR `.npy` dumps).
    case nhwc
}

/// Where one split's samples are, as a declaration gives them, with paths already resolved.
public struct SplitSource: Sendable, Hashable, Codable {
    /// What holds the samples: an IDX or `.npy` image file, an `.npz` archive, one or more CIFAR batch
    /// files (concatenated in order), a folder of class subfolders (png), or a CSV file.
    public var files: [URL]
    /// The label file (idx and npy).
    public var labels: URL?
    /// npz: the names of the image and label arrays in the archive.
    public var imagesArray: String?
    public var labelsArray: String?
    /// csv: the label column, by header name or by 0-based index written as digits; nil: a column
    /// named `label` if the header has one, else the last column.
    public var labelColumn: String?

    public init(
        files: [URL], labels: URL? = nil, imagesArray: String? = nil, labelsArray: String? = nil,
        labelColumn: String? = nil
    ) {
        self.files = files
        self.labels = labels
        self.imagesArray = imagesArray
        self.labelsArray = labelsArray
        self.labelColumn = labelColumn
    }
}

/// What a reader needs beyond the files.
public struct ReadRequest: Sendable {
    public var format: DatasetFormat
    public var source: SplitSource
    /// The class names, when already known (declared, or read from the training split): labels written
    /// as names (CSV) and class folders (png) map to these indices, and any other name is an error.
    /// nil: the reader derives them (sorted folder names; sorted distinct label names).
    public var classNames: [String]?
    /// The number of classes, when declared: a label outside `0..<classes` is an error naming the file.
    public var classes: Int?
    /// For rank-4 arrays; nil: inferred where unambiguous.
    public var layout: ChannelLayout?
    /// The most bytes a split may take in memory once decoded; larger is an error before anything big is
    /// read or allocated.
    public var maxBytes: Int

    public static let defaultMaxBytes = 4 << 30

    public init(
        format: DatasetFormat, source: SplitSource, classNames: [String]? = nil, classes: Int? = nil,
        layout: ChannelLayout? = nil, maxBytes: Int = ReadRequest.defaultMaxBytes
    ) {
        self.format = format
        self.source = source
        self.classNames = classNames
        self.classes = classes
        self.layout = layout
        self.maxBytes = maxBytes
    }
}

/// A split as read: the samples and, where the files name them, the classes.
public struct LabelledData: Sendable {
    public var set: ImageSet
    /// Class names in index order, when the files give them (png folders, CSV label names, CIFAR-10's
    /// `batches.meta.txt`); nil otherwise.
    public var classNames: [String]?
    /// A CSV header's feature column names, in order (nil without a header): the splits must agree.
    public var featureNames: [String]?

    public init(set: ImageSet, classNames: [String]?) {
        self.set = set
        self.classNames = classNames
    }
}
