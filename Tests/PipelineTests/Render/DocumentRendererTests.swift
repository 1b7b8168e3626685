import TestSupport
import XCTest

@testable import Pipeline
@testable import Planning
@testable import RunCache

/// What the written README keeps (everything outside directives and expressions, byte for byte)
/// and what it fills in.
final class DocumentRendererTests: XCTestCase {
    private static let defaults = "```defaults\n\(TestProject.tiny)```"
    private static let experiment = "```experiment\nid: a\nlabel: Run A\nlr: 0.05\n```"

    /// Prose with code spans, code blocks, HTML, indented code, trailing spaces, escapes, tabs and
    /// non-ASCII text; `{{ }}` is only filled in where it is an expression.
    private static let source = """
        # Title <b>bold</b> {{ a.label }}

        A `{{ a.val_acc }}` code span, ``{{ x }}`` and {{ a.val_acc | percent(1) }}.

        \(defaults)

        \(experiment)

        ```python
        x = "{{ a.val_acc }}"
        ```

        ~~~
        {{ a.lr }}
        ~~~

        <div>
        {{ a.val_acc }}
        </div>

            indented {{ a.val_acc }}

        Trailing  spaces   \("")
        \\{{ literal }} and é\t tab — {{a.lr}}
        - item {{ a.epochs }}

        > quote {{ a.optimizer }}
        <!-- {{ a.val_acc }} -->
        No final newline
        """

    private func expected(_ record: RunRecord) -> String {
        Self.source
            .replacingOccurrences(of: Self.defaults + "\n", with: "")
            .replacingOccurrences(of: Self.experiment + "\n", with: "")
            .replacingOccurrences(of: "<b>bold</b> {{ a.label }}", with: "<b>bold</b> Run A")
            .replacingOccurrences(
                of: "and {{ a.val_acc | percent(1) }}.",
                with: "and \(percent(record.metrics.final!.valAcc, digits: 1))."
            )
            .replacingOccurrences(of: "tab — {{a.lr}}", with: "tab — 0.05")
            .replacingOccurrences(of: "item {{ a.epochs }}", with: "item 1")
            .replacingOccurrences(of: "quote {{ a.optimizer }}", with: "quote sgd")
    }

    func testEverythingOutsideDirectivesAndExpressionsIsKept() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.source)
        let summary = try project.build()
        XCTAssertEqual(summary.trained, ["a"])
        let record = try project.record("a")
        XCTAssertEqual(project.readme, TestProject.generatedHeader + expected(record))

        // The same document with CRLF line breaks: the same output, with CRLF line breaks (and cached).
        let crlf = Self.source.replacingOccurrences(of: "\n", with: "\r\n")
        try project.write(crlf)
        XCTAssertEqual(try project.build().trained, [])
        XCTAssertEqual(
            project.readme,
            (TestProject.generatedHeader + expected(record)).replacingOccurrences(of: "\n", with: "\r\n"))
    }

    func testInlineValuesAndFormats() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(
            """
            ```experiment
            id: good
            label: Good
            lr: 0.05
            train_samples: 300
            val_samples: 200
            epochs: 2
            ```
            A {{ good.val_acc }}
            B {{ good.val_acc | percent }}
            C {{ good.val_acc | percent(1) }}
            D {{ good.val_loss | fixed(3) }}
            E {{ good.val_loss }}
            F {{ good.params | int }}
            G {{ good.params }}
            H {{ good.train_time | duration }}
            I {{ good.best.val_acc }}
            J {{ good.best.val_loss }}
            K {{ good.lr }} {{ good.optimizer }} {{ good.batch_size }} {{ good.label }} {{ good.epochs }}
            L {{ good.acc | percent(0) }} {{ good.train_time | fixed(1) }}

            """)
        try project.build()
        let record = try project.record("good")
        let final = try XCTUnwrap(record.metrics.final)
        let epochs = record.metrics.epochs
        XCTAssertEqual(epochs.map(\.epoch), [0, 1, 2], "epoch 0 is the evaluation before training")
        XCTAssertEqual(
            project.readme,
            TestProject.generatedHeader + """
                A \(percent(final.valAcc))
                B \(percent(final.valAcc))
                C \(percent(final.valAcc, digits: 1))
                D \(String(format: "%.3f", final.valLoss ?? .nan))
                E \(String(format: "%.4f", final.valLoss ?? .nan))
                F 21,840
                G 21,840
                H \(ValueFormat.duration(record.metrics.trainSeconds))
                I \(percent(epochs.compactMap(\.valAcc).max()!))
                J \(String(format: "%.4f", epochs.compactMap(\.valLoss).min()!))
                K 0.05 sgd 256 Good 2
                L \(String(format: "%.0f%%", 100 * final.acc!)) \(String(format: "%.1f", record.metrics.trainSeconds))

                """)
    }
}
