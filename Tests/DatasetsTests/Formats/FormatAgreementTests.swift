import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// The same images written in every format read back as the same tensors and labels.
final class FormatAgreementTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory("formats")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private func read(
        _ format: DatasetFormat, _ files: [String], labels: String? = nil, classNames: [String]? = nil,
        layout: ChannelLayout? = nil, imagesArray: String? = nil
    ) throws -> LabelledData {
        try DatasetReader.read(
            ReadRequest(
                format: format,
                source: SplitSource(
                    files: files.map(url), labels: labels.map(url), imagesArray: imagesArray),
                classNames: classNames, classes: 100, layout: layout))
    }

    /// Checks `data` holds `expected`'s samples (as bytes, or as floats of bytes / 255) in `order`.
    private func assertSame(
        _ data: LabelledData, _ expected: ImageSet, order: [Int]? = nil, labels: [Int32]? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let order = order ?? Array(0..<expected.count)
        let want = expected.subset(order)
        XCTAssertEqual(data.set.count, want.count, file: file, line: line)
        XCTAssertEqual(data.set.labels, labels ?? want.labels, file: file, line: line)
        switch data.set.pixels {
        case .bytes(let bytes):
            XCTAssertEqual(data.set.shape, want.shape, file: file, line: line)
            XCTAssertEqual(bytes, want.images, file: file, line: line)
        case .floats(let floats):
            XCTAssertEqual(data.set.shape.elements, want.shape.elements, file: file, line: line)
            XCTAssertEqual(floats, FormatFixtures.floats(want), file: file, line: line)
        }
    }

    func testEveryFormatReadsTheSameGreyImages() throws {
        let set = FormatFixtures.grey
        try FormatFixtures.writeIDX(set, images: url("images.idx"), labels: url("labels.idx"))
        try FormatFixtures.npyImages(set, float: false).write(to: url("u1.npy"))
        try FormatFixtures.npyImages(set, float: true, version: 2).write(to: url("f4.npy"))
        try FormatFixtures.npyLabels(set).write(to: url("labels.npy"))
        for (name, deflated, float) in [("stored.npz", false, false), ("deflated.npz", true, true)] {
            try ArrayFileBytes.zip(
                [
                    ("x_train.npy", FormatFixtures.npyImages(set, float: float)),
                    ("y_train.npy", FormatFixtures.npyLabels(set)),
                ], deflated: deflated
            ).write(to: url(name))
        }
        try FormatFixtures.writePNGFolder(set, to: url("png"))
        try FormatFixtures.writeCSV(set, to: url("table.csv"))

        assertSame(try read(.idx, ["images.idx"], labels: "labels.idx"), set)
        assertSame(try read(.npy, ["u1.npy"], labels: "labels.npy"), set)
        assertSame(try read(.npy, ["f4.npy"], labels: "labels.npy"), set)
        assertSame(try read(.npz, ["stored.npz"]), set)
        assertSame(try read(.npz, ["deflated.npz"]), set)
        let png = try read(.png, ["png"], classNames: FormatFixtures.digitNames)
        assertSame(png, set, order: FormatFixtures.pngOrder(set))
        XCTAssertEqual(png.classNames, FormatFixtures.digitNames)
        let csv = try read(.csv, ["table.csv"])
        assertSame(csv, set)
        XCTAssertEqual(csv.set.shape, SampleShape(features: 784))
        XCTAssertNil(csv.classNames)
    }

    func testEveryFormatReadsTheSameColourImages() throws {
        let set = FormatFixtures.colour
        try FormatFixtures.writeIDX(set, images: url("images.idx"), labels: url("labels.idx"))
        try FormatFixtures.npyImages(set, float: false).write(to: url("nchw.npy"))
        try FormatFixtures.npyImages(set, float: true, channelsLast: true, version: 3).write(
            to: url("nhwc.npy"))
        try FormatFixtures.npyLabels(set).write(to: url("labels.npy"))
        try ArrayFileBytes.zip(
            [
                ("labels.npy", FormatFixtures.npyLabels(set)),
                ("pixels.npy", FormatFixtures.npyImages(set, float: false, channelsLast: true)),
            ], deflated: true, zip64: true
        ).write(to: url("zip64.npz"))
        try FormatFixtures.writeCIFAR(
            set, fine: false, to: [url("data_batch_1.bin"), url("data_batch_2.bin")])
        try FormatFixtures.writeCIFAR(set, fine: true, to: [url("train.bin")])
        try FormatFixtures.writePNGFolder(set, to: url("png"))
        try FormatFixtures.writeCSV(set, to: url("table.csv"), crlf: true)

        // Rank 4, channels last, told apart by the sizes (32, 32, 3).
        assertSame(try read(.idx, ["images.idx"], labels: "labels.idx"), set)
        assertSame(try read(.npy, ["nchw.npy"], labels: "labels.npy"), set)
        assertSame(try read(.npy, ["nhwc.npy"], labels: "labels.npy", layout: .nhwc), set)
        assertSame(try read(.npz, ["zip64.npz"], imagesArray: "pixels"), set)
        assertSame(try read(.cifar10, ["data_batch_1.bin", "data_batch_2.bin"]), set)
        assertSame(try read(.cifar100, ["train.bin"]), set, labels: set.labels.map { ($0 * 7) % 100 })
        assertSame(
            try read(.png, ["png"], classNames: FormatFixtures.digitNames), set,
            order: FormatFixtures.pngOrder(set))
        assertSame(try read(.csv, ["table.csv"]), set)
    }

    /// CIFAR's class names come from the file the dataset ships beside its batches.
    func testCIFARClassNamesComeFromTheMetaFile() throws {
        let set = FormatFixtures.colour
        try FormatFixtures.writeCIFAR(set, fine: false, to: [url("data_batch_1.bin")])
        XCTAssertNil(try read(.cifar10, ["data_batch_1.bin"]).classNames)
        let names = [
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
        ]
        try Data((names.joined(separator: "\n") + "\n\n").utf8).write(to: url("batches.meta.txt"))
        XCTAssertEqual(try read(.cifar10, ["data_batch_1.bin"]).classNames, names)
    }
}
