import Foundation
import TestSupport
import XCTest

/// The end-to-end tier: the built `report` binary run as a user runs it, judged by its exit status,
/// standard output and standard error.
final class CLITests: XCTestCase {
    private var project: URL!

    override func setUpWithError() throws {
        try ReportBinary.requireBuilt()
        project = try TestPaths.temporaryDirectory("cli-test")
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent("report"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let project { try? FileManager.default.removeItem(at: project) }
    }

    @discardableResult
    func report(_ arguments: [String]) throws -> ReportBinary.Result {
        try ReportBinary.run(arguments, in: project)
    }

    func write(_ text: String, to path: String = "report/answers.md") throws {
        try Data(text.utf8).write(to: project.appendingPathComponent(path))
    }

    /// One tiny experiment: 512 training and 256 validation images, one epoch (about a second).
    static let tinyDocument = """
        # Tiny

        ```experiment
        id: tiny
        dataset: mnist
        epochs: 1
        train_samples: 512
        val_samples: 256
        ```

        Accuracy {{ tiny.val_acc | percent(1) }}.

        """

    func testCheckAcceptsAValidDocument() throws {
        try write(Self.tinyDocument)
        let result = try report(["check"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            (result.stdout + result.stderr).contains("report/answers.md: ok, 1 run"),
            result.stdout + result.stderr)
    }

    func testCheckReportsEveryErrorWithPositionAndCaretAndExits1() throws {
        try write(
            """
            ```experiment
            id: a
            learnig_rate: 0.1
            ```

            ```experiment
            id: b
            optimizer: rmsprp
            ```

            """)
        let result = try report(["check"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stderr.contains("report/answers.md:3:1: error: unknown key 'learnig_rate'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean 'lr'?"), result.stderr)
        XCTAssertTrue(result.stderr.contains("report/answers.md:8:12: error:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("^~~~~~"), result.stderr)
        XCTAssertTrue(result.stderr.contains("2 errors generated."), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    /// A setting no run uses is a warning with its position and caret; the document is still fine.
    func testCheckPrintsUnusedSettingWarningsAndExits0() throws {
        try write(
            """
            ```experiment
            id: a
            optimizer: {name: sgd, beta1: 0.8}
            ```

            """)
        let result = try report(["check"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stderr.contains("report/answers.md:3:24: warning: 'beta1' is not used: sgd has no beta1"),
            result.stderr)
        XCTAssertTrue(result.stderr.contains("^~~~~"), result.stderr)
    }

    func testMissingDocumentIsAnErrorNamingIt() throws {
        let result = try report(["check", "report/nope.md"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("report/nope.md"), result.stderr)
    }

    func testBuildTrainsOnceWritesTheReadmeAndStatusSaysCached() throws {
        try TestPaths.requireSharedData()
        try write(Self.tinyDocument)
        let data = TestPaths.sharedData.path
        let first = try report(["build", "--data-dir", data])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("1 training (1 run), 0 runs cached, 0 failed"), first.stderr)
        let readme = try String(
            contentsOf: project.appendingPathComponent("report/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.range(of: #"Accuracy \d+\.\d%\."#, options: .regularExpression) != nil, readme)
        XCTAssertFalse(readme.contains("{{"), readme)

        let second = try report(["build", "--data-dir", data])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("0 trainings (0 runs), 1 run cached"), second.stderr)
        XCTAssertEqual(
            try String(contentsOf: project.appendingPathComponent("report/README.md"), encoding: .utf8),
            readme)

        let status = try report(["status"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("tiny") && status.stdout.contains("cached"), status.stdout)
    }

    func testBuildWithAnErrorTrainsNothingAndWritesNothing() throws {
        try write(
            """
            ```experiment
            id: a
            epochs: -1
            ```

            """)
        let result = try report(["build"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("report/answers.md:3:"), result.stderr)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: project.appendingPathComponent("report/README.md").path))
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: project.appendingPathComponent("data/runs").path))
    }

    func testTrainJSONPrintsOneObjectPerEpochFromEpoch0AndNothingElse() throws {
        try TestPaths.requireSharedData()
        let result = try report([
            "train", "--dataset", "mnist", "--epochs", "2", "--train-samples", "512",
            "--val-samples", "256", "--json", "--data-dir", TestPaths.sharedData.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        // Epoch 0 is the evaluation before the first step.
        XCTAssertEqual(lines.count, 3, result.stdout)
        for (i, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual(object?["epoch"] as? Int, i)
            let accuracy = try XCTUnwrap(object?["val_acc"] as? Double)
            XCTAssertTrue((0...1).contains(accuracy))
        }
    }

    func testTrainWarnsAboutAFlagTheRunDoesNotUse() throws {
        try TestPaths.requireSharedData()
        let result = try report([
            "train", "--dataset", "mnist", "--optimizer", "adam", "--momentum", "0.9", "--epochs", "1",
            "--train-samples", "256", "--val-samples", "128", "--data-dir", TestPaths.sharedData.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            result.stderr.contains("warning: --momentum is not used: adam has no momentum"), result.stderr)
    }

    func testTrainRejectsAnUnknownDatasetWithoutTraining() throws {
        let result = try report(["train", "--dataset", "cifar", "--epochs", "1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cifar"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testDataVerifySaysWhichCopyIsUsed() throws {
        try TestPaths.requireSharedData()
        let result = try report(["data", "verify", "--data-dir", TestPaths.sharedData.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(
            (result.stdout + result.stderr).contains(TestPaths.sharedData.path), result.stdout + result.stderr
        )
    }

    func testUnknownSubcommandIsAUsageError() throws {
        let result = try report(["bild"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertNotEqual(result.status, 1, "usage errors are not document errors")
        XCTAssertTrue(result.stderr.contains("bild"), result.stderr)
    }
}
