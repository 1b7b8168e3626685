import Foundation
import TestSupport
import XCTest

@testable import Pipeline
@testable import RunCache
@testable import Slurm

/// `report build --executor slurm` end to end on a real Slurm: runs only while a test cluster is up
/// (`scripts/slurm-test-cluster.sh start`, then `SLURM_CONF` exported; `.ci/run` does both), and
/// drives the `report` executable built beside the tests, as a user would.
final class SlurmClusterTests: XCTestCase {
    static let document = """
        ```defaults
        \(TestProject.tiny)lr: 0.05
        ```

        ```experiment
        id: sweep
        sweep:
          lr: [0.01, 0.05, 0.1]
        ```

        ```experiment
        id: ft
        init: sweep[lr=0.05]
        lr: 0.01
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

        ```experiment
        id: after-after-bad
        init: after-bad
        epochs: 0
        ```

        Fine-tuned {{ ft.val_acc }}.

        """

    var report: URL!
    var environment = ProcessInfo.processInfo.environment
    var directories: [URL] = []

    override func setUpWithError() throws {
        guard let conf = environment["SLURM_CONF"] else {
            throw XCTSkip(
                "no test cluster: SLURM_CONF is not set (scripts/slurm-test-cluster.sh start, then eval \"$(scripts/slurm-test-cluster.sh env)\")"
            )
        }
        let sinfo = try? SlurmCommands(environment: environment).run("sinfo", ["--noheader", "--format=%t"])
        guard let state = sinfo?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines),
            sinfo?.status == 0,
            ["idle", "mix", "alloc"].contains(state)
        else {
            throw XCTSkip(
                "no test cluster: sinfo with SLURM_CONF=\(conf) says '\(sinfo?.standardOutput ?? "")\(sinfo?.standardError ?? "sinfo not found")'"
            )
        }
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            TestPaths.repositoryRoot.appendingPathComponent(".build/release"),
        ]
        guard
            let found = candidates.compactMap({ $0?.appendingPathComponent("report") }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0.path)
            })
        else {
            throw XCTSkip("the report executable is not built beside the tests (swift build -c release)")
        }
        report = found
    }

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    func project(_ document: String, settings: String? = nil) throws -> URL {
        let root = try TestPaths.temporaryDirectory("slurm-e2e")
        directories.append(root)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("report"), withIntermediateDirectories: true)
        try Data(document.utf8).write(to: root.appendingPathComponent("report/answers.md"))
        if let settings { try Data(settings.utf8).write(to: root.appendingPathComponent("report.yaml")) }
        return root
    }

    /// Runs `report` in `root`; returns its exit status and standard error.
    func run(_ arguments: [String], in root: URL, timeout: Double = 180) throws -> (
        status: Int32, log: String
    ) {
        let process = try start(arguments, in: root)
        let deadline = Date() + timeout
        while process.process.isRunning && Date() < deadline { usleep(50_000) }
        if process.process.isRunning {
            process.process.terminate()
            XCTFail("report \(arguments.joined(separator: " ")) took over \(timeout) s")
        }
        process.process.waitUntilExit()
        return (
            process.process.terminationStatus, (try? String(contentsOf: process.log, encoding: .utf8)) ?? ""
        )
    }

    func start(_ arguments: [String], in root: URL) throws -> (process: Process, log: URL) {
        let process = Process()
        process.executableURL = report
        process.arguments = arguments + ["--data-dir", TestPaths.sharedData.path]
        process.currentDirectoryURL = root
        process.environment = environment
        let log = root.appendingPathComponent("report.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return (process, log)
    }

    /// Runs of the author's command train through the cluster as they do locally: the worker runs the
    /// command, an `init` run gets its parent's outputs, and the README is the local one byte for byte.
    func testCommandRunsTrainOnTheClusterAsTheyDoLocally() throws {
        let document = """
            ```experiment
            id: tiny
            run: python3 tiny_train.py --lr {lr} --epochs 3
            inputs: [tiny_train.py]
            slurm: {cpus_per_task: 1}
            sweep: {lr: [0.01, 0.05]}
            ```

            ```experiment
            id: tuned
            run: python3 tiny_train.py --lr 0.01 --epochs 2
            init: tiny[lr=0.05]
            ```

            Tuned {{ tuned.val_acc }} from {{ tiny[lr=0.05].val_acc }}, {{ tiny[lr=0.05].best.val_loss }}.

            """
        let slurm = try project(
            document, settings: "executor: slurm\nslurm:\n  poll_interval: 0.2\n  latency_wait: 2\n")
        let local = try project(document)
        for root in [slurm, local] {
            try FileManager.default.copyItem(
                at: CommandRunTests.fixtures.appendingPathComponent("tiny_train.py"),
                to: root.appendingPathComponent("tiny_train.py"))
        }
        let built = try run(["build"], in: slurm)
        XCTAssertEqual(built.status, 0, built.log)
        XCTAssertEqual(try run(["build", "--executor", "local"], in: local).status, 0)
        let readme = { (root: URL) in
            try String(contentsOf: root.appendingPathComponent("report/README.md"), encoding: .utf8)
        }
        let text = try readme(slurm)
        XCTAssertEqual(text, try readme(local))
        XCTAssertTrue(text.contains("Tuned "), text)
        let again = try run(["build"], in: slurm)
        XCTAssertEqual(again.status, 0, again.log)
        XCTAssertFalse(again.log.contains("submitted"), again.log)
    }

    func testSlurmBuildMatchesLocalSkipsDependentsAndResubmitsNothing() throws {
        // Same threads per run on both sides: local -j 1 gives each run every core.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let slurm = try project(
            Self.document,
            settings:
                "executor: slurm\nslurm:\n  poll_interval: 0.2\n  latency_wait: 2\n  cpus_per_task: \(cores)\n"
        )
        let local = try project(Self.document)

        let built = try run(["build"], in: slurm)
        XCTAssertEqual(built.status, 1, built.log)
        // `bad` diverges, which is a result; `after-bad` cannot start from it and fails in its job;
        // `after-after-bad` depends on that job and is skipped.
        XCTAssertTrue(built.log.contains("submitted 7 runs as 4 Slurm job arrays"), built.log)
        XCTAssertTrue(built.log.contains("failed  after-bad (key "), built.log)
        XCTAssertTrue(built.log.contains("report worker: error: the run it starts from"), built.log)
        XCTAssertTrue(
            built.log.contains("skipped after-after-bad: the run it starts from (after-bad) failed"),
            built.log)
        let localBuilt = try run(["build", "-j", "1", "--executor", "local"], in: local)
        XCTAssertEqual(localBuilt.status, 1, localBuilt.log)

        let slurmStore = RunStore(root: slurm.appendingPathComponent("data/runs"))
        let localStore = RunStore(root: local.appendingPathComponent("data/runs"))
        XCTAssertEqual(slurmStore.allKeys(), localStore.allKeys())
        XCTAssertEqual(slurmStore.allKeys().count, 5)
        for key in localStore.allKeys() {
            var a = try slurmStore.record(key).metrics
            var b = try localStore.record(key).metrics
            for i in a.epochs.indices {
                a.epochs[i].trainSeconds = 0
                a.epochs[i].evalSeconds = 0
            }
            for i in b.epochs.indices {
                b.epochs[i].trainSeconds = 0
                b.epochs[i].evalSeconds = 0
            }
            XCTAssertEqual(a, b, "metrics of \(key)")
            if a.diverged != nil { continue }  // a diverged run keeps no weights
            let (slurmHeader, slurmWeights) = try Self.checkpoint(slurmStore.checkpoint(key))
            let (localHeader, localWeights) = try Self.checkpoint(localStore.checkpoint(key))
            XCTAssertEqual(slurmHeader, localHeader, "layers of \(key)")
            XCTAssertEqual(slurmWeights, localWeights, "weights of \(key)")
        }
        let readme = try String(contentsOf: slurm.appendingPathComponent("report/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("> **Error:** run `after-bad` failed: the run it starts from"), readme)
        XCTAssertTrue(readme.contains("[Slurm job "), readme)
        XCTAssertTrue(
            readme.contains(
                "> **Error:** run `after-after-bad` failed: not trained: the run it starts from failed"),
            readme)
        // The same README but for the wording of why after-bad failed: locally the scheduler refuses to
        // start it; on Slurm its job starts and the worker refuses.
        let localReadme = try String(
            contentsOf: local.appendingPathComponent("report/README.md"), encoding: .utf8)
        XCTAssertTrue(localReadme.contains("> **Error:** run `after-bad` failed:"), localReadme)
        XCTAssertTrue(
            localReadme.contains(
                "> **Error:** run `after-after-bad` failed: not trained: the run it starts from failed"),
            localReadme)
        let withoutNotes = { (text: String) in
            text.replacingOccurrences(of: #"> \*\*Error:\*\*[^\n]*"#, with: "", options: .regularExpression)
        }
        XCTAssertEqual(withoutNotes(readme), withoutNotes(localReadme))

        // Without the failing runs everything is cached: nothing is submitted.
        let fixed = Self.document.replacingOccurrences(
            of: #"(?s)```experiment\nid: bad.*```\n\n"#, with: "", options: .regularExpression)
        try Data(fixed.utf8).write(to: slurm.appendingPathComponent("report/answers.md"))
        let builds = try FileManager.default.contentsOfDirectory(
            atPath: slurmStore.root.appendingPathComponent(".slurm").path)
        let again = try run(["build"], in: slurm)
        XCTAssertEqual(again.status, 0, again.log)
        XCTAssertFalse(again.log.contains("submitted"), again.log)
        XCTAssertTrue(again.log.contains("0 trainings (0 runs), 4 runs cached, 0 failed"), again.log)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(
                atPath: slurmStore.root.appendingPathComponent(".slurm").path), builds)
    }

    /// A checkpoint's header (as a parsed JSON object: its key order is not fixed) and its weights' bytes.
    static func checkpoint(_ url: URL) throws -> (NSDictionary, Data) {
        let data = try Data(contentsOf: url)
        let length =
            Int(data[data.startIndex + 12]) | Int(data[data.startIndex + 13]) << 8 | Int(
                data[data.startIndex + 14]) << 16
        let header = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: data.subdata(in: 16..<(16 + length))) as? NSDictionary)
        return (header, data.subdata(in: (16 + length)..<(data.count - 4)))
    }

    func testInterruptCancelsTheBuildsJobs() throws {
        let root = try project(Self.document)
        let started = try start(
            ["build", "--executor", "slurm", "--poll-interval", "0.2", "--setup", "sleep 120"], in: root)
        var name: String?
        let deadline = Date() + 60
        while name == nil && Date() < deadline && started.process.isRunning {
            let log = (try? String(contentsOf: started.log, encoding: .utf8)) ?? ""
            if let range = log.range(of: #"named report-[0-9a-z-]+"#, options: .regularExpression) {
                name = String(log[range].dropFirst(6))
            }
            usleep(100_000)
        }
        let job = try XCTUnwrap(name, (try? String(contentsOf: started.log, encoding: .utf8)) ?? "")
        let commands = SlurmCommands(environment: environment)
        // Wait until a task runs (its setup line sleeps), then press Ctrl-C.
        while try Date() < deadline && !commands.queue(names: [job]).contains(where: { $0.phase == .running })
        { usleep(100_000) }
        started.process.interrupt()
        started.process.waitUntilExit()
        let log = (try? String(contentsOf: started.log, encoding: .utf8)) ?? ""
        XCTAssertEqual(started.process.terminationStatus, 130, log)
        XCTAssertTrue(log.contains("error: interrupted: cancelled 7 Slurm jobs of this build"), log)
        let states = try commands.queue(names: [job])
        XCTAssertEqual(states.count, 7, "\(states)")
        XCTAssertTrue(states.allSatisfy { $0.state == "CANCELLED" }, "\(states)")
        XCTAssertEqual(RunStore(root: root.appendingPathComponent("data/runs")).allKeys(), [])
    }
}
