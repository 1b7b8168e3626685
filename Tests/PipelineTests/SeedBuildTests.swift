import Foundation
import TestSupport
import XCTest

@testable import Pipeline
@testable import Planning

/// Seeds end to end: adding `seeds` to a trained experiment trains only the new seeds, and the
/// README shows mean ± std and a band.
final class SeedBuildTests: XCTestCase {
    private static func document(seeds: String, prose: String = "") -> String {
        """
        ```experiment
        id: a
        dataset: mnist
        \(TestProject.tiny)\(seeds)
        ```

        ```figure
        id: a-seeds
        runs: [a]
        metrics: [val_acc]
        ```

        ```table
        runs: [a]
        columns: [label, val_acc]
        ```

        \(prose)

        """
    }

    func testAddingSeedsTrainsOnlyTheNewSeeds() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document(seeds: "seed: 2"))
        XCTAssertEqual(try project.build().trained, ["a"])
        try project.write(
            Self.document(
                seeds: "seeds: [1, 2, 3]", prose: "Mean {{ a.val_acc | pm(1) }}, n {{ a.val_acc.n }}."))
        let summary = try project.build()
        XCTAssertEqual(summary.cached, ["a[seed=2]"], "seed 2 is the run trained before, under its new id")
        XCTAssertEqual(summary.trained.sorted(), ["a[seed=1]", "a[seed=3]"])
        XCTAssertEqual(project.runs.allKeys().count, 3)

        let readme = project.readme
        let values = try (1...3).map { try project.record("a[seed=\($0)]").metrics.final?.valAcc ?? .nan }
        let statistics = try XCTUnwrap(SeedStatistics(values))
        let pm = String(
            format: "%.1f ± %.1f%%", 100 * statistics.mean, 100 * (statistics.standardDeviation ?? 0))
        XCTAssertTrue(readme.contains("Mean \(pm), n 3."), readme)
        XCTAssertTrue(
            readme.contains(
                "| a | \(String(format: "%.2f ± %.2f%%", 100 * statistics.mean, 100 * (statistics.standardDeviation ?? 0))) |"
            ), readme)
        let svg = try String(contentsOf: project.url("figures/a-seeds.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("class=\"band\""))
        XCTAssertTrue(svg.contains(">shaded: ±1 std over 3 seeds<"))

        // Nothing trains again; one seed can be retrained alone.
        XCTAssertEqual(try project.build().trained, [])
        XCTAssertEqual(try project.build(rerun: ["a[seed=3]"]).trained, ["a[seed=3]"])
    }
}
