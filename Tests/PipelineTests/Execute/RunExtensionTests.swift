import Engine
import Files
import Foundation
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import RunCache

/// A run that differs from a cached (or earlier trained) run only by more epochs continues it, and
/// ends with the bytes of a run trained from epoch 1.
final class RunExtensionTests: XCTestCase {
    /// Dropout, batch norm, augmentation and a step schedule: everything that carries state or draws
    /// random numbers across epochs.
    static let defaults = """
        ```defaults
        train_samples: 200
        val_samples: 100
        batch_size: 50
        model: batchnorm-dropout
        width: 0.25
        schedule: step
        step_size: 1
        gamma: 0.5
        augment: {crop: 2, erase: 0.5}
        log_interval: 2
        ```

        """
    static let short = "```experiment\nid: short\nepochs: 1\n```\n"
    static let long = "```experiment\nid: long\nepochs: 2\n```\n"

    private func log(_ project: TestProject, _ id: String) throws -> String {
        try String(
            contentsOf: project.runs.directory(try project.key(id)).appendingPathComponent("log.txt"),
            encoding: .utf8)
    }

    /// Metrics without wall-clock times and thread counts, the values allowed to differ.
    private func comparable(_ metrics: RunMetrics) -> RunMetrics {
        var m = metrics
        for i in m.epochs.indices {
            m.epochs[i].trainSeconds = 0
            m.epochs[i].evalSeconds = 0
        }
        m.threads = 0
        m.threadChanges = nil
        return m
    }

    /// `long` trained from epoch 1 in a project of its own: the reference (metrics, and the bytes of
    /// its checkpoint and its kept state, each entry's own file).
    private func reference(_ document: String, id: String = "long") throws -> (RunMetrics, Data) {
        let project = try TestProject(document)
        try project.build()
        XCTAssertFalse(try log(project, id).contains("extends"))
        return (comparable(try project.record(id).metrics), try files(project, id))
    }

    /// The bytes of a run's checkpoint and kept state.
    private func files(_ project: TestProject, _ id: String) throws -> Data {
        let folder = project.runs.directory(try project.key(id))
        return try Data(contentsOf: folder.appendingPathComponent("checkpoint.bin"))
            + Data(contentsOf: folder.appendingPathComponent("state.bin"))
    }

    func testALongerRunContinuesTheCachedOneBitForBit() throws {
        try TestPaths.requireSharedData()
        let (expected, bytes) = try reference(Self.defaults + Self.long)
        let project = try TestProject(Self.defaults + Self.short)
        try project.build()
        let shortKey = try project.key("short")
        let state = project.runs.directory(shortKey).appendingPathComponent("state.bin")
        XCTAssertTrue(FileManager.default.fileExists(atPath: state.path), "the entry keeps its final state")

        try project.write(Self.defaults + Self.short + Self.long)
        let status = try project.builder().status()
        XCTAssertEqual(status[1].extends?.key, shortKey)
        XCTAssertTrue(
            status[1].reason?.hasSuffix("; extends \(shortKey) from epoch 1") ?? false, "\(status[1])")
        let summary = try project.build()
        XCTAssertEqual(summary.trained, ["long"])
        XCTAssertTrue(try log(project, "long").contains("extends \(shortKey) from epoch 1\n"))
        XCTAssertEqual(comparable(try project.record("long").metrics), expected)
        XCTAssertEqual(try files(project, "long"), bytes)
        XCTAssertTrue(project.runs.isComplete(shortKey), "the shorter run keeps its own entry")
    }

