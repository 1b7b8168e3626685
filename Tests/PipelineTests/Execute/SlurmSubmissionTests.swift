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
