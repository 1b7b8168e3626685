import Datasets
import Engine
import Foundation
import Synchronization
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline

/// Preconditions of a build are checked before any training: one error, nothing trained, nothing written.
final class FailEarlyTests: XCTestCase {
    final class Recorder: BuildObserver {
        let lines = Mutex<[String]>([])
        func note(_ text: String) { lines.withLock { $0.append("note " + text) } }
        func started(_ run: String) { lines.withLock { $0.append("started " + run) } }
        func event(_ run: String, _ event: TrainingEvent) {}
        func finished(_ run: String, _ final: EpochMetrics?) {
            lines.withLock { $0.append("finished " + run) }
        }
        func failed(_ run: String, _ message: String) { lines.withLock { $0.append("failed " + run) } }
        func ended(_ run: String, _ word: String, _ message: String) {}
        func download(_ progress: DownloadProgress) {}
        func buildStarting(trainings: Int, estimate: Double?, jobs: Int) {
            lines.withLock {
                $0.append("starting \(trainings) \(estimate.map { _ in "estimated" } ?? "unknown")")
            }
        }
    }

    func testAMissingDatasetStopsTheBuildBeforeAnyRunAndLeavesTheReadme() throws {
        let project = try TestProject(
            """
            ```experiment
            id: a
            dataset: mnist
            \(TestProject.tiny)sweep:
              lr: [0.1, 0.2, 0.3]
            ```

            ```experiment
            id: b
            dataset: fashion_mnist
            \(TestProject.tiny)```

            {{ a[lr=0.1].val_acc }}

            """)
        let old = TestProject.generatedHeader + "the previous build\n"
        try Data(old.utf8).write(to: project.url("report/README.md"))
        var options = project.options
        options.dataDirectory = project.url("nowhere").path
        options.allowDownload = false
        let recorder = Recorder()
        let builder = ReportBuilder(options: options, console: recorder)
        let environment = ProcessInfo.processInfo.environment
        try XCTSkipIf(
            environment["REPORT_DATA_DIR"] != nil
                || FileManager.default.fileExists(atPath: "/usr/share/datasets/mnist"),
            "a dataset copy outside the project would be found")
        XCTAssertThrowsError(try builder.build()) { error in
            guard case PipelineError.datasetUnavailable(let name, _) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(
                name, "fashion_mnist",
                "datasets are checked in name order; the first missing one stops the build")
        }
        XCTAssertEqual(recorder.lines.withLock { $0 }.filter { !$0.hasPrefix("note") }, [])
        XCTAssertEqual(project.readme, old)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.url("figures").path))
        XCTAssertEqual(project.runsDirectoryListing().filter { $0.count == 16 }, [])
    }

    func testTheBuildAnnouncesItsRunsWithAnEstimateFromRecordedRuns() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject("```experiment\nid: a\ndataset: mnist\n\(TestProject.tiny)```\n")
        let recorder = Recorder()
        _ = try ReportBuilder(options: project.options, console: recorder).build()
        XCTAssertTrue(
            recorder.lines.withLock { $0 }.contains("starting 1 unknown"), "\(recorder.lines.withLock { $0 })"
        )
        try project.write("```experiment\nid: a\ndataset: mnist\n\(TestProject.tiny)lr: 0.2\n```\n")
        let second = Recorder()
        _ = try ReportBuilder(options: project.options, console: second).build()
        XCTAssertTrue(
            second.lines.withLock { $0 }.contains("starting 1 estimated"), "\(second.lines.withLock { $0 })")
    }
}
