import Document
import Foundation
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import Planning
@testable import RunCache

/// Experiments that run the author's command (`run:`), end to end with the small Python scripts in
/// `Tests/Fixtures/commands` (standard library only): sweeps, seeds, the cache, failures, timeouts,
/// interruption and resumption, `init`, and what the command is given.
final class CommandRunTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/commands")

    /// A project holding the fixture scripts at its root.
    func project(_ document: String) throws -> TestProject {
        let project = try TestProject(document)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
        where name.hasSuffix(".py") {
            try FileManager.default.copyItem(
                at: Self.fixtures.appendingPathComponent(name), to: project.url(name))
        }
        return project
    }

    static let sweep = """
        # Tiny

        ```experiment
        id: tiny
        run: python3 tiny_train.py --lr {lr} --epochs {epochs} --seed {seed}
        inputs: [tiny_train.py]
        epochs: 4
        seeds: [1, 2]
        sweep: {lr: [0.01, 0.05]}
        ```

        Faster: {{ tiny[lr=0.05].val_acc | pm(1) }} against {{ tiny[lr=0.01].val_acc | percent(1) }}.
        {{ assert tiny[lr=0.05].val_acc > tiny[lr=0.01].val_acc }}

        ```table
        runs: [tiny]
        columns: [label, lr, loss, val_acc, best.val_acc]
        ```

        ```figure
        id: curves
        runs: [tiny]
        metrics: [[loss, val_loss], val_acc]
        ```

        """

    func testSweepsSeedsClaimsAndAnExactCache() throws {
        let project = try project(Self.sweep)
        let first = try project.build()
        XCTAssertEqual(first.trainedKeys, 4)
        XCTAssertTrue(first.failed.isEmpty, "\(first.failed)")
        XCTAssertEqual(first.claims.held, 1)
        XCTAssertTrue(project.readme.contains("| lr=0.05 | 0.05 |"), project.readme)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.url("figures/curves.svg").path))
        let record = try project.record("tiny[lr=0.05,seed=2]")
        XCTAssertEqual(
            record.config["run"], "python3 tiny_train.py --lr {lr} --epochs {epochs} --seed {seed}")
        XCTAssertEqual(record.command?.commandLine, "python3 tiny_train.py --lr 0.05 --epochs 4 --seed 2")
        XCTAssertEqual(record.metrics.epochs.map(\.epoch), [0, 1, 2, 3, 4])
        let key = try project.key("tiny[lr=0.05,seed=2]")
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: project.runs.directory(key).appendingPathComponent("out/weights.json").path))

        // Prose retrains nothing; an edited input retrains exactly its runs, and --explain names it.
        try project.write(Self.sweep + "\nMore prose.\n")
        XCTAssertEqual(try project.build().trainedKeys, 0)
        try (try String(contentsOf: project.url("tiny_train.py"), encoding: .utf8) + "\n# edited\n")
            .write(to: project.url("tiny_train.py"), atomically: true, encoding: .utf8)
        let reasons = try project.builder().status().map(\.reason)
        XCTAssertEqual(reasons, Array(repeating: "input changed: tiny_train.py", count: 4))
        XCTAssertEqual(try project.build().trainedKeys, 4)

        // A metric no run recorded is an error at its place, once the runs are cached.
        try project.write(Self.sweep + "\nScore: {{ tiny[lr=0.05].bleu }}.\n")
        XCTAssertThrowsError(try project.build()) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "no run of these runs recorded a metric 'bleu'; they recorded acc, loss, val_acc, val_loss"
                ),
                "\(error)")
        }
    }

    /// A metric of the script's own naming works in values, seed statistics, `best.`, tables and figures.
    func testAnyMetricTheScriptRecords() throws {
        let project = try project(
            """
            ```experiment
            id: f1
            run: python3 tiny_train.py --lr {lr} --epochs 4 --extra-metric
            sweep: {lr: [0.01, 0.05]}
            seeds: [1, 2]
            ```

            ```figure
            id: f1-curve
            runs: [f1]
            metrics: [val_f1, [loss, val_loss]]
            ```

            ```table
            runs: [f1]
            columns: [label, val_f1, best.val_f1, val_f1@2]
            ```

            F1 {{ f1[lr=0.05].val_f1 | pm(3) }}, best {{ f1[lr=0.05].best.val_f1.max }}. {{ assert f1[lr=0.05].val_f1.n == 2 }}

            """)
        let summary = try project.build()
        XCTAssertTrue(summary.failed.isEmpty, "\(summary.failed)")
        XCTAssertEqual(summary.claims.held, 1)
        let records = try [1, 2].map { try project.record("f1[lr=0.05,seed=\($0)]") }
        let finals = try records.map { try XCTUnwrap($0.metrics.final?.extra["val_f1"]) }
        let mean = (finals[0] + finals[1]) / 2
        XCTAssertTrue(project.readme.contains("F1 \(String(format: "%.3f", mean)) ± "), project.readme)
        XCTAssertTrue(
            project.readme.contains("| Run | val_f1 | Best val_f1 | val_f1 at epoch 2 |"), project.readme)
        let svg = try String(contentsOf: project.url("figures/f1-curve.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains(">val_f1<"), "the panel is titled by the metric")
    }

    /// A metric whose name does not say which way is better is declared in a `metrics` block, with
    /// how it prints; without one, `best.` of it is a positioned error.
    func testAMetricsBlockDeclaresWhatANameDoesNotSay() throws {
        let body = """
            ```experiment
            id: mt
            run: sh mt.sh
            ```

            Best {{ mt.best.wer }}, final {{ mt.wer }}, BLEU {{ mt.best.bleu }}.

            """
        let project = try project(body)
        try #"""
        for line in '{"epoch": 1, "wer": 0.4, "bleu": 10.5}' '{"epoch": 2, "wer": 0.25, "bleu": 20.25}' \
            '{"epoch": 3, "wer": 0.3, "bleu": 18}'; do echo "$line" >> "$REPORT_METRICS"; done
        """#.write(to: project.url("mt.sh"), atomically: true, encoding: .utf8)
        XCTAssertEqual(
            planErrors(body),
            [
                "6:12: 'best.wer': the name does not say whether a higher or a lower wer is better; declare it in a metrics block ('wer: higher' or 'lower')"
            ])
        try project.write(body + "```metrics\nwer: {better: lower, format: percent}\n```\n")
        try project.build()
        XCTAssertTrue(project.readme.contains("Best 25.00%, final 30.00%, BLEU 20.2500."), project.readme)
    }

    func testFailuresAreResultsAPersonCanActOn() throws {
        let project = try project(
            """
            ```experiment
            id: bad
            run: python3 {script}
            cases:
              - {script: fail_after_two.py}
              - {script: garbage_metrics.py}
              - {script: no_metrics.py}
              - {script: nan_loss.py}
            ```

            ```experiment
            id: good
            run: python3 tiny_train.py --epochs 2
            ```

            """)
        let summary = try project.build()
        XCTAssertEqual(summary.trained.sorted(), ["bad[script=nan_loss.py]", "good"])
        let failed = summary.failed.mapValues(\.message)
        XCTAssertEqual(failed.count, 3)
        let crash = try XCTUnwrap(failed["bad[script=fail_after_two.py]"])
        XCTAssertTrue(crash.hasPrefix("the command exited with status 1; its last output:"), crash)
        XCTAssertTrue(crash.contains("CUDA out of memory (simulated)"), crash)
        XCTAssertTrue(
            failed["bad[script=garbage_metrics.py]"]?.hasPrefix(
                "a line of $REPORT_METRICS is not a JSON object of metrics (expected '{'): loss=0.3 acc=0.9")
                ?? false,
            "\(failed)")
        XCTAssertTrue(failed["bad[script=no_metrics.py]"]?.hasPrefix("the command wrote no metrics") ?? false)
        // A non-finite metric ends the run as diverged: a result, with the epochs before it.
        let diverged = try project.record("bad[script=nan_loss.py]")
        XCTAssertEqual(diverged.metrics.diverged?.epoch, 2)
        XCTAssertEqual(diverged.metrics.epochs.map(\.epoch), [1])
        // Each failure keeps the command's whole output, and the README says what happened.
        let log = try String(
            contentsOf: try XCTUnwrap(summary.failed["bad[script=fail_after_two.py]"]?.log), encoding: .utf8)
        XCTAssertTrue(log.contains("training aborted"), log)
        XCTAssertTrue(
            project.readme.isEmpty || !project.readme.contains("CUDA") || project.readme.contains("failed"))
    }

    /// A trainer for one command run in `project`, with a short grace period.
    func train(
        _ project: TestProject, _ id: String, outputLimit: Int64 = CommandTrainer.defaultOutputLimit,
        stopAfterEpoch: Int? = nil
    ) throws -> (RunOutcome, [String]) {
        let plan = try project.plan()
        let run = try XCTUnwrap(plan.plannedRuns.first { $0.runIDs.contains(id) })
        var trainer = CommandTrainer(store: project.runs, projectRoot: project.root)
        trainer.gracePeriod = 0.5
        trainer.outputLimit = outputLimit
        let notes = Locked<[String]>([])
        let seen = Locked(0)
        let outcome = trainer.train(
            run,
            TrainingContext(
                threads: 1,
                shouldStop: { stopAfterEpoch.map { seen.value >= $0 } ?? false },
                note: { message in notes.mutate { $0.append(message) } },
                onEvent: { event in
                    if case .epochEnded(let e) = event { seen.mutate { $0 = max($0, e.epoch) } }
                }))
        return (outcome, notes.value)
    }

    func testTimeoutsIgnoredSIGTERMAndTheOutputLimitStopTheCommand() throws {
        let project = try project(
            """
            ```experiment
            id: stuck
            run: python3 ignore_sigterm.py
            timeout: 1s
            ```

            ```experiment
            id: big
            run: python3 big_writer.py
            ```

            """)
        let started = Date()
        let (outcome, _) = try train(project, "stuck")
        guard case .failed(let failure) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(
            failure.message.hasPrefix("timed out after 1.0 s ('timeout'); 1 epoch kept"), failure.message)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        let (big, _) = try train(project, "big", outputLimit: 100 << 20)
        guard case .failed(let tooBig) = big else { return XCTFail("\(big)") }
        XCTAssertTrue(tooBig.message.hasPrefix("its outputs and log grew past 100 MiB"), tooBig.message)
        XCTAssertTrue(ChildProcess.running.withLock { $0.isEmpty })
    }

    /// A link among the outputs fails the run before anything moves: its epochs and outputs are kept.
    func testALinkAmongTheOutputsLosesNothing() throws {
        let project = try project("```experiment\nid: l\nrun: sh link.sh\n```\n")
        try #"""
        ln -s /etc/hostname "$REPORT_RUN_DIR/link"
        echo kept > "$REPORT_RUN_DIR/weights.txt"
        echo '{"epoch": 1, "loss": 0.5}' >> "$REPORT_METRICS"
        """#.write(to: project.url("link.sh"), atomically: true, encoding: .utf8)
        let (outcome, _) = try train(project, "l")
        guard case .failed(let failure) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(
            failure.message.hasPrefix("$REPORT_RUN_DIR/link is a link or special file"), failure.message)
        let progress = project.runs.progressDirectory(try project.key("l"))
        XCTAssertEqual(
            try String(contentsOf: progress.appendingPathComponent("out/weights.txt"), encoding: .utf8),
            "kept\n")
        XCTAssertTrue(
            try String(contentsOf: progress.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
                .contains("\"epoch\":1"))
    }

    /// A build killed with SIGKILL leaves its command running: the next build stops it, keeps the
    /// epochs it wrote meanwhile, and resumes after them.
    func testTheCommandOfAKilledBuildIsStoppedAndItsEpochsKept() throws {
        let project = try project(
            "```experiment\nid: slow\nrun: python3 tiny_train.py --epochs 6 --sleep 0.3 --seed 2\n```\n")
        let key = try project.key("slow")
        let progress = project.runs.progressDirectory(key)
        try FileManager.default.createDirectory(
            at: progress.appendingPathComponent("out"), withIntermediateDirectories: true)
        // What the killed build's command is: the same command, writing where that build told it to.
        let leftover = Process()
        leftover.executableURL = URL(fileURLWithPath: "/bin/sh")
        leftover.arguments = ["-c", "exec python3 tiny_train.py --epochs 6 --sleep 0.3 --seed 2"]
        leftover.currentDirectoryURL = project.root
        var environment = ProcessInfo.processInfo.environment
        environment["REPORT_METRICS"] = progress.appendingPathComponent("attempt-metrics.jsonl").path
        environment["REPORT_RUN_DIR"] = progress.appendingPathComponent("out").path
        leftover.environment = environment
        try leftover.run()
        Thread.sleep(forTimeInterval: 1.2)
        let (outcome, notes) = try train(project, "slow")
        guard case .trained = outcome else { return XCTFail("\(outcome)") }
        leftover.waitUntilExit()
        XCTAssertEqual(leftover.terminationReason, .uncaughtSignal, "the leftover was killed")
        XCTAssertTrue(
            notes.contains { $0.hasPrefix("stopped  slow: 1 process of a killed build") }, "\(notes)")
        XCTAssertTrue(notes.contains { $0.hasPrefix("resumes  slow: after epoch ") }, "\(notes)")
        try project.write(
            "```experiment\nid: plain\nrun: python3 tiny_train.py --epochs 6 --seed 2\n```\n")
        let (plain, _) = try train(project, "plain")
        guard case .trained = plain else { return XCTFail("\(plain)") }
        XCTAssertEqual(
            try project.runs.record(key).metrics.epochs, try project.record("plain").metrics.epochs)
    }

    func testAForkedChildDoesNotOutliveItsRun() throws {
        let project = try project("```experiment\nid: fork\nrun: python3 fork_and_exit.py\n```\n")
        let (outcome, _) = try train(project, "fork")
        guard case .trained = outcome else { return XCTFail("\(outcome)") }
        Thread.sleep(forTimeInterval: 3.5)
        let out = project.runs.directory(try project.key("fork")).appendingPathComponent("out")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    func testTheCommandGetsItsSettingsThreadsAndDirectories() throws {
        let project = try project(
            """
            ```experiment
            id: env
            run: python3 print_env.py --lr {lr} --name {name}
            lr: 0.1
            name: "two words"
            seed: 7
            ```

            """)
        let summary = try project.build()
        XCTAssertTrue(summary.failed.isEmpty, "\(summary.failed)")
        let out = project.runs.directory(try project.key("env")).appendingPathComponent("out/env.json")
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        XCTAssertEqual(json["argv"] as? [String], ["--lr", "0.1", "--name", "two words"])
        XCTAssertEqual(json["cwd"] as? String, project.root.path)
        let env = try XCTUnwrap(json["env"] as? [String: String])
        XCTAssertEqual(env["REPORT_SEED"], "7")
        XCTAssertEqual(env["REPORT_RUN_ID"], "env")
        XCTAssertEqual(env["OMP_NUM_THREADS"], env["REPORT_THREADS"])
        XCTAssertNotNil(env["REPORT_SETTINGS"])
        XCTAssertEqual(
            try project.plan().runs["env"]?.command?.settingsJSON, #"{"lr":0.1,"name":"two words","seed":7}"#)
    }

    func testAnInterruptedRunResumesOrRestartsAndSaysWhich() throws {
        let document = """
            ```experiment
            id: slow
            run: python3 tiny_train.py --epochs 5 --sleep 0.2 --seed 3
            ```

            ```experiment
            id: plain
            run: python3 tiny_train.py --epochs 5 --seed 3
            ```

            ```experiment
            id: again
            run: python3 no_resume.py --epochs 4 --sleep 0.2
            ```

            """
        let project = try project(document)
        let (stopped, _) = try train(project, "slow", stopAfterEpoch: 2)
        guard case .interrupted(let done, _) = stopped else { return XCTFail("\(stopped)") }
        XCTAssertGreaterThanOrEqual(done, 2)
        let (resumed, notes) = try train(project, "slow")
        guard case .trained = resumed else { return XCTFail("\(resumed)") }
        XCTAssertEqual(notes.first, "resumes  slow: after epoch \(done), kept by an interrupted build")
        let (plain, _) = try train(project, "plain")
        guard case .trained = plain else { return XCTFail("\(plain)") }
        // Resumed bit for bit: the same epochs as the uninterrupted run.
        XCTAssertEqual(try project.record("slow").metrics.epochs, try project.record("plain").metrics.epochs)

        _ = try train(project, "again", stopAfterEpoch: 1)
        let (restarted, restartNotes) = try train(project, "again")
        guard case .trained = restarted else { return XCTFail("\(restarted)") }
        XCTAssertTrue(restartNotes.contains { $0.contains("started again at epoch 1") }, "\(restartNotes)")
        XCTAssertEqual(try project.record("again").metrics.epochs.map(\.epoch), [1, 2, 3, 4])
    }

    func testInitHandsOverTheParentsOutputs() throws {
        let project = try project(
            """
            ```experiment
            id: parent
            run: python3 tiny_train.py --epochs 3 --lr {lr}
            lr: 0.05
            ```

            ```experiment
            id: child
            base: parent
            init: parent
            epochs: 1
            run: python3 tiny_train.py --epochs {epochs} --lr {lr}
            ```

            """)
        let summary = try project.build()
        XCTAssertTrue(summary.failed.isEmpty, "\(summary.failed)")
        let parent = try project.record("parent").metrics.final
        let child = try project.record("child").metrics.initial
        XCTAssertEqual(child?.valAcc, parent?.valAcc)
        XCTAssertEqual(child?.valLoss, parent?.valLoss)
    }

    func testTheEnvironmentRetrainsWhenItChangesAndIsNotNeededToReadResults() throws {
        let project = try project(
            """
            ```experiment
            id: e
            run: python3 tiny_train.py --epochs 2
            environment: cat version.txt
            ```

            {{ e.val_acc }}

            """)
        try "torch 2.15\n".write(to: project.url("version.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try project.build().trainedKeys, 1)
        XCTAssertEqual(try project.build().trainedKeys, 0)
        try "torch 2.16\n".write(to: project.url("version.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try project.builder().status().map(\.reason), ["the output of its environment command changed"])
        XCTAssertEqual(try project.build().trainedKeys, 1)
        // A reader without the environment still builds the report from the cached results.
        try FileManager.default.removeItem(at: project.url("version.txt"))
        let readme = project.readme
        XCTAssertEqual(try project.build().trainedKeys, 0)
        XCTAssertEqual(project.readme, readme)
        // But nothing trains without it: the environment command's own message, before any run starts.
        XCTAssertThrowsError(try project.build(rerun: ["e"])) { error in
            XCTAssertTrue("\(error)".contains("cat: version.txt: No such file or directory"), "\(error)")
        }
        XCTAssertEqual(project.readme, readme)
    }

    /// `report preview` of a document outside the project shows it but runs none of its commands.
    func testABuildThatMayNotRunCommandsRunsNone() throws {
        let project = try project(
            """
            ```experiment
            id: e
            run: python3 tiny_train.py --epochs 1
            environment: touch asked.txt
            ```

            """)
        project.options.runsCommands = false
        XCTAssertThrowsError(try project.build()) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "e runs a command: preview runs commands only for documents inside the project"),
                "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.url("asked.txt").path))
        XCTAssertFalse(project.runsDirectoryListing().contains { $0.count == 16 })
    }

    func testCommandDocumentsAreCheckedBeforeAnythingRuns() throws {
        let project = try project(
            """
            ```experiment
            id: a
            run: python3 tiny_train.py --lr {lr} --epochs {epoch}
            inputs: [tiny_train.py, "missing/*.py"]
            lr: 0.1
            epochs: 3
            ```

            """)
        XCTAssertThrowsError(try project.build()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'{epoch}' in 'run' names no setting (did you mean 'epochs'?)"), text)
        }
        try project.write(
            """
            ```experiment
            id: a
            run: python3 tiny_train.py --lr {lr}
            inputs: [tiny_train.py]
            lr: 0.1
            epochs: 3
            environment: touch asked.txt
            ```

            """)
        // `report check` runs no command: the environment is not asked.
        let plan = try project.builder().plan(environment: false)
        XCTAssertTrue(plan.warnings.contains { $0.message.hasPrefix("'epochs' is not used by the command") })
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.url("asked.txt").path))
        try project.write(
            """
            ```experiment
            id: a
            run: python3 tiny_train.py --lr {lr}
            inputs: [tiny_train.py, "missing/*.py"]
            lr: 0.1
            ```

            """)
        XCTAssertThrowsError(try project.build()) { error in
            XCTAssertTrue("\(error)".contains("input 'missing/*.py' matches no file"), "\(error)")
        }
        XCTAssertFalse(project.runsDirectoryListing().contains { $0.count == 16 })
        try project.write(
            """
            ```experiment
            id: a
            run: python3 tiny_train.py --lr {lr}
            lr: 0.1
            environment: python3 -c "import no_such_module_here"
            ```

            """)
        XCTAssertThrowsError(try project.build()) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains(
                    "the environment command 'python3 -c \"import no_such_module_here\"' exited with status 1"
                ), text)
            XCTAssertTrue(text.contains("No module named 'no_such_module_here'"), text)
        }
    }
}

/// A value behind a lock, for closures the trainer calls from its thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
