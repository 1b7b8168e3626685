import Document
import XCTest
import Yams

/// Directive blocks: kinds, entries with document positions, and every body error at its line:column.
final class DirectiveTests: XCTestCase {
    private let example = """
        # Question 3

        ```experiment
        id: fmnist-sgd            # required
        dataset: fashion_mnist
        model: default
        lr: 0.01
        sweep:
          lr: [0.001, 0.01, 0.1]
        label: SGD
        ```

        ```figure
        id: lr-sweep
        runs: [q3-lr]
        metrics: [loss, val_acc]
        ```

        ```defaults
        epochs: 2
        ```

        """

    func testKindsKeysAndLocations() throws {
        let (document, diagnostics) = ParsedDocument.parsing(example)
        XCTAssertEqual(diagnostics.summaries, [])
        XCTAssertEqual(document.directives.map(\.kind), [.experiment, .figure, .defaults])
        let experiment = try XCTUnwrap(document.directives.first)
        XCTAssertEqual(experiment.location, SourceLocation(line: 3, column: 1))
        XCTAssertEqual(experiment.id, "fmnist-sgd")
        XCTAssertEqual(experiment.displayName, "experiment 'fmnist-sgd'")
        XCTAssertEqual(experiment.entries.map(\.key), ["id", "dataset", "model", "lr", "sweep", "label"])
        let lr = try XCTUnwrap(experiment["lr"])
        XCTAssertEqual(lr.keyLocation, SourceLocation(line: 7, column: 1))
        XCTAssertEqual(lr.valueLocation, SourceLocation(line: 7, column: 5))
        XCTAssertEqual(lr.value.float, 0.01)
        let sweep = try XCTUnwrap(experiment["sweep"])
        XCTAssertEqual(sweep.valueLocation, SourceLocation(line: 9, column: 3))
        let rates = try XCTUnwrap(sweep.value["lr"]?.sequence)
        XCTAssertEqual(
            rates.map { experiment.location(of: $0) },
            [
                SourceLocation(line: 9, column: 8), SourceLocation(line: 9, column: 15),
                SourceLocation(line: 9, column: 21),
            ])
        XCTAssertEqual(experiment.locator.length(of: rates[0]), 5)
        XCTAssertNil(experiment["learning_rate"])
        XCTAssertEqual(document.directives[1].id, "lr-sweep")
        XCTAssertEqual(document.directives[2].id, nil)
        XCTAssertEqual(document.directives[2].displayName, "defaults")
    }

    func testIndentedFenceShiftsColumns() throws {
        let (document, diagnostics) = ParsedDocument.parsing(
            "Text\n\n  ```table\n  runs: [a, b]\n  columns:\n    - label\n  ```\n")
        XCTAssertEqual(diagnostics.summaries, [])
        let table = try XCTUnwrap(document.directives.first)
        XCTAssertEqual(table.location, SourceLocation(line: 3, column: 3))
        XCTAssertEqual(table["runs"]?.keyLocation, SourceLocation(line: 4, column: 3))
        XCTAssertEqual(table["runs"]?.valueLocation, SourceLocation(line: 4, column: 9))
        let column = try XCTUnwrap(table["columns"]?.value.sequence?.first)
        XCTAssertEqual(table.location(of: column), SourceLocation(line: 6, column: 7))
        XCTAssertEqual(table.body, "runs: [a, b]\ncolumns:\n  - label\n")
    }

    func testDiagnosticHelperUnderlinesScalars() throws {
        let (document, _) = ParsedDocument.parsing("```experiment\nid: q3\noptimizer: 'adamw'\n```\n")
        let experiment = try XCTUnwrap(document.directives.first)
        let value = try XCTUnwrap(experiment["optimizer"]?.value)
        let diagnostic = experiment.diagnostic("unknown optimizer 'adamw'", at: value)
        XCTAssertEqual(diagnostic.location, SourceLocation(line: 3, column: 12))
        XCTAssertEqual(diagnostic.length, 7)
        XCTAssertEqual(diagnostic.file, "answers.md")
    }

