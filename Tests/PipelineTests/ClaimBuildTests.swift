import Document
import Foundation
import TestSupport
import XCTest

@testable import Pipeline

/// Claims through `build` and `check`: a false claim stops the build before the README is written,
/// `check` evaluates what is cached and lists the rest.
final class ClaimBuildTests: XCTestCase {
    private static func document(_ claims: String) -> String {
        """
        ```defaults
        \(TestProject.tiny)dataset: mnist
        ```

        ```experiment
        id: slow
        lr: 0.001
        ```

        ```experiment
        id: fast
        lr: "{{ slow.lr * 50 }}"
        ```

        \(claims)

        """
    }

    func testAFalseClaimStopsTheBuildAndTheReadmeStaysAsItWas() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document("Fast {{ fast.val_acc | percent(1) }}."))
        try project.build()
        XCTAssertEqual(try project.plan().runs["fast"]?.config.learningRate, 0.05)
        let readme = project.readme
        let slow = try project.record("slow").metrics.final!.valAcc!
        let fast = try project.record("fast").metrics.final!.valAcc!
        XCTAssertNotEqual(slow, fast)
        let (high, low) = fast > slow ? ("fast", "slow") : ("slow", "fast")

        try project.write(Self.document("It wins {{ assert \(high).val_acc > \(low).val_acc }}."))
        let summary = try project.build()
        XCTAssertEqual(summary.claims.held, 1)
        XCTAssertTrue(project.readme.hasSuffix("It wins.\n"), project.readme)

        let written = project.readme
        try project.write(Self.document("It loses {{ assert \(high).val_acc < \(low).val_acc }}."))
        XCTAssertThrowsError(try project.build()) { error in
            let message = (error as? DiagnosticError)?.description ?? "\(error)"
            XCTAssertTrue(
                message.hasPrefix(
                    "report/answers.md:18:20: error: claim is false: \(high).val_acc (\(percent(max(slow, fast)))) < \(low).val_acc (\(percent(min(slow, fast))))"
                ), message)
        }
        XCTAssertEqual(project.readme, written, "nothing is written after a false claim")
        XCTAssertNotEqual(readme, written)
    }

    func testCheckEvaluatesCachedClaimsAndListsTheRest() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document(""))
        try project.build()
        try project.write(
            Self.document(
                """
                ```experiment
                id: new
                lr: 0.02
                ```

                {{ assert slow.val_acc >= 0 }} {{ assert new.val_acc > slow.val_acc }}
                {{ assert report.cold_build_time > 0 }}
                """))
        let builder = project.builder()
        let claims = builder.checkClaims(try builder.plan())
        XCTAssertEqual(claims.held, 1)
        XCTAssertEqual(claims.errors.count, 0)
        XCTAssertEqual(
            claims.uncheckedLines,
            [
                "report/answers.md:23:42: unchecked: new.val_acc > slow.val_acc (new is not cached)",
                "report/answers.md:24:11: unchecked: report.cold_build_time > 0 (new has no recorded training time)",
            ])
    }
}
