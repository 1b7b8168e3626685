import Foundation
import TestSupport
import XCTest

/// The built `report` binary: what it prints and the exit status the README and `--help` promise
/// (0 success, 1 document or run errors, 2 usage and environment errors).
final class ExitStatusTests: XCTestCase {
    private func run(_ arguments: [String], document: String? = nil, bytes: [UInt8]? = nil) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try ReportBinary.requireBuilt()
        let directory = try TestPaths.temporaryDirectory("report-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        if let document { try Data(document.utf8).write(to: directory.appendingPathComponent("doc.md")) }
        if let bytes { try Data(bytes).write(to: directory.appendingPathComponent("doc.md")) }
        let result = try ReportBinary.run(arguments, in: directory)
        return (result.status, result.stdout, result.stderr)
    }

    func testDocumentErrorsExit1WithPositions() throws {
        let result = try run(
            ["check", "doc.md"],
            document: "```experiment\nid: a\nmodel: [flatten, linear: 4611686018427387904]\n```\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stderr.hasPrefix(
                "doc.md:3:26: error: experiment 'a': 'out' of 'linear' must be at most 1,000,000"),
            result.stderr)
    }

    func testNonUTF8DocumentExits1WithThePosition() throws {
        let result = try run(["check", "doc.md"], bytes: Array("ok\nab ".utf8) + [0xFF] + Array("\n".utf8))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stderr.hasPrefix("doc.md:2:4: error: the document is not UTF-8 text: byte 0xFF"),
            result.stderr)
    }

    func testUsageAndEnvironmentErrorsExit2() throws {
        let threads = try run(["train", "--threads", "100000"])
        XCTAssertEqual(threads.status, 2)
        XCTAssertTrue(
            threads.stderr.hasPrefix("error: --threads must be from 1 to 256, found 100000"), threads.stderr)
        let model = try run(["train", "--model", "[conv: {out: 4611686018427387904}, flatten, linear: 10]"])
        XCTAssertEqual(model.status, 2)
        XCTAssertTrue(model.stderr.contains("'out' of 'conv' must be at most 1,000,000"), model.stderr)
        let epochs = try run(["train", "--epochs", "1000000000000000"])
        XCTAssertEqual(epochs.status, 2)
        XCTAssertTrue(epochs.stderr.contains("'epochs' must be at most 100,000"), epochs.stderr)
        XCTAssertEqual(try run(["bogus"]).status, 2)
        let missing = try run(["check", "missing.md"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "error: cannot read missing.md: no such file\n")
    }

    func testIOErrorsAreOneLineWithPathAndReason() throws {
        // The output's directory would have to be inside doc.md, a file.
        let result = try run(
            ["build", "doc.md", "--out", "doc.md/README.md", "--runs", "runs"],
            document: "# Nothing to train\n")
        XCTAssertEqual(result.status, 2)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(
            result.stderr.hasPrefix("error: ") && result.stderr.contains("doc.md/README.md: Not a directory"),
            result.stderr)
        XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
    }

    func testHelpStatesTheExitStatuses() throws {
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(
            help.stdout.contains("Exit status: 0 on success; 1 when the document has errors"), help.stdout)
    }
}
