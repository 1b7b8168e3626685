import TestSupport
import XCTest

@testable import Pipeline

/// Training the planned runs: failures stay with their run, and `init` runs wait for their start.
final class RunExecutorTests: XCTestCase {
    func testAFailedRunDoesNotStopTheOthers() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            """
            ```defaults
            \(TestProject.tiny)lr: 0.05
            ```

            ```experiment
            id: good
            ```

            ```experiment
            id: bad
            lr: 1e9
            train_samples: 600
            ```

            ```experiment
            id: after-bad
            init: bad
            epochs: 0
            ```

            Good {{ good.val_acc }}, bad {{ bad.val_acc }}.

            ```table
            runs: [good, bad]
            columns: [label, val_acc]
            ```

            """)
        let summary = try project.build()
        XCTAssertEqual(summary.trained, ["good"])
        XCTAssertEqual(summary.failed.keys.sorted(), ["after-bad", "bad"])
        XCTAssertTrue(summary.failed["bad"]?.hasPrefix("training diverged") ?? false, "\(summary.failed)")
        XCTAssertTrue(
            summary.failed["after-bad"]?.hasPrefix(
                "not trained: the run it starts from failed (training diverged") ?? false)
        for id in ["bad", "after-bad"] {
            let log = try XCTUnwrap(summary.failureLogs[id])
            XCTAssertTrue(FileManager.default.fileExists(atPath: log), "no log for \(id) at \(log)")
            XCTAssertTrue(
                try String(contentsOfFile: log, encoding: .utf8).contains(summary.failed[id] ?? "?"))
        }
        XCTAssertFalse(project.runs.isComplete(try project.key("bad")))
        XCTAssertEqual(project.runs.temporaryEntries(), [])

        let readme = project.readme
        let good = percent(try project.record("good").metrics.final!.valAcc)
        XCTAssertTrue(readme.contains("Good \(good), bad **[bad failed]**."), readme)
        XCTAssertTrue(readme.contains("| good | \(good) |\n| bad | failed |"), readme)
        let badLog = "data/runs/failed/\(try project.key("bad")).log"
        XCTAssertTrue(
            readme.contains("> **Error:** run `bad` failed: \(summary.failed["bad"]!) (log: `\(badLog)`)"),
            readme)
        XCTAssertTrue(readme.contains("> **Error:** run `after-bad` failed: not trained"), readme)

        // The failed run is tried again by the next build; the good one is not.
        let again = try project.build()
        XCTAssertEqual(again.cached, ["good"])
        XCTAssertEqual(again.failed.keys.sorted(), ["after-bad", "bad"])
    }

    /// `init: other` with `epochs: 0` only evaluates the other run's final weights.
    func testInitStartsFromTheOtherRunsWeights() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            """
            ```experiment
            id: evaluate
            base: trained
            init: trained
            epochs: 0
            ```

            ```experiment
            id: trained
            \(TestProject.tiny)lr: 0.05
            ```

            """)
        let summary = try project.build()
        XCTAssertEqual(summary.trained.sorted(), ["evaluate", "trained"])
        let trained = try project.record("trained")
        let evaluated = try project.record("evaluate")
        XCTAssertEqual(evaluated.metrics.epochs.map(\.epoch), [0])
        XCTAssertEqual(evaluated.metrics.final?.valAcc, trained.metrics.final?.valAcc)
        XCTAssertEqual(evaluated.metrics.final!.valLoss, trained.metrics.final!.valLoss, accuracy: 1e-9)
        XCTAssertNil(evaluated.metrics.final?.loss)

        let trainedKey = try project.key("trained")
        let evaluatedKey = try project.key("evaluate")
        let log = try String(
            contentsOf: project.runs.directory(evaluatedKey).appendingPathComponent("log.txt"),
            encoding: .utf8)
        XCTAssertTrue(log.contains("initialised from \(trainedKey)"), log)
        XCTAssertGreaterThanOrEqual(
            try project.modificationDate(
                project.runs.directory(evaluatedKey).appendingPathComponent("metrics.json")),
            try project.modificationDate(
                project.runs.directory(trainedKey).appendingPathComponent("checkpoint.bin")))
        let config = try String(
            contentsOf: project.runs.directory(evaluatedKey).appendingPathComponent("config.yaml"),
            encoding: .utf8)
        XCTAssertTrue(config.hasPrefix("# run \(evaluatedKey), initialised from \(trainedKey)\n"), config)
    }
}
