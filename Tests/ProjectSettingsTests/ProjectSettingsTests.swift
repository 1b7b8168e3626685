import Document
import XCTest

@testable import Pipeline
@testable import ProjectSettings

/// `report.yaml`: what it sets, and errors positioned in the file.
final class ProjectSettingsTests: XCTestCase {
    func testEveryKey() throws {
        let settings = try ProjectSettings.parse(
            """
            executor: slurm
            slurm:
              partition: cpu
              account: cs101
              qos: short
              time: "0:30:00"
              cpus_per_task: 2
              memory: 4G
              max_running: 20
              sbatch_args: [--constraint=zen4]
              setup:
                - module load swift/6.3
              poll_interval: 2.5
              command: /opt/report/bin/report
            """)
        XCTAssertEqual(settings.executor, .slurm)
        var expected = SlurmSettings()
        expected.partition = "cpu"
        expected.account = "cs101"
        expected.qos = "short"
        expected.time = "0:30:00"
        expected.cpusPerTask = 2
        expected.memory = "4G"
        expected.maxRunning = 20
        expected.sbatchArguments = ["--constraint=zen4"]
        expected.setup = ["module load swift/6.3"]
        expected.pollInterval = 2.5
        expected.command = "/opt/report/bin/report"
        XCTAssertEqual(settings.slurm, expected)
        XCTAssertEqual(try ProjectSettings.parse(""), ProjectSettings())
        XCTAssertEqual(try ProjectSettings.parse("# nothing set\n"), ProjectSettings())
    }

    func testErrorsArePositionedAndAllReported() {
        XCTAssertThrowsError(
            try ProjectSettings.parse(
                """
                executor: slrum
                slurm:
                  partiton: cpu
                  cpus_per_task: 0
                exector: local
                """)
        ) { error in
            guard let error = error as? DiagnosticError else { return XCTFail("\(error)") }
            XCTAssertEqual(
                error.diagnostics.map { "\($0.location): \($0.message)" },
                [
                    "1:11: unknown executor 'slrum' (did you mean 'slurm'?); expected one of local, slurm",
                    "3:3: unknown key 'partiton' in slurm (did you mean 'partition'?); expected one of \(SlurmSettings.keys.joined(separator: ", "))",
                    "4:18: 'cpus_per_task' must be a whole number of at least 1",
                    "5:1: unknown setting 'exector' (did you mean 'executor'?); report.yaml knows \(ProjectSettings.keys.joined(separator: ", "))",
                ])
            XCTAssertTrue(
                error.description.hasPrefix("report.yaml:1:11: error: unknown executor 'slrum'"),
                error.description)
        }
        XCTAssertThrowsError(try ProjectSettings.parse("- slurm\n"))
        XCTAssertThrowsError(try ProjectSettings.parse("slurm: [a]\n"))
        XCTAssertThrowsError(try ProjectSettings.parse("slurm:\n  setup: {a: 1}\n"))
    }
}
