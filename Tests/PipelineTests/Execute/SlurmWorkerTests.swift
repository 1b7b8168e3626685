import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import RunCache
@testable import Slurm

/// `report worker`: trains one planned run through the local code path, and refuses a plan whose key
/// this report does not compute.
final class SlurmWorkerTests: XCTestCase {
    func testTrainsOnceAndRefusesAMismatchedPlan() throws {
        let document = """
            ```experiment
            id: trained
            \(TestProject.tiny)lr: 0.05
            ```

            """
        let project = try TestProject(document)
        let key = try project.key("trained")
        var file = SlurmPlanFile(
            build: "b", document: "report/answers.md", source: document, projectRoot: project.root.path,
            runs: project.runs.root.path, dataDirectory: project.options.dataDirectory, threads: 1,
            tasks: [SlurmPlanFile.Task(key: key, runIDs: ["trained"], parent: nil)])
        let url = project.url("plan.json")
        try file.write(to: url)
        let console = SilentBuildObserver()

        XCTAssertThrowsError(try SlurmWorker.run(planFile: url, index: 1, console: console)) { error in
            XCTAssertEqual("\(error)", "\(url.path) has 1 run (indices 0 to 0); there is no index 1")
        }
        XCTAssertTrue(
            try SlurmWorker.run(planFile: url, index: 0, console: console).hasPrefix("trained: trained into ")
        )
        XCTAssertEqual(try project.record("trained").key, key)
        XCTAssertEqual(project.runs.temporaryEntries(), [])
        XCTAssertEqual(
            try SlurmWorker.run(planFile: url, index: 0, console: console),
            "trained: already in the cache (\(key)); nothing to do")

        // A rerun trains again and replaces the entry.
        file.tasks[0].rerun = true
        try file.write(to: url)
        XCTAssertTrue(
            try SlurmWorker.run(planFile: url, index: 0, console: console).hasPrefix("trained: trained into ")
        )
        XCTAssertEqual(try project.record("trained").key, key)

        file.tasks[0].key = "0123456789abcdef"
        try file.write(to: url)
        XCTAssertThrowsError(try SlurmWorker.run(planFile: url, index: 0, console: console)) { error in
            guard case SlurmError.keyMismatch(let run, let planned, let actual) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual([run, planned, actual], ["trained", "0123456789abcdef", key])
        }
    }

    func testAnEntryPublishedMeanwhileIsKept() throws {
        let root = try TestPaths.temporaryDirectory("publish")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = RunStore(root: root)
        let first = try store.beginEntry("k")
        try Data("first".utf8).write(to: first.appendingPathComponent("metrics.json"))
        let second = try store.beginEntry("k")
        try Data("second".utf8).write(to: second.appendingPathComponent("metrics.json"))
        XCTAssertTrue(try store.commitEntryUnlessPresent(first, key: "k"))
        XCTAssertFalse(try store.commitEntryUnlessPresent(second, key: "k"))
        XCTAssertEqual(
            try String(
                contentsOf: store.directory("k").appendingPathComponent("metrics.json"), encoding: .utf8),
            "first")
        XCTAssertEqual(store.temporaryEntries(), [])
    }
}
