import Foundation
import TestSupport
import XCTest

/// `report build` with a false claim: exit 1, the message, and no README.
final class ClaimCLITests: XCTestCase {
    func testAFalseClaimExits1WithTheMessageAndWritesNothing() throws {
        try ReportBinary.requireBuilt()
        try TestPaths.requireSharedData()
        let directory = try TestPaths.temporaryDirectory("report-claims")
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = """
            ```experiment
            id: a
            dataset: mnist
            train_samples: 200
            val_samples: 200
            epochs: 1
            ```

            Better than chance {{ assert a.val_acc > 0.1 }}, and perfect {{ assert a.val_acc == 1 }}.

            """
        try Data(document.utf8).write(to: directory.appendingPathComponent("doc.md"))
        let result = try ReportBinary.run(
            ["build", "doc.md", "--data-dir", TestPaths.sharedData.path, "--runs", "runs"], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(
            result.stderr.contains("doc.md:9:72: error: claim is false: a.val_acc ("), result.stderr)
        XCTAssertTrue(result.stderr.contains("%) == 1\n"), result.stderr)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("doc.out.md").path))
        // check trains nothing and finds the same false claim in the cache.
        let check = try ReportBinary.run(["check", "doc.md", "--runs", "runs"], in: directory)
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("doc.md:9:72: error: claim is false"), check.stderr)
    }
}