    /// `--rerun` trains a run from epoch 1 even when it could continue a shorter one: the same result.
    func testRerunTrainsFromEpochOne() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.defaults + Self.short + Self.long)
        try project.build()
        XCTAssertTrue(try log(project, "long").contains("extends \(try project.key("short")) from epoch 1\n"))
        let extended = (comparable(try project.record("long").metrics), try files(project, "long"))
        let summary = try project.build(rerun: ["long"])
        XCTAssertEqual(summary.trained, ["long"])
        XCTAssertFalse(try log(project, "long").contains("extends"))
        XCTAssertEqual(comparable(try project.record("long").metrics), extended.0)
        XCTAssertEqual(try files(project, "long"), extended.1)
    }

    /// In one build, the longer run waits for the shorter one and continues it; `init` runs too.
    func testOneBuildTrainsTheShortRunThenExtendsIt() throws {
        try TestPaths.requireSharedData()
        let document =
            Self.defaults + "```experiment\nid: parent\nepochs: 1\nseed: 7\n```\n"
            + "```experiment\nid: short\ninit: parent\nepochs: 1\n```\n"
            + "```experiment\nid: long\ninit: parent\nepochs: 2\n```\n"
        let (expected, bytes) = try reference(
            Self.defaults + "```experiment\nid: parent\nepochs: 1\nseed: 7\n```\n"
                + "```experiment\nid: long\ninit: parent\nepochs: 2\n```\n")
        let project = try TestProject(document)
        let status = try project.builder().status()
        XCTAssertTrue(
            status[2].reason?.hasSuffix(
                "; extends \(try project.key("short")) from epoch 1 once it is trained")
                ?? false, "\(status[2])")
        let summary = try project.build()
        XCTAssertEqual(summary.trained.sorted(), ["long", "parent", "short"])
        XCTAssertTrue(try log(project, "long").contains("extends \(try project.key("short")) from epoch 1\n"))
        XCTAssertEqual(comparable(try project.record("long").metrics), expected)
        XCTAssertEqual(try files(project, "long"), bytes)
    }

    /// The shorter run is being trained by another live process (it holds the run's claim): the build
    /// waits for it, takes it from the cache when it appears, and extends it.
    func testAShorterRunAnotherProcessTrainsIsWaitedForAndExtended() throws {
        try TestPaths.requireSharedData()
        let other = try TestProject(Self.defaults + Self.short)
        try other.build()
        let project = try TestProject(Self.defaults + Self.short + Self.long)
        let shortKey = try project.key("short")
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { sleeper.terminate() }
        let claim = project.runs.root.appendingPathComponent(".claims/\(shortKey)")
        try FileManager.default.createDirectory(
            at: claim.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(
            RunCacheLock.ClaimFile(
                holder: ProcessIdentity(
                    pid: sleeper.processIdentifier, host: ProcessIdentity.hostName, started: nil),
                claimedAt: 0)
        ).write(to: claim)

        // The "other process" publishes its entry and lets the claim go a moment later.
        let publish = project.runs.directory(shortKey)
        let source = other.runs.directory(shortKey)
        let incoming = project.runs.root.appendingPathComponent(".incoming")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            try? FileManager.default.copyItem(at: source, to: incoming)
            try? FileManager.default.moveItem(at: incoming, to: publish)
            try? FileManager.default.removeItem(at: claim)
        }
        let summary = try project.build()
        XCTAssertEqual(summary.cached, ["short"])
        XCTAssertEqual(summary.trained, ["long"])
        XCTAssertTrue(try log(project, "long").contains("extends \(shortKey) from epoch 1\n"))
    }

    /// A schedule that depends on the total number of epochs is never extended, and keeps no state.
    func testCosineRunsAreNotExtended() throws {
        try TestPaths.requireSharedData()
        let cosine = Self.defaults.replacingOccurrences(of: "schedule: step", with: "schedule: cosine")
        let project = try TestProject(cosine + Self.short + Self.long)
        try project.build()
        XCTAssertFalse(try log(project, "long").contains("extends"))
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: project.runs.directory(try project.key("short")).appendingPathComponent("state.bin")
                    .path))
    }

    /// An entry without `state.bin` (from before it existed) is not extended: trained from epoch 1.
    func testAnEntryWithoutStateTrainsFromScratch() throws {
        try TestPaths.requireSharedData()
        let (expected, bytes) = try reference(Self.defaults + Self.long)
        let legacy = try TestProject(Self.defaults + Self.short)
        try legacy.build()
        let folder = legacy.runs.directory(try legacy.key("short"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("state.bin"))
        var others: [String: Data] = [:]
        for name in ["config.yaml", "metrics.json", "checkpoint.bin", "log.txt"] {
            others[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        try RunStore.manifest(key: try legacy.key("short"), files: others).write(
            to: folder.appendingPathComponent("manifest.json"))
        XCTAssertTrue(legacy.runs.isComplete(try legacy.key("short")))
        try legacy.write(Self.defaults + Self.short + Self.long)
        XCTAssertNil(try legacy.builder().status()[1].extends)
        let summary = try legacy.build()
        XCTAssertEqual(summary.trained, ["long"])
        XCTAssertFalse(try log(legacy, "long").contains("extends"))
        XCTAssertEqual(comparable(try legacy.record("long").metrics), expected)
        XCTAssertEqual(try files(legacy, "long"), bytes)
    }

    /// The files extension reads are checked against the entry's manifest together: a state replaced
    /// meanwhile (another process's `--rerun`) or damaged is not used, nor one of another epoch.
    func testAStateThatDoesNotMatchItsManifestIsNotUsed() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.defaults + Self.short)
        try project.build()
        let shortKey = try project.key("short")
        let longer = try XCTUnwrap(project.plan().runs["short"]?.config).with(epochs: 2)
        let source = try XCTUnwrap(RunExtension.cachedSource(of: longer, initKey: nil, in: project.runs))
        XCTAssertEqual(source.key, shortKey)
        XCTAssertNoThrow(try RunExtension.snapshot(source, in: project.runs))
        let state = project.runs.directory(shortKey).appendingPathComponent("state.bin")
        let original = try Data(contentsOf: state)
        var bytes = [UInt8](original)
        bytes[bytes.count - 10] ^= 1
        try Data(bytes).write(to: state)
        XCTAssertThrowsError(try RunExtension.snapshot(source, in: project.runs)) { error in
            XCTAssertEqual("\(error)", "state.bin does not match the entry's manifest")
        }

        // A state of another epoch, even with a manifest that matches it, is not used either.
        var other = try TrainingState(decoding: original)
        other.epoch = 3
        try other.encoded().write(to: state)
        var files: [String: Data] = [:]
        for name in ["config.yaml", "metrics.json", "checkpoint.bin", "log.txt", "state.bin"] {
            files[name] = try Data(contentsOf: project.runs.directory(shortKey).appendingPathComponent(name))
        }
        try RunStore.manifest(key: shortKey, files: files).write(
            to: project.runs.directory(shortKey).appendingPathComponent("manifest.json"))
        XCTAssertThrowsError(try RunExtension.snapshot(source, in: project.runs)) { error in
            XCTAssertEqual("\(error)", "state.bin holds epoch 3, step 4, not the end of epoch 1")
        }
    }
}

extension TrainingConfig {
    fileprivate func with(epochs: Int) -> TrainingConfig {
        var config = self
        config.epochs = epochs
        return config
    }
}
