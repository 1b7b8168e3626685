import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// Declared datasets: the hash that names their content, their description, the held-out test split.
final class DatasetCatalogTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// An IDX image file of `count` 28×28 images (image i filled with i) and its label file (label i % 3).
    private func writeIDX(_ name: String, count: Int) throws -> (images: URL, labels: URL) {
        func header(_ dims: [Int]) -> [UInt8] {
            [0, 0, 8, UInt8(dims.count)]
                + dims.flatMap { d in (0..<4).reversed().map { UInt8((d >> (8 * $0)) & 0xFF) } }
        }
        let images = directory.appendingPathComponent("\(name)-images.idx")
        let labels = directory.appendingPathComponent("\(name)-labels.idx")
        let pixels = (0..<count).flatMap { i in [UInt8](repeating: UInt8(i % 256), count: 784) }
        try Data(header([count, 28, 28]) + pixels).write(to: images)
        try Data(header([count]) + (0..<count).map { UInt8($0 % 3) }).write(to: labels)
        return (images, labels)
    }

    private func declaration(sha256: String? = nil, classes: Int? = nil) throws -> DatasetDeclaration {
        let train = try writeIDX("train", count: 40)
        return DatasetDeclaration(
            id: DatasetID("tiny"), format: .idx,
            train: SplitSource(files: [train.images], labels: train.labels),
            testFraction: 0.25, classes: classes, sha256: sha256, origin: "report.yaml:3:3")
    }

    func testAMissingOrWrongHashIsAnErrorThatGivesTheRightOne() throws {
        var d = try declaration()
        let catalog = { DatasetCatalog(declarations: [d], cacheDirectory: self.directory) }
        let actual = try catalog().manifestHash(of: d)
        XCTAssertThrowsError(try catalog().describe(d.id)) { error in
            XCTAssertEqual(
                "\(error)",
                "report.yaml:3:3: dataset 'tiny' declares no sha256; its files' content is \(actual): add 'sha256: \(actual)' to its declaration"
            )
        }
        d.sha256 = String(repeating: "a", count: 64)
        XCTAssertThrowsError(try catalog().describe(d.id)) { error in
            XCTAssertTrue("\(error)".contains("but its files' content is \(actual)"), "\(error)")
        }
        d.sha256 = actual
        let description = try catalog().describe(d.id)
        XCTAssertEqual(description.shape, .mnist)
        XCTAssertEqual(description.classes, 3)
        XCTAssertEqual([description.trainCount, description.testCount], [30, 10])
        XCTAssertEqual(description.statistics.count, 1)
        // A changed file changes the content: the declared hash no longer holds.
        let labels = try XCTUnwrap(d.train.labels)
        var bytes = try Data(contentsOf: labels)
        bytes[bytes.count - 1] = 2
        try bytes.write(to: labels)
        XCTAssertThrowsError(try catalog().describe(d.id)) { error in
            XCTAssertTrue("\(error)".contains("the files changed since it was declared"), "\(error)")
        }
    }

    func testTheHeldOutTestSplitIsFixedDisjointAndComplete() throws {
        var d = try declaration()
        let catalog = DatasetCatalog(declarations: [d], cacheDirectory: nil)
        d.sha256 = try catalog.manifestHash(of: d)
        let checked = DatasetCatalog(declarations: [d], cacheDirectory: nil)
        let locator = DataLocator(dataDirectory: nil, projectRoot: directory, allowDownload: false)
        let train = try checked.load(d.id, split: .train, locator: locator, progress: nil)
        let test = try checked.load(d.id, split: .test, locator: locator, progress: nil)
        let again = try checked.load(d.id, split: .test, locator: locator, progress: nil)
        XCTAssertEqual(test.images, again.images)
        // Image i is filled with i: the two splits hold each of the 40 images exactly once.
        let ids = (train.images + test.images).enumerated().filter { $0.offset % 784 == 0 }.map(\.element)
        XCTAssertEqual(ids.sorted(), (0..<40).map(UInt8.init))
        XCTAssertEqual(test.count, 10)
    }

    func testLabelsOutsideTheDeclaredClassesAreRefused() throws {
        var d = try declaration(classes: 2)
        d.sha256 = try DatasetCatalog(declarations: [d], cacheDirectory: nil).manifestHash(of: d)
        XCTAssertThrowsError(try DatasetCatalog(declarations: [d], cacheDirectory: nil).describe(d.id)) {
            error in
            XCTAssertTrue("\(error)".contains("2"), "\(error)")
        }
    }

    func testAnUnknownNameListsTheKnownOnes() throws {
        XCTAssertThrowsError(try DatasetCatalog.builtinOnly.describe(DatasetID("cifar"))) { error in
            XCTAssertEqual(
                "\(error)",
                "unknown dataset 'cifar'; known datasets are mnist, fashion_mnist (declare others under 'datasets:' in report.yaml)"
            )
        }
    }

    /// A declaration with its hash filled in, described.
    private func describe(_ d: DatasetDeclaration) throws -> DatasetDescription {
        var d = d
        d.sha256 = try DatasetCatalog(declarations: [d], cacheDirectory: nil).manifestHash(of: d)
        return try DatasetCatalog(declarations: [d], cacheDirectory: nil).describe(d.id)
    }

    private func npy(_ name: String, floats: [Float], shape: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try ArrayFileBytes.npy(descr: "<f4", shape: shape, data: ArrayFileBytes.float32(floats)).write(
            to: url)
        return url
    }

    private func labels(_ name: String, _ values: [Int64]) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try ArrayFileBytes.npy(descr: "<i8", shape: "(\(values.count),)", data: ArrayFileBytes.int64(values))
            .write(to: url)
        return url
    }

    /// What an adversarial review found: inputs that trained silently wrong, or hung.
    func testSplitsThatWouldTrainWrongAreRefused() throws {
        // A NaN pixel would make every loss NaN.
        let nan = try npy("nan.npy", floats: [0, 1, .nan, 0, 1, 0, 0, 1], shape: "(4, 2)")
        let y = try labels("y.npy", [0, 1, 0, 1])
        XCTAssertThrowsError(
            try describe(
                DatasetDeclaration(
                    id: DatasetID("n"), format: .npy, train: SplitSource(files: [nan], labels: y),
                    testFraction: 0.5,
                    origin: "r:1:1"))
        ) {
            XCTAssertTrue(
                "\($0)".contains("sample 1 holds nan; every value must be a finite number"), "\($0)")
        }

        // Bytes in one split and floats in the other are on different scales.
        let bytes = directory.appendingPathComponent("bytes.npy")
        try ArrayFileBytes.npy(descr: "|u1", shape: "(4, 28, 28)", data: Data(repeating: 3, count: 4 * 784))
            .write(to: bytes)
        let floats = try npy(
            "floats.npy", floats: [Float](repeating: 3, count: 4 * 784), shape: "(4, 28, 28)")
        XCTAssertThrowsError(
            try describe(
                DatasetDeclaration(
                    id: DatasetID("m"), format: .npy, train: SplitSource(files: [bytes], labels: y),
                    test: SplitSource(files: [floats], labels: y), origin: "r:1:1"))
        ) { XCTAssertTrue("\($0)".contains("store both splits with the same type"), "\($0)") }

        // A FIFO is refused at once instead of read forever.
        let fifo = directory.appendingPathComponent("fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        XCTAssertThrowsError(
            try describe(
                DatasetDeclaration(
                    id: DatasetID("f"), format: .npy, train: SplitSource(files: [nan], labels: fifo),
                    testFraction: 0.5, origin: "r:1:1"))
        ) { XCTAssertTrue("\($0)".contains("not a regular file"), "\($0)") }
    }

    func testTablesWhoseColumnsDifferAreRefusedAndConstantChannelsDivideByOne() throws {
        let train = directory.appendingPathComponent("train.csv")
        let test = directory.appendingPathComponent("test.csv")
        try Data("a,b,label\n1,7,0\n2,7,1\n3,7,0\n".utf8).write(to: train)
        try Data("b,a,label\n7,1,0\n7,2,1\n".utf8).write(to: test)
        let declaration = DatasetDeclaration(
            id: DatasetID("t"), format: .csv, train: SplitSource(files: [train]),
            test: SplitSource(files: [test]),
            origin: "r:1:1")
        XCTAssertThrowsError(try describe(declaration)) {
            XCTAssertTrue(
                "\($0)".contains(
                    "the test table's feature columns (b, a) are not the training table's (a, b)"), "\($0)")
        }
        try Data("a,b,label\n1,7,0\n2,7,1\n".utf8).write(to: test)
        let description = try describe(declaration)
        XCTAssertEqual(description.shape, SampleShape(features: 2))
        // Column b is 7 everywhere: its deviation is 1, not rounding noise.
        XCTAssertEqual(description.statistics[1].std, 1)
        XCTAssertEqual(description.statistics[1].mean, 7, accuracy: 1e-12)
    }
}
