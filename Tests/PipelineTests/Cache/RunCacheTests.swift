import TestSupport
import XCTest

@testable import Pipeline

/// What a build takes from `data/runs/` and what it trains again.
final class RunCacheTests: XCTestCase {
    private static func document(
        prose: String = "Prose", caption: String = "First", label: String = "Baseline",
        lrs: String = "[0.01, 0.05]", baseLR: String = "0.05"
    ) -> String {
        """
        ```defaults
        \(TestProject.tiny)```

        ```experiment
        id: base
        label: \(label)
        lr: \(baseLR)
        ```

        ```experiment
        id: lr
        base: base
        sweep:
          lr: \(lrs)
        ```

        \(prose) {{ base.val_acc }}, {{ base.label }}.

        ```figure
        id: f
        runs: [lr]
        caption: \(caption)
        ```

        """
    }

    /// Modification dates of every `metrics.json` in the cache, by key.
    private func entryDates(_ project: TestProject) throws -> [String: Date] {
        var dates: [String: Date] = [:]
        for key in project.runs.allKeys() {
            dates[key] = try project.modificationDate(
                project.runs.directory(key).appendingPathComponent("metrics.json"))
        }
        return dates
    }

    func testEditsOutsideTheConfigurationRetrainNothing() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document())
        let first = try project.build()
        XCTAssertEqual(first.trained.sorted(), ["base", "lr[lr=0.01]", "lr[lr=0.05]"])
        XCTAssertEqual(project.runs.allKeys().count, 2, "base and lr[lr=0.05] are one training")
        let dates = try entryDates(project)

        try project.write(Self.document(prose: "Edited prose", caption: "Second", label: "Renamed"))
        let second = try project.build()
        XCTAssertEqual(second.trained, [])
        XCTAssertEqual(second.cached.sorted(), ["base", "lr[lr=0.01]", "lr[lr=0.05]"])
        XCTAssertEqual(try entryDates(project), dates)
        XCTAssertTrue(
            project.readme.contains(
                "Edited prose \(percent(try project.record("base").metrics.final!.valAcc)), Renamed."))
        XCTAssertTrue(project.readme.contains("*Figure 1: Second*"))

        // One swept value changed: only the new member trains.
        try project.write(Self.document(lrs: "[0.01, 0.1]"))
        let third = try project.build()
        XCTAssertEqual(third.trained, ["lr[lr=0.1]"])
        XCTAssertEqual(third.cached.sorted(), ["base", "lr[lr=0.01]"])
        XCTAssertEqual(try entryDates(project).filter { dates[$0.key] != nil }, dates)
    }

    func testStatusSaysWhyARunWouldTrain() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document())
        XCTAssertEqual(
            try project.builder().status().map { $0.reason },
            Array(repeating: "no cached results yet", count: 3))
        try project.build()
        let cached = try project.builder().status()
        XCTAssertEqual(cached.map(\.id), ["base", "lr[lr=0.01]", "lr[lr=0.05]"])
        XCTAssertEqual(cached.map(\.cached), [true, true, true])
        XCTAssertEqual(cached.map(\.reason), [nil, nil, nil])
        XCTAssertEqual(cached[0].valAcc, try project.record("base").metrics.final?.valAcc)
        XCTAssertEqual(cached[0].key, try project.key("base"))

        try project.write(Self.document(lrs: "[0.01, 0.05, 0.1]", baseLR: "0.07"))
        let changed = try project.builder().status()
        XCTAssertEqual(changed.map(\.id), ["base", "lr[lr=0.01]", "lr[lr=0.05]", "lr[lr=0.1]"])
        XCTAssertEqual(changed.map(\.cached), [false, true, true, false])
        XCTAssertEqual(changed[0].reason, "configuration changed: lr: 0.05 → 0.07")
        XCTAssertEqual(changed[3].reason, "new run")

        try FileManager.default.removeItem(
            at: project.runs.directory(try project.key("lr[lr=0.01]")).appendingPathComponent("metrics.json"))
        let missing = try project.builder().status()
        XCTAssertEqual(missing[1].cached, false)
        XCTAssertEqual(
            missing[1].reason,
            "its cached results are damaged (data/runs/\(try project.key("lr[lr=0.01]")): metrics.json is missing (an incomplete entry))"
        )
        try FileManager.default.removeItem(at: project.runs.directory(try project.key("lr[lr=0.01]")))
        XCTAssertEqual(
            try project.builder().status()[1].reason,
            "its results are missing from data/runs (deleted, or the build was interrupted)")

        let forced = try project.builder(rerun: ["lr[lr=0.05]"]).status()
        XCTAssertEqual(forced[2].cached, false)
        XCTAssertEqual(forced[2].reason, "forced by --rerun")

        // `--rerun` takes what `build` takes: a sweep id names all its members.
        let sweep = try project.builder(rerun: ["lr"]).status()
        XCTAssertEqual(sweep.map(\.cached), [false, false, false, false])
        XCTAssertEqual(
            sweep.map(\.reason),
            ["configuration changed: lr: 0.05 → 0.07"] + Array(repeating: "forced by --rerun", count: 3))
    }

    func testRerunRetrains() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document())
        try project.build()
        let key = try project.key("lr[lr=0.01]")
        let metrics = project.runs.directory(key).appendingPathComponent("metrics.json")
        let before = try project.modificationDate(metrics)

        let one = try project.build(rerun: ["lr[lr=0.01]"])
        XCTAssertEqual(one.trained, ["lr[lr=0.01]"])
        XCTAssertEqual(one.cached.sorted(), ["base", "lr[lr=0.05]"])
        XCTAssertGreaterThan(try project.modificationDate(metrics), before)

        // A sweep id retrains all its members (and every id sharing their trainings).
        XCTAssertEqual(
            try project.build(rerun: ["lr"]).trained.sorted(), ["base", "lr[lr=0.01]", "lr[lr=0.05]"])

        XCTAssertThrowsError(try project.build(rerun: ["bse"])) { error in
            XCTAssertEqual("\(error)", "unknown run 'bse' (did you mean 'base'?)")
        }
    }

    /// A build that was interrupted leaves a `.tmp-*` directory, or an entry without `metrics.json`;
    /// neither counts as a result, and the next build trains those runs again.
    func testInterruptedBuildsAreNotTakenAsResults() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document())
        try project.build()
        let base = try project.key("base")
        let low = try project.key("lr[lr=0.01]")
        let leftover = project.runs.root.appendingPathComponent(".tmp-\(base)-0badf00d")
        try FileManager.default.moveItem(at: project.runs.directory(base), to: leftover)
        try FileManager.default.removeItem(
            at: project.runs.directory(low).appendingPathComponent("metrics.json"))
        XCTAssertFalse(project.runs.isComplete(base))
        XCTAssertFalse(project.runs.isComplete(low))
        XCTAssertEqual(project.runs.allKeys(), [low], "an entry directory, though not a result")

        let summary = try project.build()
        XCTAssertEqual(summary.trained.sorted(), ["base", "lr[lr=0.01]", "lr[lr=0.05]"])
        XCTAssertEqual(project.runs.temporaryEntries(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path))
        XCTAssertEqual(project.runs.allKeys(), [base, low].sorted())
        for key in [base, low] {
            let files = try FileManager.default.contentsOfDirectory(atPath: project.runs.directory(key).path)
                .sorted()
            XCTAssertEqual(
                files,
                [
                    "checkpoint.bin", "config.yaml", "identity.json", "log.txt", "manifest.json",
                    "metrics.json", "state.bin",
                ])
        }
    }
}
