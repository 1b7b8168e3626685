import Datasets
import Foundation
import TestSupport
import XCTest

/// Resolution order: --data-dir, REPORT_DATA_DIR, project data/, system copy, download.
/// Directories hold links to the shared files; a memoizing hasher hashes each real file once.
final class DataLocatorTests: XCTestCase {
    var root: URL!
    var project: URL!
    let hasher = CountingHasher(memoize: true)

    override func setUpWithError() throws {
        root = try TestPaths.temporaryDirectory("report-locator")
        project = root.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// A locator over the temporary tree that never downloads.
    private func locator(dataDirectory: String? = nil, environment: [String: String] = [:]) -> DataLocator {
        DataLocator(
            dataDirectory: dataDirectory, projectRoot: project, environment: environment,
            systemDirectory: root.appendingPathComponent("system"), allowDownload: false,
            verifier: DatasetVerifier(
                cache: VerificationCache(file: project.appendingPathComponent("data/.verified.json")),
                hasher: hasher.hasher))
    }

    /// Makes `<root>/<name>/mnist/` hold links to the shared MNIST files; returns `<root>/<name>`.
    @discardableResult
    private func populated(_ name: String) throws -> URL {
        let directory = root.appendingPathComponent(name)
        try DatasetFixtures.linkSharedFiles(.mnist, into: directory.appendingPathComponent("mnist"))
        return directory
    }

    func testDataDirectoryWinsOverEverythingElse() throws {
        try TestPaths.requireSharedData()
        let given = try populated("given")
        let environment = try populated("environment")
        try populated("project/data")
        try populated("system")
        let copy = try locator(dataDirectory: given.path, environment: ["REPORT_DATA_DIR": environment.path])
            .resolve(.mnist)
        XCTAssertEqual(copy.directory.path, given.appendingPathComponent("mnist").path)
        XCTAssertEqual(copy.source, "--data-dir")
    }

    func testEnvironmentWinsOverProjectAndSystem() throws {
        try TestPaths.requireSharedData()
        let environment = try populated("environment")
        try populated("project/data")
        try populated("system")
        let copy = try locator(environment: ["REPORT_DATA_DIR": environment.path]).resolve(.mnist)
        XCTAssertEqual(copy.source, "REPORT_DATA_DIR")
        XCTAssertEqual(copy.directory.path, environment.appendingPathComponent("mnist").path)
    }

    func testProjectDataWinsOverSystemAndInvalidPlacesAreSkipped() throws {
        try TestPaths.requireSharedData()
        // The given directory holds a truncated label file: skipped, not used.
        let broken = root.appendingPathComponent("broken/mnist")
        try DatasetFixtures.linkSharedFiles(
            .mnist, into: broken,
            only: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"])
        try DatasetFixtures.writeTruncated(
            .mnist, file: "t10k-labels-idx1-ubyte.gz", bytes: 100,
            to: broken.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        try populated("project/data")
        try populated("system")
        let copy = try locator(dataDirectory: root.appendingPathComponent("broken").path).resolve(.mnist)
        XCTAssertEqual(copy.source, "project data")
        XCTAssertEqual(copy.skipped.map(\.place), ["--data-dir \(broken.path)"], "front ends warn about it")
        XCTAssertTrue(
            copy.skipped[0].problem.contains("t10k-labels-idx1-ubyte.gz: wrong content"),
            copy.skipped[0].problem)

        let reports = locator(dataDirectory: root.appendingPathComponent("broken").path).survey(.mnist)
        XCTAssertEqual(reports.map(\.isValid), [false, true, true])
    }

    func testSystemCopyIsUsedWhenNothingElseHasTheFiles() throws {
        try TestPaths.requireSharedData()
        try populated("system")
        let copy = try locator(environment: ["REPORT_DATA_DIR": root.appendingPathComponent("empty").path])
            .resolve(.mnist)
        XCTAssertEqual(copy.source, "system copy")
        XCTAssertEqual(try copy.load(.test).count, 10_000)
    }

    func testDataDirectoryMayHoldTheFilesDirectly() throws {
        try TestPaths.requireSharedData()
        let direct = DatasetFixtures.sharedDirectory(.mnist)
        let copy = try locator(dataDirectory: direct.path).resolve(.mnist)
        XCTAssertEqual(copy.directory.path, direct.path)
        // The shared tree itself, with mnist/ and fashion-mnist/ inside, works too.
        let fashion = try locator(dataDirectory: TestPaths.sharedData.path).resolve(.fashionMNIST)
        XCTAssertEqual(fashion.directory.lastPathComponent, "fashion-mnist")
    }

    func testAnotherDatasetsFilesAreNamedAsSuch() throws {
        try TestPaths.requireSharedData()
        // MNIST and Fashion-MNIST use the same file names: say whose content was found.
        let direct = DatasetFixtures.sharedDirectory(.mnist)
        XCTAssertThrowsError(try locator(dataDirectory: direct.path).resolve(.fashionMNIST)) { error in
            XCTAssertTrue(
                "\(error)".contains("--data-dir \(direct.path): holds MNIST's files, not Fashion-MNIST's"),
                "\(error)")
        }
    }

    func testNotFoundListsEveryPlaceTriedAndBothFixes() throws {
        let locator = locator(
            dataDirectory: root.appendingPathComponent("given").path,
            environment: ["REPORT_DATA_DIR": root.appendingPathComponent("environment").path])
        XCTAssertThrowsError(try locator.resolve(.fashionMNIST)) { error in
            guard case .notFound(let dataset, let attempts)? = error as? DatasetError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(dataset, .fashionMNIST)
            XCTAssertEqual(attempts.map(\.problem).first, "directory does not exist")
            XCTAssertEqual(
                attempts.map(\.place),
                [
                    "--data-dir \(self.root.path)/given/fashion-mnist",
                    "REPORT_DATA_DIR \(self.root.path)/environment/fashion-mnist",
                    "project data \(self.project.path)/data/fashion-mnist",
                    "system copy \(self.root.path)/system/fashion-mnist",
                    "download into \(self.project.path)/data/fashion-mnist",
                ])
            let text = "\(error)"
            XCTAssertTrue(text.contains("sudo apt-get install dataset-fashion-mnist"), text)
            XCTAssertTrue(text.contains("report data fetch fashion_mnist"), text)
        }
    }

    func testIncompleteDirectoryNamesTheMissingFiles() throws {
        try TestPaths.requireSharedData()
        try DatasetFixtures.linkSharedFiles(
            .mnist, into: project.appendingPathComponent("data/mnist"),
            only: ["train-labels-idx1-ubyte"])
        let report = locator().examine(locator().places(for: .mnist)[0], for: .mnist)
        XCTAssertEqual(
            report.problem,
            "incomplete: no train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]"
        )
    }

    func testLoadReadsTheRequestedSplit() throws {
        try TestPaths.requireSharedData()
        let train = try locator(dataDirectory: TestPaths.sharedData.path).load(.mnist, split: .train)
        XCTAssertEqual(train.count, 60_000)
        XCTAssertEqual(train.rows, 28)
        var counts = [Int](repeating: 0, count: 10)
        for label in train.labels { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }
}
