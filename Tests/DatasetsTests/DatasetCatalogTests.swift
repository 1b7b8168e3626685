import Foundation
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
}