    func testEmptyBodies() {
        let (_, diagnostics) = ParsedDocument.parsing(
            "```experiment\n```\n\n```figure\n# only a comment\n\n```\n\n```python\n```\n")
        XCTAssertEqual(
            diagnostics.summaries, ["1:1: error: empty experiment block", "4:1: error: empty figure block"])
        XCTAssertEqual(diagnostics.first?.length, 13)
    }

    /// A misspelt directive would silently become a code block: it is a warning with the kind meant;
    /// code blocks in other languages are left alone.
    func testAMisspeltDirectiveIsAWarning() {
        let (document, diagnostics) = ParsedDocument.parsing(
            "```Figure\nid: a\n```\n\n```experimnt\nid: b\n```\n\n```yaml\na: 1\n```\n\n```text\nx\n```\n\n```sh\nx\n```\n"
        )
        XCTAssertEqual(
            diagnostics.summaries,
            [
                "1:1: warning: 'Figure' is not a directive, so this block is shown as code (did you mean 'figure'?)",
                "5:1: warning: 'experimnt' is not a directive, so this block is shown as code (did you mean 'experiment'?)",
            ])
        XCTAssertTrue(document.directives.isEmpty)
    }

    func testBodyThatIsNotAMapping() {
        let (document, diagnostics) = ParsedDocument.parsing(
            "Intro\n\n```table\n- a\n- b\n```\n\n```figure\njust words\n```\n")
        XCTAssertEqual(
            diagnostics.summaries,
            [
                "4:1: error: the body of a table block must be 'key: value' lines, found a list",
                "9:1: error: the body of a figure block must be 'key: value' lines, found the value 'just words'",
            ])
        XCTAssertEqual(document.directives.map(\.entries.count), [0, 0])
    }

    func testDuplicateKeysPointAtTheRepeat() throws {
        let (document, diagnostics) = ParsedDocument.parsing(
            "```experiment\nid: a\nlr: 0.1\nepochs: 2\nlr : 0.2\nlr: 0.3\n```\n")
        XCTAssertEqual(
            diagnostics.summaries,
            [
                "5:1: error: duplicate key 'lr' in experiment block",
                "6:1: error: duplicate key 'lr' in experiment block",
            ])
        let note = try XCTUnwrap(diagnostics.first?.notes.first)
        XCTAssertEqual(note.location, SourceLocation(line: 3, column: 1))
        XCTAssertEqual(note.message, "'lr' first defined here")
        XCTAssertEqual(document.directives.first?.entries.count, 0)
    }

    func testNestedDuplicateKeys() {
        let (_, diagnostics) = ParsedDocument.parsing(
            "```experiment\nid: a\nsweep:\n  lr: [1]\n  lr: [2]\n```\n")
        XCTAssertEqual(diagnostics.summaries, ["5:3: error: duplicate key 'lr' in experiment block"])
    }

    func testYAMLSyntaxErrors() {
        let source = """
            # Errors

            ```experiment
            id: a
            lr: [0.1, 0.2
            label: x
            ```

              ```figure
              id: b
              title: "unterminated
              ```

            ```table
            runs: [a]
            columns: *missing
            ```

            ```defaults
            epochs: 2
              bad: indentation
            ```

            """
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(document.directives.count, 4)
        XCTAssertEqual(
            diagnostics.map(\.location),
            [
                SourceLocation(line: 6, column: 6),
                SourceLocation(line: 11, column: 23),
                SourceLocation(line: 16, column: 10),
                SourceLocation(line: 21, column: 6),
            ], diagnostics.summaries.joined(separator: "\n"))
        XCTAssertTrue(
            diagnostics.allSatisfy { $0.severity == .error && $0.message.hasPrefix("invalid YAML in ") })
        XCTAssertEqual(diagnostics.first?.notes.first?.location, SourceLocation(line: 5, column: 5))
        // The unterminated string runs to the end of the body; its note points where it started.
        XCTAssertEqual(diagnostics[1].message, "invalid YAML in figure block: found unexpected end of stream")
        XCTAssertEqual(diagnostics[1].notes.first?.location, SourceLocation(line: 11, column: 10))
    }
}
