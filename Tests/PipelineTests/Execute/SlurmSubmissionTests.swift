import Planning
import ProjectSettings
import XCTest

@testable import Pipeline
@testable import Slurm

/// The `sbatch` command lines and batch script, made without a cluster.
final class SlurmSubmissionTests: XCTestCase {
    func testEverySettingBecomesAnArgumentAndExtraArgumentsComeLast() {
        var settings = SlurmSettings()
        settings.partition = "cpu"
        settings.account = "cs101"
        settings.qos = "short"
        settings.time = "0:30:00"
        settings.cpusPerTask = 4
        settings.memory = "2G"
        settings.maxRunning = 8
        settings.sbatchArguments = ["--constraint=avx2", "--exclusive"]
        let submission = SlurmSubmission(
            settings: settings, build: "b", directory: URL(fileURLWithPath: "/shared/runs/.slurm/b"))
        XCTAssertEqual(
            submission.arguments(.init(indices: 3..<5, parent: 1), parentJob: "42"),
            [
                "--parsable", "--job-name=report-b", "--array=3-4%8",
                "--output=/shared/runs/.slurm/b/logs/%a.log", "--cpus-per-task=4",
                "--partition=cpu", "--account=cs101", "--qos=short", "--time=0:30:00", "--mem=2G",
                "--dependency=afterok:42_1", "--kill-on-invalid-dep=yes", "--constraint=avx2", "--exclusive",
                "/shared/runs/.slurm/b/worker.sh",
            ])
    }

    /// A `%` in the project's path is not a pattern to sbatch (`pct%j` would become the job id).
    func testAPercentInThePathStaysItself() {
        let submission = SlurmSubmission(
            settings: SlurmSettings(), build: "b",
            directory: URL(fileURLWithPath: "/shared/pct%j/runs/.slurm/b"))
        XCTAssertEqual(
            submission.arguments(.init(indices: 0..<1, parent: nil), parentJob: nil)[3],
            "--output=/shared/pct%%j/runs/.slurm/b/logs/%a.log")
    }

    /// An experiment's own `slurm:` resources split the arrays and win over the build's settings.
    func testAnExperimentsResourcesGetArraysOfTheirOwn() {
        let gpu = SlurmResources(gres: "gpu:1", cpusPerTask: 4, memory: "16G")
        let tasks = [nil, gpu, gpu, nil].map {
            SlurmPlanFile.Task(key: "k", runIDs: ["r"], parent: nil, resources: $0)
        }
        let arrays = SlurmSubmission.arrays(tasks)
        XCTAssertEqual(arrays.map(\.indices), [0..<1, 1..<3, 3..<4])
        var settings = SlurmSettings()
        settings.memory = "2G"
        settings.gres = "gpu:0"
        let submission = SlurmSubmission(
            settings: settings, build: "b", directory: URL(fileURLWithPath: "/shared/runs/.slurm/b"))
        let arguments = submission.arguments(arrays[1], parentJob: nil)
        XCTAssertTrue(arguments.contains("--cpus-per-task=4"), "\(arguments)")
        XCTAssertTrue(arguments.contains("--mem=16G"), "\(arguments)")
        XCTAssertTrue(arguments.contains("--gres=gpu:1"), "\(arguments)")
        XCTAssertTrue(submission.arguments(arrays[0], parentJob: nil).contains("--gres=gpu:0"))
    }

    func testArraysGroupRunsThatStartTheSameWay() {
        let tasks = [nil, nil, 0, 0, 1, 2].map { SlurmPlanFile.Task(key: "k", runIDs: ["r"], parent: $0) }
        XCTAssertEqual(
            SlurmSubmission.arrays(tasks),
            [
                .init(indices: 0..<2, parent: nil), .init(indices: 2..<4, parent: 0),
                .init(indices: 4..<5, parent: 1), .init(indices: 5..<6, parent: 2),
            ])
    }

    func testScriptQuotesPathsAndRunsSetupFirst() {
        var settings = SlurmSettings()
        settings.setup = ["module load swift", "source ~/venv/bin/activate"]
        let submission = SlurmSubmission(
            settings: settings, build: "b", directory: URL(fileURLWithPath: "/it's here/.slurm/b"))
        XCTAssertEqual(
            submission.script(command: "/opt/report", projectRoot: URL(fileURLWithPath: "/it's here")),
            """
            #!/bin/bash
            # report build b: trains run $SLURM_ARRAY_TASK_ID of plan.json into the shared cache.
            module load swift
            source ~/venv/bin/activate
            cd '/it'\\''s here' || exit 1
            exec /opt/report worker '/it'\\''s here/.slurm/b/plan.json' "$SLURM_ARRAY_TASK_ID"

            """)
        XCTAssertEqual(SlurmSubmission.quoted(""), "''")
    }
}
