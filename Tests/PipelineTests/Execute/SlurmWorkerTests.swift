import Datasets
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

    /// A run on a dataset the project declares: the plan carries the declaration to the node.
    func testTrainsOnADeclaredDataset() throws {
        let document = """
            ```experiment
            id: own
            dataset: tiny
            epochs: 1
            batch_size: 10
            ```

            """
        let project = try TestProject(document)
        let images = project.url("data/tiny/images.idx")
        let labels = project.url("data/tiny/labels.idx")
        try FileManager.default.createDirectory(
            at: images.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FormatFixtures.writeIDX(FormatFixtures.grey, images: images, labels: labels)
        var declaration = DatasetDeclaration(
            id: DatasetID("tiny"), format: .idx, train: SplitSource(files: [images], labels: labels),
            testFraction: 0.2, origin: "report.yaml:2:3")
        declaration.sha256 = try DatasetCatalog(declarations: [declaration], cacheDirectory: nil)
            .manifestHash(of: declaration)
        project.options.datasets = [declaration]
        let key = try project.key("own")
        var file = SlurmPlanFile(
            build: "b", document: "report/answers.md", source: document, projectRoot: project.root.path,
            runs: project.runs.root.path, dataDirectory: nil, threads: 1,
            tasks: [SlurmPlanFile.Task(key: key, runIDs: ["own"], parent: nil)], datasets: [declaration])
        let url = project.url("plan.json")
        try file.write(to: url)
        XCTAssertTrue(
            try SlurmWorker.run(planFile: url, index: 0, console: SilentBuildObserver()).hasPrefix(
                "own: trained into "))
        XCTAssertEqual(try project.record("own").config["dataset"], "tiny")

        // A plan without the declaration cannot plan the run on the node.
        file.datasets = nil
        file.tasks[0].rerun = true
        try file.write(to: url)
        XCTAssertThrowsError(try SlurmWorker.run(planFile: url, index: 0, console: SilentBuildObserver())) {
            XCTAssertTrue("\($0)".contains("unknown dataset 'tiny'"), "\($0)")
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
