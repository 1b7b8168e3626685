import Datasets
import Foundation
import TestSupport
import XCTest

/// Downloads through the real URLSession code from a loopback server that serves the
/// shared data, with faults: 404, truncated body, connection closed mid-body, wrong file.
final class DownloadTests: XCTestCase {
    var project: URL!
    let testFiles = ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    override func setUpWithError() throws {
        project = try TestPaths.temporaryDirectory("report-download")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: project)
    }

    private var target: URL { project.appendingPathComponent("data/mnist") }

    private func locator(mirrors: [URL], hasher: CountingHasher = CountingHasher()) -> DataLocator {
        DataLocator(
            dataDirectory: nil, projectRoot: project, environment: [:],
            systemDirectory: project.appendingPathComponent("no-system"), allowDownload: true,
            mirrors: mirrors,
            verifier: DatasetVerifier(
                cache: VerificationCache(file: project.appendingPathComponent("data/.verified.json")),
                hasher: hasher.hasher))
    }

    /// Puts links to MNIST's training files into the project, so a fetch downloads only the
    /// two small test files (1.6 MB) instead of all four.
    private func linkTrainingFiles() throws {
        try DatasetFixtures.linkSharedFiles(
            .mnist, into: target, only: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"])
    }

    private func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []).filter {
            $0.contains(".download-")
        }
    }

    func testFetchDownloadsVerifiesAndRenamesAllFourFiles() throws {
        try TestPaths.requireSharedData()
        let server = try LoopbackHTTPServer(root: TestPaths.sharedData)
        let hasher = CountingHasher()
        var events: [DownloadProgress] = []
        let copy = try locator(mirrors: [server.url("{dataset}/")], hasher: hasher).resolve(.mnist) {
            events.append($0)
        }

        XCTAssertEqual(copy.source, "downloaded")
        XCTAssertEqual(copy.directory.path, target.path)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: target.path).sorted(),
            [
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz",
            ])
        XCTAssertEqual(server.requestedPaths.count, 4)
        XCTAssertEqual(hasher.count, 4, "each download is hashed once; the rename keeps the cached result")
        XCTAssertEqual(events.filter { $0.phase == .finished }.count, 4)
        XCTAssertTrue(events.contains { $0.phase == .receiving && $0.fraction == 1 })

        // A second build finds the copy in data/mnist and hashes nothing.
        let again = CountingHasher()
        let second = try locator(mirrors: [server.url("{dataset}/")], hasher: again).resolve(.mnist)
        XCTAssertEqual(second.source, "project data")
        XCTAssertEqual(again.count, 0)
        XCTAssertEqual(server.requestedPaths.count, 4)
        XCTAssertEqual(try second.load(.test).count, 10_000)
    }

    func testNotFoundOnTheFirstMirrorFallsBackToTheSecond() throws {
        try TestPaths.requireSharedData()
        try linkTrainingFiles()
        let server = try LoopbackHTTPServer(root: TestPaths.sharedData, faults: [("/gone/", .notFound)])
        let copy = try locator(mirrors: [server.url("gone/{dataset}/"), server.url("{dataset}/")]).resolve(
            .mnist)
        XCTAssertEqual(copy.source, "downloaded")
        // The mirror that served the first file is asked first for the next.
        XCTAssertEqual(
            server.requestedPaths,
            [
                "/gone/mnist/t10k-images-idx3-ubyte.gz", "/mnist/t10k-images-idx3-ubyte.gz",
                "/mnist/t10k-labels-idx1-ubyte.gz",
            ])
    }

    func testTruncatedDownloadIsRejectedNamingFileAndBothHashes() throws {
        try TestPaths.requireSharedData()
        try linkTrainingFiles()
        let server = try LoopbackHTTPServer(
            root: TestPaths.sharedData, faults: [("/mnist/t10k-labels", .truncate(bytes: 2000))])
        XCTAssertThrowsError(try locator(mirrors: [server.url("mnist/")]).resolve(.mnist)) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("\(server.url("mnist/t10k-labels-idx1-ubyte.gz").absoluteString)"), text)
            XCTAssertTrue(text.contains("expected \(DatasetInfo.info(.mnist).files[3].sha256)"), text)
            XCTAssertTrue(text.contains("decompressed content is "), text)
            XCTAssertTrue(text.contains("truncated"), text)
        }
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: target.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path))
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: target.appendingPathComponent("t10k-images-idx3-ubyte.gz").path))
        XCTAssertEqual(leftovers(), [])
    }

    func testWrongFileFromAMirrorIsRejectedAndARawFileIsAccepted() throws {
        try TestPaths.requireSharedData()
        // The mirror serves Fashion-MNIST's labels under MNIST's name, and MNIST's test images raw.
        try linkTrainingFiles()
        let mirror = project.appendingPathComponent("mirror")
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: DatasetFixtures.sharedDirectory(.fashionMNIST).appendingPathComponent(
                "t10k-labels-idx1-ubyte.gz"),
            to: mirror.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let images = try IDX.read(
            path: DatasetFixtures.sharedDirectory(.mnist).appendingPathComponent("t10k-images-idx3-ubyte.gz")
                .path)
        var raw = Data([0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28])
        raw.append(contentsOf: images.bytes)
        try raw.write(to: mirror.appendingPathComponent("t10k-images-idx3-ubyte.gz"))

        let server = try LoopbackHTTPServer(root: mirror)
        XCTAssertThrowsError(try locator(mirrors: [server.url()]).resolve(.mnist)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("t10k-labels-idx1-ubyte.gz"), text)
            XCTAssertTrue(text.contains("expected \(DatasetInfo.info(.mnist).files[3].sha256)"), text)
            XCTAssertTrue(
                text.contains("content is \(DatasetInfo.info(.fashionMNIST).files[3].sha256)"), text)
            XCTAssertTrue(text.contains("(that content is Fashion-MNIST's)"), text)
        }
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: target.appendingPathComponent("t10k-images-idx3-ubyte").path),
            "a raw download keeps a raw name")
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: target.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path))
        XCTAssertEqual(leftovers(), [])
    }

    func testInterruptedDownloadLeavesNoFileAtTheFinalName() throws {
        try linkTrainingFiles()
        let server = try LoopbackHTTPServer(
            root: TestPaths.sharedData, faults: [("/mnist/t10k-images", .closeMidBody(afterBytes: 100_000))])
        XCTAssertThrowsError(try locator(mirrors: [server.url("mnist/")]).resolve(.mnist)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("t10k-images-idx3-ubyte.gz"), text)
            XCTAssertTrue(text.contains("report data fetch mnist"), text)
        }
        for name in ["t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz"] {
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: target.appendingPathComponent(name).path), name)
        }
        XCTAssertEqual(leftovers(), [])
    }

    func testNotFoundAfterDownloadsFailListsPlacesAndMirrors() throws {
        let server = try LoopbackHTTPServer(root: TestPaths.sharedData, faults: [("/", .notFound)])
        XCTAssertThrowsError(
            try locator(mirrors: [server.url("a/"), server.url("b/")]).resolve(.fashionMNIST)
        ) { error in
            guard case .notFound(_, let attempts)? = error as? DatasetError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(
                attempts.map(\.place),
                [
                    "project data \(self.project.path)/data/fashion-mnist",
                    "system copy \(self.project.path)/no-system/fashion-mnist",
                    "download \(server.url("a/train-images-idx3-ubyte.gz").absoluteString)",
                    "download \(server.url("b/train-images-idx3-ubyte.gz").absoluteString)",
                ])
            XCTAssertTrue(attempts[2].problem.contains("HTTP 404"), attempts[2].problem)
            let text = "\(error)"
            XCTAssertTrue(text.contains("dataset-fashion-mnist"), text)
            XCTAssertTrue(text.contains("network access"), text)
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: project.appendingPathComponent("data/fashion-mnist").path),
            "a failed download leaves no empty directory behind")
    }
}
