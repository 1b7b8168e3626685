import ProjectSettings
import XCTest

@testable import Execution
@testable import Pipeline
@testable import Planning
@testable import Slurm

/// Submission and polling against fake `sbatch`/`squeue`/`scancel` (see `FakeSlurm`): which arrays are
/// submitted with which dependencies, what a failure and its dependents report, what a rebuild resubmits.
final class SlurmExecutorTests: XCTestCase {
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
        lr: 0.3
        ```

        ```experiment
        id: after-bad
        init: bad
        epochs: 0
        ```

        Fine-tuned {{ ft.val_acc }}, bad {{ bad.val_acc }}.

        """

    func testArraysDependenciesFailuresAndRebuilds() throws {
        let project = try TestProject(Self.document)
        let slurm = try FakeSlurm(project)
        // Plan order: the roots sweep×3 and bad (0-3), then ft (4, after task 1), after-bad (5, after task 3).
        slurm.fail(3)
        let summary = try project.slurmBuilder(slurm).build()
        let build = try XCTUnwrap(summary.slurmBuild)

        let submitted = slurm.calls("sbatch")
        XCTAssertEqual(submitted.count, 3, "\(submitted)")
        XCTAssertTrue(
            submitted.allSatisfy { $0.contains("--job-name=report-\(build)") && $0.contains("--parsable") })
        XCTAssertTrue(submitted[0].contains("--array=0-3"), "\(submitted[0])")
        XCTAssertFalse(submitted[0].contains { $0.hasPrefix("--dependency") })
        XCTAssertEqual(
            Array(
                submitted[1].filter {
                    $0.hasPrefix("--array") || $0.hasPrefix("--dep") || $0.hasPrefix("--kill")
                }),
            ["--array=4", "--dependency=afterok:100_1", "--kill-on-invalid-dep=yes"])
        XCTAssertEqual(
            Array(
                submitted[2].filter {
                    $0.hasPrefix("--array") || $0.hasPrefix("--dep") || $0.hasPrefix("--kill")
                }),
            ["--array=5", "--dependency=afterok:100_3", "--kill-on-invalid-dep=yes"])
        XCTAssertTrue(submitted.allSatisfy { $0.last?.hasSuffix(".slurm/\(build)/worker.sh") ?? false })

        // One squeue call per poll, for the whole build by its job name.
        let polls = slurm.calls("squeue")
        XCTAssertFalse(polls.isEmpty)
        XCTAssertTrue(
            polls.allSatisfy {
                $0.contains("--name=report-\(build)") && $0.contains("--states=all") && $0.contains("--array")
            }, "\(polls)")
        // The dependent of the failed run is cancelled rather than left pending.
        XCTAssertEqual(slurm.calls("scancel"), [["102"]])
        XCTAssertTrue(slurm.queue.contains("102|5|CANCELLED|"), slurm.queue)

        XCTAssertEqual(summary.trained.sorted(), ["ft", "sweep[lr=0.01]", "sweep[lr=0.05]", "sweep[lr=0.1]"])
        XCTAssertEqual(summary.failed.keys.sorted(), ["after-bad", "bad"])
        XCTAssertEqual(
            summary.failed["bad"]?.message,
            "fake failure of task 3 [Slurm job 100_3 FAILED (NonZeroExitCode)]")
        XCTAssertEqual(
            summary.failed["after-bad"]?.message,
            "not trained: the run it starts from failed (\(summary.failed["bad"]?.message ?? ""))")
        let log = try String(contentsOf: try XCTUnwrap(summary.failed["bad"]?.log), encoding: .utf8)
        XCTAssertTrue(
            log.contains(
                "key \(try project.key("bad"))\nslurm job 100_3: FAILED (NonZeroExitCode)\nslurm log: "), log)
        XCTAssertTrue(log.contains(".slurm/\(build)/logs/3.log\n"), log)
        XCTAssertTrue(
            log.hasSuffix(
                "--- last lines of the Slurm log ---\nepoch 1/1\nreport worker: error: fake failure of task 3\n"
            ), log)
        XCTAssertTrue(
            project.readme.contains(
                "> **Error:** run `bad` failed: fake failure of task 3 [Slurm job 100_3 FAILED (NonZeroExitCode)] (log: `data/runs/failed/"
            ),
            project.readme)
        XCTAssertTrue(
            project.readme.contains("> **Error:** run `after-bad` failed: not trained"), project.readme)

        // A rebuild submits only what is missing, with dependencies on its own jobs.
        slurm.reset()
        let again = try project.slurmBuilder(slurm).build()
        XCTAssertEqual(again.cached.sorted(), ["ft", "sweep[lr=0.01]", "sweep[lr=0.05]", "sweep[lr=0.1]"])
        XCTAssertEqual(again.trained.sorted(), ["after-bad", "bad"])
        XCTAssertEqual(again.failed, [:])
        let resubmitted = slurm.calls("sbatch")
        XCTAssertEqual(resubmitted.count, 2)
        XCTAssertTrue(resubmitted[0].contains("--array=0"))
        XCTAssertTrue(resubmitted[1].contains("--dependency=afterok:103_0"), "\(resubmitted[1])")
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: project.runs.failureLog(try project.key("bad")).path))

        // Everything cached: nothing is submitted.
        slurm.reset()
        let cached = try project.slurmBuilder(slurm).build()
        XCTAssertEqual(cached.trained, [])
        XCTAssertEqual(slurm.calls("sbatch").count, 0)
        XCTAssertEqual(slurm.calls("squeue").count, 0)

        // --rerun submits a cached run again, marked to replace its entry.
        let rerun = try project.slurmBuilder(slurm, rerun: ["sweep[lr=0.1]"]).build()
        XCTAssertEqual(rerun.trained, ["sweep[lr=0.1]"])
        XCTAssertEqual(slurm.calls("sbatch").count, 1)
        let planFile = try SlurmPlanFile.read(
            project.runs.root.appendingPathComponent(".slurm/\(try XCTUnwrap(rerun.slurmBuild))/plan.json"))
        XCTAssertEqual(planFile.tasks.map(\.rerun), [true])
        slurm.reset()

        // A run whose parent is cached has no dependency.
        try project.write(Self.document.replacingOccurrences(of: "lr: 0.01\n```", with: "lr: 0.02\n```"))
        _ = try project.slurmBuilder(slurm).build()
        let child = slurm.calls("sbatch")
        XCTAssertEqual(child.count, 1)
        XCTAssertTrue(child[0].contains("--array=0"))
        XCTAssertFalse(
            child[0].contains { $0.hasPrefix("--dependency") || $0.hasPrefix("--kill") }, "\(child[0])")
    }

    func testDetachedBuildShowsInStatusAndBlocksAnotherSubmission() throws {
        let project = try TestProject(Self.document)
        let slurm = try FakeSlurm(project)
        slurm.hold(true)
        let detached = try project.slurmBuilder(slurm, detach: true).build()
        XCTAssertEqual(detached.pending.count, 6)
        XCTAssertEqual(project.readme, "", "a detached build writes no README")
        XCTAssertEqual(slurm.calls("squeue").count, 0, "a detached build does not wait")

        let rows = try project.slurmBuilder(slurm).status()
        let sweep = try XCTUnwrap(rows.first { $0.id == "sweep[lr=0.01]" })
        XCTAssertEqual(sweep.queue, "queued (Priority), job 100_0")
        XCTAssertEqual(rows.first { $0.id == "ft" }?.queue, "queued (Priority), job 101_4")

        for builder in [project.slurmBuilder(slurm), project.slurmBuilder(slurm, executor: .local)] {
            XCTAssertThrowsError(try builder.build()) { error in
                guard case SlurmError.runsInQueue(let runs, let builds) = error else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(builds, [detached.slurmBuild ?? "?"])
                XCTAssertEqual(runs.count, 6)
                XCTAssertEqual(runs.first, "sweep[lr=0.01] (queued (Priority), job 100_0)")
            }
        }
        XCTAssertEqual(slurm.calls("sbatch").count, 3, "nothing submitted twice")
        XCTAssertEqual(project.runs.allKeys(), [], "nothing trained twice")

        // Once the earlier jobs have left the queue, a build submits what is still missing.
        slurm.hold(false)
        try slurm.commands.cancel(["100", "101", "102"])
        let summary = try project.slurmBuilder(slurm).build()
        XCTAssertEqual(summary.trained.count, 6)
        XCTAssertEqual(try project.slurmBuilder(slurm).status().compactMap(\.queue), [])
    }

    func testSubmissionFailureCancelsWhatWasSubmitted() throws {
        let project = try TestProject(Self.document)
        let slurm = try FakeSlurm(project)
        _ = FileManager.default.createFile(
            atPath: slurm.directory.appendingPathComponent("sbatch-fails").path, contents: nil)
        XCTAssertThrowsError(try project.slurmBuilder(slurm).build()) { error in
            XCTAssertEqual(
                "\(error)", "sbatch failed: sbatch: error: Batch job submission failed: Invalid account")
        }
        XCTAssertEqual(project.readme, "")
    }

    func testDryRunPrintsCommandsAndScriptAndSubmitsNothing() throws {
        let project = try TestProject(Self.document)
        let slurm = try FakeSlurm(project)
        var settings = SlurmSettings()
        settings.setup = ["module load swift/6.3"]
        settings.maxRunning = 2
        let executor = SlurmExecutor(
            store: project.runs, settings: settings, commands: slurm.commands,
            console: SilentBuildObserver(), command: "/opt/report/bin/report",
            projectRoot: project.root, dataDirectory: "/data", document: "report/answers.md",
            source: Self.document, mode: .dryRun)
        executor.build = "b1"
        var printed: [String] = []
        executor.output = { printed.append($0) }
        let outcomes = try executor.execute(try project.plan().plannedRuns)
        XCTAssertEqual(outcomes.count, 6)
        XCTAssertTrue(outcomes.values.allSatisfy { $0 == .submitted(build: "b1") })
        let text = printed.joined(separator: "\n")
        let directory = project.runs.root.path + "/.slurm/b1"
        XCTAssertTrue(
            text.contains(
                "#   module load swift/6.3\n#   cd \(project.root.path) || exit 1\n#   exec /opt/report/bin/report worker \(directory)/plan.json \"$SLURM_ARRAY_TASK_ID\""
            ), text)
        XCTAssertTrue(
            text.contains(
                "sbatch --parsable --job-name=report-b1 --array=0-3%2 --output=\(directory)/logs/%a.log --cpus-per-task=1 \(directory)/worker.sh"
            ), text)
        XCTAssertTrue(
            text.contains("'--dependency=afterok:<job of array 1>_1' --kill-on-invalid-dep=yes"), text)
        XCTAssertEqual(slurm.calls("sbatch").count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))
    }
}
