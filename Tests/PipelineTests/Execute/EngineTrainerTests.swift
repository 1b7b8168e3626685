import Datasets
import Engine
import Foundation
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import RunCache

/// Training one planned run into the cache, stopped and resumed at chosen batches.
final class EngineTrainerTests: XCTestCase {
    private static let document =
        "```experiment\nid: r\ntrain_samples: 900\nval_samples: 300\nepochs: 3\nbatch_size: 100\nlog_interval: 4\n```\n"

    private func training(_ project: TestProject) -> EngineTrainer {
        EngineTrainer(
            store: project.runs,
            data: DatasetCache(
                locator: DataLocator(
                    dataDirectory: TestPaths.sharedData.path,
                    projectRoot: project.root), observer: SilentBuildObserver()))
    }

    private func timeless(_ metrics: RunMetrics) -> RunMetrics {
        var m = metrics
        for i in m.epochs.indices {
            m.epochs[i].trainSeconds = 0
            m.epochs[i].evalSeconds = 0
        }
        return m
    }

    /// Stopped twice (in epoch 2, then in epoch 3), the run ends with the bytes of an uninterrupted one.
    func testStoppedTwiceEndsBitForBitLikeAnUninterruptedRun() throws {
        try TestPaths.requireSharedData()
        let reference = try TestProject(Self.document)
        let run = try XCTUnwrap(reference.plan().plannedRuns.first)
        guard
            case .trained = training(reference).train(
                run, TrainingContext(threads: 1, shouldStop: { false }, onEvent: { _ in }))
        else {
            return XCTFail("the reference run did not train")
        }
        let project = try TestProject(Self.document)
        let runner = training(project)
        for (stopAfter, kept) in [(14, 1), (12, 2)] {
            var batches = 0
            let outcome = runner.train(
                run,
                TrainingContext(
                    threads: 1,
                    shouldStop: {
                        batches += 1
                        return batches > stopAfter
                    }, onEvent: { _ in }))
            guard case .interrupted(let finished, 3) = outcome else {
                return XCTFail("not interrupted: \(outcome)")
            }
            XCTAssertEqual(finished, kept)
            XCTAssertFalse(project.runs.isComplete(run.key))
            let state = try TrainingState(
                decoding: Data(
                    contentsOf: project.runs.progressDirectory(run.key)
                        .appendingPathComponent(EngineTrainer.stateName)))
            XCTAssertEqual(state.epoch, kept)
        }
        guard
            case .trained = runner.train(
                run, TrainingContext(threads: 2, shouldStop: { false }, onEvent: { _ in }))
        else {
            return XCTFail("the resumed run did not train")
        }
        let expected = try reference.runs.record(run.key)
        let resumed = try project.runs.record(run.key)
        XCTAssertEqual(timeless(resumed.metrics), timeless(expected.metrics))
        XCTAssertEqual(resumed.metrics.threads, 1, "a resumed run keeps its thread count")
        XCTAssertEqual(
            try Data(contentsOf: project.runs.checkpoint(run.key)),
            try Data(contentsOf: reference.runs.checkpoint(run.key)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.runs.progressDirectory(run.key).path))
        XCTAssertEqual(
            RunIdentity.read(in: project.runs.directory(run.key)),
            RunIdentity(key: run.key, initKey: nil, config: run.canonicalConfig), "identity.json")
        let log = try String(
            contentsOf: project.runs.directory(run.key).appendingPathComponent("log.txt"), encoding: .utf8)
        XCTAssertTrue(log.contains("resumed after epoch 2 from the state an interrupted build kept"), log)
    }

    /// A damaged kept state is ignored (and said so in the log): the run starts again at epoch 1.
    func testADamagedKeptStateIsIgnored() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document)
        let run = try XCTUnwrap(project.plan().plannedRuns.first)
        let state = project.runs.progressDirectory(run.key).appendingPathComponent(EngineTrainer.stateName)
        try FileManager.default.createDirectory(
            at: state.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("RPTSTATE garbage".utf8).write(to: state)
        guard
            case .trained = training(project).train(
                run, TrainingContext(threads: 1, shouldStop: { false }, onEvent: { _ in }))
        else {
            return XCTFail("did not train")
        }
        let metrics = try project.runs.record(run.key).metrics
        XCTAssertEqual(
            metrics.epochs.map(\.epoch), [0, 1, 2, 3], "epoch 0 (before training), then all three")
        let log = try String(
            contentsOf: project.runs.directory(run.key).appendingPathComponent("log.txt"), encoding: .utf8)
        XCTAssertTrue(
            log.contains(
                "ignored the kept state (unusable training state: not a training state file); starting at epoch 1"
            ), log)
    }
}
