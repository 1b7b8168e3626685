import Document
import XCTest

/// A realistic answers document with mistakes, parsed the way `report build` would, with the
/// rendered diagnostics printed (run with `--filter ExampleOutputTests` to read them).
final class ExampleOutputTests: XCTestCase {
    static let answers = """
        # Question 3: learning rates

        The best run reaches {{ q3-lr[lr=0.1].best.val_acc | percent(1) }} after
        {{ q3-lr[lr=0.1].train_time | duration }}; the slowest reaches {{ q3-lr[lr=0.001]. | percent }}.

        ```experiment
        id: q3-lr
        dataset: fashion_mnist
        model: default
        sweep:
          lr: [0.001, 0.01, 0.1
        label: SGD
        ```

        ```figure
        id: lr-sweep
        runs: [q3-lr]
        metrics: [loss, val_acc]
        x: epoch
        title: Learning rate
        x: step
        ```

        - Adam reaches {{ q4-opt[optimizer=adam].val_acc | fixed(3) }}, and `{{ left.alone }}`.

          ```table
          runs: [q4-opt]
          ```

        ```table
        ```

        Unfinished {{ q4-opt.val_acc | percent
        """

    func testPrintsReadableDiagnostics() {
        let (document, diagnostics) = ParsedDocument.parse(source: Self.answers, path: "report/answers.md")
        let error = DiagnosticError(diagnostics: diagnostics, sources: ["report/answers.md": Self.answers])
        // Checked rather than printed: a passing suite's log holds no document warnings.
        let rendered = error.description
        XCTAssertTrue(
            rendered.contains("report/answers.md:26:3: warning: 'table' block inside a list item"), rendered)
        XCTAssertTrue(rendered.contains("\n   26 | ") && rendered.hasSuffix("generated."), rendered)
        XCTAssertEqual(document.reconstructed, Self.answers)
        XCTAssertEqual(
            diagnostics.summaries.map { String($0.prefix(while: { $0 != " " })) },
            [
                "4:83:", "12:6:", "21:1:", "26:3:", "30:1:", "33:12:",
            ])
        XCTAssertEqual(document.expressions.count, 3)
        XCTAssertEqual(document.directives.map(\.kind), [.experiment, .figure, .table])
    }
}
