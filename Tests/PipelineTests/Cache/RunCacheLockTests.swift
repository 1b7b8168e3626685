import Files
import Foundation
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import RunCache

/// Processes sharing one run cache: claims, stale claims, `clean` against a running build, and two
/// real `report build` processes on one project.
final class RunCacheLockTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = try TestPaths.temporaryDirectory("run-cache-lock")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes a claim on `key` as `holder` would, `age` seconds ago.
    private func writeClaim(_ key: String, _ holder: ProcessIdentity, age: TimeInterval = 0) throws {
        let url = root.appendingPathComponent(".claims/\(key)")
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(RunCacheLock.ClaimFile(holder: holder, claimedAt: 0)).write(to: url)
        let date = Date().addingTimeInterval(-age)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
    }

    /// A process that stays alive for the test.
    private func sleeper() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        try process.run()
        addTeardownBlock { process.terminate() }
        return process
    }

    func testClaimsOfLiveProcessesAreRespectedAndStaleOnesTakenOver() throws {
        let lock = try RunCacheLock.forBuild(root)
        guard case .claimed(let mine) = try lock.claim("aaaa") else {
            return XCTFail("a free run is claimed")
        }
        XCTAssertEqual(lock.liveHolder("aaaa"), .current)

        // Held by another live process on this host: busy.
        let live = try sleeper()
        let other = ProcessIdentity(
            pid: live.processIdentifier, host: ProcessIdentity.hostName,
            started: ProcessIdentity.startTime(of: live.processIdentifier))
        try writeClaim("bbbb", other)
        guard case .busy(let holder) = try lock.claim("bbbb") else { return XCTFail("a live claim is taken") }
        XCTAssertEqual(holder, other)

        // The same pid with another start time is a reused pid: the claim is stale.
        var reused = other
        reused.started = (other.started ?? 0) + 1
        try writeClaim("cccc", reused)
        guard case .claimed = try lock.claim("cccc") else {
            return XCTFail("a reused pid's claim is not taken over")
        }

        // A dead process on this host: stale, taken over.
        try writeClaim(
            "dddd", ProcessIdentity(pid: try deadProcessID(), host: ProcessIdentity.hostName, started: nil))
        guard case .claimed = try lock.claim("dddd") else {
            return XCTFail("a dead process's claim is not taken over")
        }

        // Another host: live while refreshed, stale once it has not been for the claim lifetime.
        let remote = ProcessIdentity(pid: 42, host: "node-17.cluster", started: 1)
        try writeClaim("eeee", remote, age: 60)
        guard case .busy(remote) = try lock.claim("eeee") else {
            return XCTFail("a fresh remote claim is taken")
        }
        try writeClaim("ffff", remote, age: RunCacheLock.foreignClaimLifetime + 60)
        guard case .claimed = try lock.claim("ffff") else {
            return XCTFail("an abandoned remote claim is not taken over")
        }

        // A claim that cannot be read is damaged, not someone's: taken over.
        try Data("{garbage".utf8).write(to: root.appendingPathComponent(".claims/gggg"))
        guard case .claimed = try lock.claim("gggg") else {
            return XCTFail("a damaged claim is not taken over")
        }

        // Releasing removes only this process's own claims.
        lock.release(mine)
        XCTAssertNil(lock.liveHolder("aaaa"))
        lock.release(RunCacheLock.Claim(key: "bbbb", holder: .current))
        XCTAssertEqual(lock.liveHolder("bbbb"), other)
    }

    /// Leftover temporary entries are removed only when no live process holds their run.
    func testLeftoversOfLiveRunsAreKept() throws {
        let store = RunStore(root: root)
        let lock = try RunCacheLock.forBuild(root)
        let live = try sleeper()
        try writeClaim(
            "1111111111111111",
            ProcessIdentity(pid: live.processIdentifier, host: ProcessIdentity.hostName, started: nil))
        for name in [".tmp-1111111111111111-5-6", ".tmp-2222222222222222-5-6"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        lock.removeLeftovers(store)
        XCTAssertEqual(store.temporaryEntries().map(\.lastPathComponent), [".tmp-1111111111111111-5-6"])
    }

    func testCleanRefusesWhileABuildHoldsTheCache() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject("```experiment\nid: a\n\(TestProject.tiny)```\n")
        try project.build()
        try FileManager.default.createDirectory(
            at: project.runs.root.appendingPathComponent(".tmp-0123456789abcdef-1-2"),
            withIntermediateDirectories: true)
        let listing = project.runsDirectoryListing()
        let build = try RunCacheLock.forBuild(project.runs.root)
        XCTAssertThrowsError(try project.builder().clean(dryRun: false)) { error in
            XCTAssertEqual(
                "\(error)",
                "\(project.runs.root.path): a build is using it; clean removes nothing while a build runs, try again when it has finished"
            )
        }
        XCTAssertEqual(project.runsDirectoryListing(), listing)
        build.release()
        XCTAssertEqual(try project.builder().clean(dryRun: false), ["data/runs/.tmp-0123456789abcdef-1-2"])
    }

    /// `status` and `--explain` say when another build is training a run right now.
    func testStatusNamesTheProcessTrainingARun() throws {
        let project = try TestProject("```experiment\nid: a\n\(TestProject.tiny)```\n")
        try? FileManager.default.removeItem(at: root)
        root = project.runs.root
        let live = try sleeper()
        let holder = ProcessIdentity(
            pid: live.processIdentifier, host: ProcessIdentity.hostName, started: nil)
        try writeClaim(try project.key("a"), holder)
        XCTAssertEqual(
            try project.builder().status()[0].reason,
            "being trained now by process \(live.processIdentifier) on \(ProcessIdentity.hostName)")
    }

    // MARK: Two processes

    /// The `report` executable built beside the test bundle.
    private func reportExecutable() throws -> URL {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("report")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("no report executable at \(url.path); run `swift build` first")
        }
        return url
    }

    private func startBuild(_ project: TestProject, output: URL, jobs: Int) throws -> Process {
        let process = Process()
        process.executableURL = try reportExecutable()
        process.arguments = ["build", "--data-dir", TestPaths.sharedData.path, "-j", "\(jobs)"]
        process.currentDirectoryURL = project.root
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Two builds of one project at once: every run is trained exactly once, by one of them; the other
    /// waits and takes it from the cache. Both succeed and write the same README.
    func testTwoBuildsAtOnceTrainEachRunOnce() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            "```defaults\ntrain_samples: 3000\nval_samples: 500\nepochs: 2\n```\n\n"
                + "```experiment\nid: s\nsweep:\n  lr: [0.01, 0.02, 0.03, 0.04]\n```\n\n{{ s[lr=0.01].val_acc }}\n"
        )
        let logs = [project.url("first.log"), project.url("second.log")]
        let processes = try logs.map { try startBuild(project, output: $0, jobs: 2) }
        for process in processes { process.waitUntilExit() }
        let outputs = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
        XCTAssertEqual(processes.map(\.terminationStatus), [0, 0], outputs.joined(separator: "\n---\n"))
        var trained: [String] = []
        for output in outputs {
            trained += output.split(separator: "\n").filter { $0.hasPrefix("trained ") }.map {
                String($0.split(separator: ":")[0].dropFirst(8))
            }
        }
        XCTAssertEqual(
            trained.sorted(), ["s[lr=0.01]", "s[lr=0.02]", "s[lr=0.03]", "s[lr=0.04]"],
            outputs.joined(separator: "\n---\n"))
        XCTAssertEqual(project.runs.allKeys().count, 4)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(
                atPath: project.runs.root.appendingPathComponent(".claims").path), [])
        XCTAssertEqual(project.runs.temporaryEntries(), [])
        XCTAssertEqual(try project.build().cached.count, 4)
    }

    /// SIGINT stops the build at a batch boundary, exits 130 and says what did not finish; the next build
    /// resumes from the kept epoch and ends with the same bytes as a build never interrupted.
    func testInterruptedBuildResumesBitForBit() throws {
        try TestPaths.requireSharedData()
        let document =
            "```experiment\nid: r\ntrain_samples: 4000\nval_samples: 500\nepochs: 3\nlog_interval: 4\n```\n\n{{ r.val_acc }}\n"
        let reference = try TestProject(document)
        reference.options.jobs = 1
        try reference.build()
        let expected = try reference.record("r")
        let project = try TestProject(document)
        let key = try project.key("r")
        let state = project.runs.progressDirectory(key).appendingPathComponent(EngineTrainer.stateName)
        let process = try startBuild(project, output: project.url("build.log"), jobs: 1)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: state.path) && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.interrupt()
        process.waitUntilExit()
        let output = try String(contentsOf: project.url("build.log"), encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 130, output)
        XCTAssertTrue(output.contains("not finished: r ("), output)
        XCTAssertFalse(project.runs.isComplete(key))
        XCTAssertEqual(try project.builder().status()[0].reason?.hasPrefix("an interrupted build kept"), true)

        project.options.jobs = 1
        XCTAssertEqual(try project.build().trained, ["r"])
        let resumed = try project.record("r")
        var a = expected.metrics
        var b = resumed.metrics
        for i in a.epochs.indices {
            a.epochs[i].trainSeconds = 0
            a.epochs[i].evalSeconds = 0
        }
        for i in b.epochs.indices {
            b.epochs[i].trainSeconds = 0
            b.epochs[i].evalSeconds = 0
        }
        XCTAssertEqual(a, b)
        XCTAssertEqual(
            try Data(contentsOf: project.runs.checkpoint(key)),
            try Data(contentsOf: reference.runs.checkpoint(key)))
        XCTAssertTrue(
            try String(
                contentsOf: project.runs.directory(key).appendingPathComponent("log.txt"), encoding: .utf8
            )
            .contains("resumed after epoch"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.runs.progressDirectory(key).path))
    }
}
