import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// `report data fetch` and `report data verify` as a person would run them.
final class DataCommandsTests: XCTestCase {
    var project: URL!

    override func setUpWithError() throws {
        project = try TestPaths.temporaryDirectory("report-data-command")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: project)
    }

    func testFetchThenVerify() throws {
        try TestPaths.requireSharedData()
        try DatasetFixtures.linkSharedFiles(
            .mnist, into: project.appendingPathComponent("data/mnist"),
            only: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"])
        let server = try LoopbackHTTPServer(root: TestPaths.sharedData)
        let locator = DataLocator(
            dataDirectory: nil, projectRoot: project, environment: [:],
            systemDirectory: project.appendingPathComponent("no-system"), mirrors: [server.url("{dataset}/")])
        var printed: [String] = []
        var progressText = ""
        try DataCommands.fetch(
            [.mnist], locator: locator,
            progress: { progress in
                if case .started = progress.phase {
                    progressText += "fetching \(progress.url.absoluteString)\n"
                }
                if case .finished = progress.phase { progressText += "\(progress.file): verified\n" }
            }, output: { printed.append($0) })
        XCTAssertEqual(
            printed,
            [
                "mnist: verified copy in \(project.path)/data/mnist (downloaded), content \(DatasetInfo.info(.mnist).contentHash)"
            ])
        XCTAssertEqual(
            progressText,
            """
            fetching \(server.url("mnist/t10k-labels-idx1-ubyte.gz").absoluteString)
            t10k-labels-idx1-ubyte.gz: verified

            """)

        printed = []
        XCTAssertTrue(DataCommands.verify([.mnist], locator: locator) { printed.append($0) })
        XCTAssertEqual(printed.count, 3)
        XCTAssertTrue(printed[1].hasPrefix("  ok      project data"), printed[1])
        XCTAssertTrue(printed[1].hasSuffix("<- used"), printed[1])

        // Corrupt the downloaded file: verify reports it, naming the file and both hashes.
        let labels = project.appendingPathComponent("data/mnist/t10k-labels-idx1-ubyte.gz")
        let data = try Data(contentsOf: labels)
        try data.prefix(1000).write(to: labels)
        printed = []
        XCTAssertFalse(DataCommands.verify([.mnist], locator: locator) { printed.append($0) })
        let report = printed.joined(separator: "\n")
        XCTAssertTrue(report.contains("FAILED  project data"), report)
        XCTAssertTrue(report.contains(labels.path), report)
        XCTAssertTrue(report.contains("expected \(DatasetInfo.info(.mnist).files[3].sha256)"), report)
        XCTAssertTrue(report.contains("report data fetch mnist"), report)

        // Fetch repairs it: the corrupt file is replaced by a verified download.
        try DataCommands.fetch([.mnist], locator: locator, output: { _ in })
        XCTAssertTrue(DataCommands.verify([.mnist], locator: locator) { _ in })
    }

    func testFetchFailureThrowsEveryDatasetsMessage() {
        let locator = DataLocator(
            dataDirectory: nil, projectRoot: project, environment: [:],
            systemDirectory: project.appendingPathComponent("no-system"), allowDownload: false)
        XCTAssertThrowsError(try DataCommands.fetch([], locator: locator, output: { _ in })) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("mnist: no valid copy of MNIST"), text)
            XCTAssertTrue(text.contains("fashion_mnist: no valid copy of Fashion-MNIST"), text)
        }
    }
}
