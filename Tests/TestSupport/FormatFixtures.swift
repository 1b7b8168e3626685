import Foundation

@testable import Datasets

/// One small set of images written in every dataset format, so that tests can read each back and check
/// that all give the same tensors and labels.
public enum FormatFixtures {
    /// One-channel 28×28 images: the first 50 MNIST training images when the shared data is there, else
    /// 20 synthetic ones.
    public static let grey: ImageSet = (try? mnistPrefix(50)) ?? synthetic(count: 20, channels: 1, size: 28)

    /// Twelve synthetic 3×32×32 images (CIFAR's shape), labels 0…9 then 0, 1.
    public static let colour: ImageSet = synthetic(count: 12, channels: 3, size: 32)

    /// The class folder names `writePNGFolder` uses: "0" to "9".
    public static let digitNames = (0..<10).map(String.init)

    private static func mnistPrefix(_ count: Int) throws -> ImageSet {
        let directory = DatasetFixtures.sharedDirectory(.mnist)
        return try IDX.readImageSet(
            images: directory.appendingPathComponent("train-images-idx3-ubyte.gz").path,
            labels: directory.appendingPathComponent("train-labels-idx1-ubyte.gz").path
        ).prefix(count)
    }

    /// Deterministic images whose every pixel differs from its neighbours, channels and samples.
    public static func synthetic(count: Int, channels: Int, size: Int) -> ImageSet {
        var pixels = [UInt8]()
        for n in 0..<count {
            for c in 0..<channels {
                for y in 0..<size {
                    for x in 0..<size {
                        pixels.append(UInt8((n * 31 + c * 101 + y * 7 + x * 13 + x * y) % 256))
                    }
                }
            }
        }
        return ImageSet(
            pixels: .bytes(pixels), labels: (0..<count).map { Int32($0 % 10) }, count: count,
            shape: SampleShape(channels: channels, rows: size, cols: size))
    }

    /// A set's byte pixels as samples × height × width × channels.
    public static func channelsLast(_ set: ImageSet) -> [UInt8] {
        let (c, plane) = (set.channels, set.rows * set.cols)
        var out = [UInt8](repeating: 0, count: set.images.count)
        for n in 0..<set.count {
            for k in 0..<c {
                for p in 0..<plane { out[(n * plane + p) * c + k] = set.images[(n * c + k) * plane + p] }
            }
        }
        return out
    }

    /// `(50, 28, 28)` or `(12, 3, 32, 32)` (`channelsLast`: `(12, 32, 32, 3)`); one channel is left out.
    public static func shape(_ set: ImageSet, channelsLast: Bool = false) -> [Int] {
        if set.channels == 1 { return [set.count, set.rows, set.cols] }
        return channelsLast
            ? [set.count, set.rows, set.cols, set.channels] : [set.count, set.channels, set.rows, set.cols]
    }

    /// The set's values as a float format holds them: bytes / 255.
    public static func floats(_ set: ImageSet) -> [Float] { set.images.map { Float($0) / 255 } }

    // MARK: Writers

    /// IDX image and label files (rank 4 channels last for a colour set).
    public static func writeIDX(_ set: ImageSet, images: URL, labels: URL) throws {
        let last = set.channels > 1
        try ArrayFileBytes.idx(
            dimensions: shape(set, channelsLast: last), bytes: last ? channelsLast(set) : set.images
        )
        .write(to: images)
        try ArrayFileBytes.idx(dimensions: [set.count], bytes: set.labels.map { UInt8($0) }).write(to: labels)
    }

    /// `.npy` bytes of the images: uint8, or float32 (values / 255).
    public static func npyImages(
        _ set: ImageSet, float: Bool, channelsLast last: Bool = false, version: UInt8 = 1
    )
        -> Data
    {
        let values = last ? channelsLast(set) : set.images
        let text = "(" + shape(set, channelsLast: last).map(String.init).joined(separator: ", ") + ")"
        return float
            ? ArrayFileBytes.npy(
                descr: "<f4", shape: text, data: ArrayFileBytes.float32(values.map { Float($0) / 255 }),
                version: version)
            : ArrayFileBytes.npy(descr: "|u1", shape: text, data: Data(values), version: version)
    }

    /// `.npy` bytes of the labels as int64.
    public static func npyLabels(_ set: ImageSet) -> Data {
        ArrayFileBytes.npy(
            descr: "<i8", shape: "(\(set.count),)", data: ArrayFileBytes.int64(set.labels.map(Int64.init)))
    }

    /// CIFAR binary batches of a 3×32×32 set: `fine` writes CIFAR-100 records (coarse label, fine label),
    /// with the fine label `(label * 7) % 100`; the set's samples are split over `files`.
    public static func writeCIFAR(_ set: ImageSet, fine: Bool, to files: [URL]) throws {
        let per = set.pixelsPerImage
        let perFile = (set.count + files.count - 1) / files.count
        for (f, url) in files.enumerated() {
            var data = Data()
            for n in (f * perFile)..<min(set.count, (f + 1) * perFile) {
                let label = UInt8(set.labels[n])
                data.append(contentsOf: fine ? [label / 2, UInt8((Int(label) * 7) % 100)] : [label])
                data.append(contentsOf: set.images[(n * per)..<((n + 1) * per)])
            }
            try data.write(to: url)
        }
    }

    /// A folder of class subfolders named `digitNames[label]`, each image `00017.png` (its sample index).
    public static func writePNGFolder(_ set: ImageSet, to folder: URL) throws {
        let per = set.pixelsPerImage
        for n in 0..<set.count {
            let classFolder = folder.appendingPathComponent(digitNames[Int(set.labels[n])])
            try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
            let name = String(repeating: "0", count: 5 - String(n).count) + "\(n).png"
            try PNGWriter.write(
                pixels: Array(set.images[(n * per)..<((n + 1) * per)]), width: set.cols, height: set.rows,
                channels: set.channels, to: classFolder.appendingPathComponent(name))
        }
    }

    /// The order a PNG folder lists the samples in: by class folder, then by file name.
    public static func pngOrder(_ set: ImageSet) -> [Int] {
        (0..<set.count).sorted { (set.labels[$0], $0) < (set.labels[$1], $1) }
    }

    /// A CSV table: a header `p0,…,label`, then a row per sample of values / 255 and the label.
    public static func writeCSV(_ set: ImageSet, to url: URL, crlf: Bool = false) throws {
        let per = set.pixelsPerImage
        let end = crlf ? "\r\n" : "\n"
        var text = (0..<per).map { "p\($0)" }.joined(separator: ",") + ",label" + end
        for n in 0..<set.count {
            text += set.images[(n * per)..<((n + 1) * per)].map { "\(Float($0) / 255)" }.joined(
                separator: ",")
            text += ",\(set.labels[n])" + end
        }
        try Data(text.utf8).write(to: url)
    }
}
