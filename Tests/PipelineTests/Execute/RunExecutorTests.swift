import Datasets
import Engine
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import RunCache

/// Training the planned runs: failures stay with their run, and `init` runs wait for their start.
final class RunExecutorTests: XCTestCase {
    /// A run whose loss stops being finite is a result: cached as diverged with the epochs before it,
    /// shown as such, not trained again unless asked. Runs starting from it fail; the others carry on.
    func testADivergedRunIsAResultAndItsDependentsFail() throws {
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

            Good {{ good.val_acc }}, bad {{ bad.val_acc | percent(1) }}.

            ```table
            runs: [good, bad]
            columns: [label, val_acc]
            ```

            ```figure
            id: bars
            type: bar
            runs: [good, bad]
            metric: val_acc
            ```

            """)
        let summary = try project.build()
        XCTAssertEqual(summary.trained.sorted(), ["bad", "good"])
        XCTAssertEqual(summary.failed.keys.sorted(), ["after-bad"])
        XCTAssertEqual(
            summary.failed["after-bad"]?.message, "not trained: the run it starts from diverged at epoch 1")
        let bad = try project.record("bad")
        XCTAssertEqual(bad.metrics.diverged?.epoch, 1)
        XCTAssertEqual(bad.metrics.epochs.map(\.epoch), [0], "only the evaluation before training")
        XCTAssertEqual(bad.metrics.stepsPerEpoch, 3)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: project.runs.checkpoint(try project.key("bad")).path))
        let failure = try XCTUnwrap(summary.failed["after-bad"])
        XCTAssertEqual(failure.kind, .dependency(on: try XCTUnwrap(project.plan().keys["bad"])))
        let log = try XCTUnwrap(failure.log)
        XCTAssertTrue(try String(contentsOf: log, encoding: .utf8).contains(failure.message))
        XCTAssertEqual(project.runs.temporaryEntries(), [])

        let readme = project.readme
        let good = percent(try project.record("good").metrics.final!.valAcc)
        XCTAssertTrue(readme.contains("Good \(good), bad diverged at epoch 1."), readme)
        XCTAssertTrue(readme.contains("| good | \(good) |\n| bad | diverged at epoch 1 |"), readme)
        XCTAssertTrue(
            readme.contains(
                "> **Error:** run `after-bad` failed: not trained: the run it starts from diverged at epoch 1"
            ), readme)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.url("figures/bars.svg").path))

        // Kept: the next build trains nothing new; status says so; --rerun trains it again.
        let again = try project.build()
        XCTAssertEqual(again.cached.sorted(), ["bad", "good"])
        XCTAssertEqual(again.trained, [])
        XCTAssertEqual(again.failed.keys.sorted(), ["after-bad"])
        let status = try project.builder().status()
        XCTAssertEqual(status.map(\.cached), [true, true, false])
        XCTAssertEqual(status[1].divergedAt, 1)
        XCTAssertEqual(try project.build(rerun: ["bad"]).trained, ["bad"])
    }

    /// Diverging in a later epoch keeps the epochs before it: values say where, curves stop there.
    func testADivergedRunKeepsTheEpochsBeforeIt() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            """
            ```experiment
            id: late
            train_samples: 200
            val_samples: 200
            epochs: 3
            schedule: step
            step_size: 1
            gamma: 1e11
            ```

            {{ late.val_acc }} after {{ late.epochs }} epochs.

            ```figure
            id: curve
            runs: [late]
            metrics: [val_acc]
            ```

            """)
        XCTAssertEqual(try project.build().trained, ["late"])
        let record = try project.record("late")
        // Epoch 3's training step was still finite (and is kept); its validation loss was not.
        XCTAssertEqual(record.metrics.diverged?.epoch, 3)
        XCTAssertEqual(record.metrics.epochs.map(\.epoch), [0, 1, 2])
        XCTAssertEqual(record.metrics.steps.map(\.epoch), [1, 2, 3])
        XCTAssertTrue(project.readme.contains("diverged at epoch 3 after 2 epochs."), project.readme)
        let svg = try String(contentsOf: project.url("figures/curve.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains(">late<"), svg)
    }

    /// Real failures still fail: a checkpoint to start from that holds another model, and weights that
    /// are not finite (an evaluation of them must not "succeed").
    func testAForeignOrNonFiniteStartFails() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            """
            ```experiment
            id: trained
            \(TestProject.tiny)
            ```

            ```experiment
            id: evaluate
            base: trained
            init: trained
            epochs: 0
            ```

            """)
        try project.build()
        let key = try project.key("trained")
        let checkpoint = project.runs.checkpoint(key)
        let manifest = project.runs.directory(key).appendingPathComponent("manifest.json")
        // Entries without a manifest are trusted by their values and their checkpoint's checksum.
        var other = try XCTUnwrap(project.plan().runs["trained"]).config
        other.width = 2
        try FileManager.default.removeItem(at: manifest)
        try Checkpoint.encode(try Trainer(config: other).network).write(to: checkpoint)
        let foreign = try project.build(rerun: ["evaluate"])
        XCTAssertTrue(
            foreign.failed["evaluate"]?.message.hasPrefix(
                "\(checkpoint.path): the checkpoint holds a different model.") ?? false,
            "\(foreign.failed)")

        let trainer = try Trainer(config: try XCTUnwrap(project.plan().runs["trained"]).config)
        for tensor in trainer.network.state { for i in 0..<tensor.buffer.count { tensor.buffer[i] = .nan } }
        try FileManager.default.removeItem(at: manifest)
        try Checkpoint.encode(trainer.network).write(to: checkpoint)
        let nan = try project.build(rerun: ["evaluate"])
        XCTAssertEqual(
            nan.failed["evaluate"]?.message,
            "\(checkpoint.path): the checkpoint it starts from holds non-finite weights (1.weight)")
        XCTAssertNotNil(
            project.runs.entry(try project.key("evaluate")).record,
            "a failed --rerun keeps the earlier result")

        // A damaged checkpoint makes its entry damaged: the run is trained again (the same weights, so
        // the cached evaluation of them stays).
        var bytes = try Data(contentsOf: checkpoint)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: checkpoint)
        let repaired = try project.build()
        XCTAssertEqual(repaired.trained, ["trained"])
        XCTAssertEqual(repaired.cached, ["evaluate"])
        XCTAssertEqual(try Data(contentsOf: checkpoint).count, bytes.count)
        XCTAssertNoThrow(try Checkpoint.verify(checkpoint))
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
        XCTAssertEqual(
            evaluated.metrics.final!.valLoss ?? .nan, trained.metrics.final!.valLoss ?? .nan, accuracy: 1e-9)
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

    /// Two runs on two cores: one thread each; when the short one ends and nothing is ready to take its
    /// core, the long one goes on with both from its next batch, and its record says from which step.
    func testARunGetsTheCoresOfRunsThatFinished() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            """
            ```experiment
            id: long
            train_samples: 2400
            val_samples: 100
            batch_size: 40
            epochs: 2
            ```

            ```experiment
            id: short
            train_samples: 40
            val_samples: 40
            batch_size: 40
            epochs: 1
            ```

            """)
        let lock = try RunCacheLock.forBuild(project.runs.root)
        defer { lock.release() }
        let executor = LocalScheduler(
            trainer: EngineTrainer(
                store: project.runs,
                data: DatasetCache(
                    locator: DataLocator(dataDirectory: TestPaths.sharedData.path, projectRoot: project.root),
                    observer: SilentBuildObserver())),
            lock: lock, jobs: 2, cores: 2, console: SilentBuildObserver(), stop: StopSignal(), available: [],
            forced: [])
        let outcomes = executor.execute(try project.plan().plannedRuns)
        XCTAssertEqual(outcomes.count, 2)
        let short = try project.record("short").metrics
        XCTAssertEqual(short.threads, 1)
        let long = try project.record("long").metrics
        XCTAssertEqual(long.threads, 1, "started beside the short run")
        // From its first batch on, if the short run ended before that.
        let changes = try XCTUnwrap(long.threadChanges, "never given the free core")
        XCTAssertEqual(changes.map(\.threads), [2])
        XCTAssertLessThan(changes[0].step, 2 * long.stepsPerEpoch)
    }
}
