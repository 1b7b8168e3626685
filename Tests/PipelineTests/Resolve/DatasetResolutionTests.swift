import XCTest

@testable import Planning

/// `dataset:` and `validation:` as the resolver checks them.
final class DatasetResolutionTests: XCTestCase {
    func testUnknownDatasetsAndImpossibleValidationSplitsArePositioned() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: a
                dataset: fashion_mnst
                ```

                ```experiment
                id: b
                validation: 60000
                ```

                ```experiment
                id: c
                validation: 1.5
                ```
                """),
            [
                "3:10: unknown dataset 'fashion_mnst' (did you mean 'fashion_mnist'?); known datasets are mnist, fashion_mnist (declare others under 'datasets:' in report.yaml)",
                "8:13: 'validation: 60000' holds out 60000 of the 60000 training samples of 'mnist'; it must leave at least one for each of validation and training",
                "13:13: experiment 'c': 'validation' is a fraction of the training data below 1 (0.1) or a whole number of samples (5000), found 1.5",
            ])
    }

    func testAValidationSplitIsPartOfTheKeyOnlyWhenSet() throws {
        let plain = try Plan.make(source: "```experiment\nid: a\n```\n", path: "a.md")
        let split = try Plan.make(source: "```experiment\nid: a\nvalidation: 0.1\n```\n", path: "a.md")
        XCTAssertNil(plain.runs["a"]?.config.validation)
        XCTAssertEqual(split.runs["a"]?.config.validation, 0.1)
        XCTAssertNotEqual(plain.keys["a"], split.keys["a"])
        XCTAssertFalse(plain.runs["a"]?.canonicalConfig.keys.contains("validation") ?? true)
    }
}

/// A figure without a title has none: its id is a file name, not a title for readers.
final class FigureTitleTests: XCTestCase {
    func testAFigureWithoutATitleIsNotTitledByItsId() throws {
        let plan = try Plan.make(
            source: "```experiment\nid: a\n```\n\n```figure\nid: my-figure\nruns: [a]\n```\n", path: "a.md")
        XCTAssertEqual(plan.figures.values.map(\.title), [""])
    }
}
