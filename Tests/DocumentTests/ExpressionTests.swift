import Document
import XCTest

/// Finding `{{ }}` through the Markdown structure, and parsing what is inside.
final class ExpressionTests: XCTestCase {
    private func expression(_ text: String) throws -> InlineExpression {
        let (document, diagnostics) = ParsedDocument.parsing(text)
        XCTAssertEqual(diagnostics.summaries, [])
        return try XCTUnwrap(document.expressions.first)
    }

    private func errors(_ text: String) -> [String] {
        ParsedDocument.parsing(text).1.summaries
    }

    // MARK: Finding

    func testFoundInProseHeadingsListsQuotesEmphasisAndTables() {
        let source = """
            # Heading {{ a.h }}

            Setext {{ a.s }}
            ---

            Prose **{{ a.strong }}** and _{{ a.em }}_ and [link {{ a.link }}](x).

            1. item {{ a.item }}
               - nested {{ a.nested }}

            > quoted {{ a.quote }}

            | run | acc |
            |-----|-----|
            | a   | {{ a.val_acc | percent }} |

            """
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(diagnostics.summaries, [])
        XCTAssertEqual(
            document.expressions.map(\.valuePath),
            [
                "h", "s", "strong", "em", "link", "item", "nested", "quote", "val_acc",
            ])
        XCTAssertEqual(document.expressions.last?.location, SourceLocation(line: 15, column: 9))
    }

    func testNotFoundInCode() {
        let source = """
            Span `{{ not.a }}` and ``{{ not.b }} ` still`` and {{ yes.c }}.
            Unmatched ` backtick {{ yes.d }} and escaped \\{{ not.e }}.

            ```
            {{ not.f }}
            ```

                {{ not.g }}

            <div>
            {{ not.h }}
            </div>

            <!-- {{ not.i }} -->
            """
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(diagnostics.summaries, [])
        XCTAssertEqual(document.expressions.map(\.valuePath), ["c", "d"])
    }

    func testCodeSpanAcrossLines() {
        let (document, _) = ParsedDocument.parsing("A `code\n{{ not.a }}` then {{ yes.b }}\n")
        XCTAssertEqual(document.expressions.map(\.valuePath), ["b"])
    }

    // MARK: Parsing

    func testSimpleExpression() throws {
        let parsed = try expression("Value {{ fmnist-sgd.val_acc | percent }} here.")
        let reference = try XCTUnwrap(parsed.body.reference)
        XCTAssertEqual(reference.run.id, "fmnist-sgd")
        XCTAssertTrue(reference.run.selectors.isEmpty)
        XCTAssertEqual(reference.path, ["val_acc"])
        XCTAssertFalse(parsed.isClaim)
        XCTAssertEqual(parsed.format?.name, "percent")
        XCTAssertEqual(parsed.format?.arguments, [])
        XCTAssertEqual(parsed.location, SourceLocation(line: 1, column: 7))
        XCTAssertEqual(reference.run.location, SourceLocation(line: 1, column: 10))
        XCTAssertEqual(reference.pathLocation, SourceLocation(line: 1, column: 21))
        XCTAssertEqual(parsed.format?.location, SourceLocation(line: 1, column: 31))
        XCTAssertEqual(parsed.original, "{{ fmnist-sgd.val_acc | percent }}")
    }

    func testSelectorsPathsAndFormatArguments() throws {
        let parsed = try expression("{{q4-opt[lr=0.1, optimizer = adam].best.val_acc|fixed( 3 )}}")
        let reference = try XCTUnwrap(parsed.body.reference)
        XCTAssertEqual(reference.run.id, "q4-opt")
        XCTAssertEqual(reference.run.selectors.map(\.key), ["lr", "optimizer"])
        XCTAssertEqual(reference.run.selectors.map(\.value), ["0.1", "adam"])
        XCTAssertEqual(reference.path, ["best", "val_acc"])
        XCTAssertEqual(
            parsed.format,
            FormatSpec(name: "fixed", arguments: ["3"], location: SourceLocation(line: 1, column: 49)))
        XCTAssertEqual(parsed.description, "{{ q4-opt[lr=0.1,optimizer=adam].best.val_acc | fixed(3) }}")
    }

    func testNoFormat() throws {
        let parsed = try expression("{{ run_1[lr=1e-3].train_time }}")
        XCTAssertNil(parsed.format)
        XCTAssertEqual(parsed.body.reference?.run.selectors.map(\.value), ["1e-3"])
        XCTAssertEqual(parsed.body.reference?.run.description, "run_1[lr=1e-3]")
    }

    func testMetricAtAnEpoch() throws {
        let parsed = try expression("Before: {{ q15.val_acc@0 | percent(2) }}.")
        XCTAssertEqual(parsed.body.reference?.path, ["val_acc@0"])
        XCTAssertEqual(
            errors("x {{ a.val_acc@ }}"), ["1:16: error: expected an epoch number after '@', found a space"])
        XCTAssertEqual(
            errors("x {{ a.val_acc@x }}"), ["1:16: error: expected an epoch number after '@', found 'x'"])
    }

    // MARK: Errors

    func testUnclosedBraces() {
        XCTAssertEqual(
            errors("Text {{ a.b\nmore }}\n"),
            [
                "1:6: error: unclosed '{{'; expected '}}' on the same line (write '\\{{' for literal braces)"
            ])
    }

    func testBadExpressions() {
        let cases: [(String, String)] = [
            ("x {{ fmnist-sgd. | percent }}", "1:17: error: expected a value name after '.', found a space"),
            (
                "x {{ fmnist-sgd | percent }}",
                "1:16: error: expected '.' and a value name after 'fmnist-sgd', found a space"
            ),
            (
                "x {{ }}",
                "1:3: error: empty expression; expected a run id and a value, like '{{ run-id.val_acc }}'"
            ),
            ("x {{ .val }}", "1:6: error: expected a run id, a number or '(', found '.'"),
            ("x {{ a.b | }}", "1:12: error: expected a format name after '|', found '}}'"),
            (
                "x {{ a.b c }}",
                "1:10: error: unexpected 'c' after 'a.b'; expected an operator, '|' and a format, or '}}'"
            ),
            ("x {{ a.b | int x }}", "1:16: error: unexpected 'x' after the format; expected '}}'"),
            ("x {{ a.b | fixed(3 }}", "1:20: error: expected ',' or ')' after '3', found '}}'"),
            ("x {{ a[lr].b }}", "1:10: error: expected '=' after selector 'lr', found ']'"),
            ("x {{ a[lr=].b }}", "1:11: error: expected a value after 'lr=', found ']'"),
            ("x {{ a[].b }}", "1:8: error: expected a selector name like 'lr' after '[', found ']'"),
            ("x {{ a[lr=1 b=2].c }}", "1:13: error: expected ',' or ']' after selector 'lr=1', found 'b'"),
        ]
        for (source, expected) in cases {
            XCTAssertEqual(errors(source), [expected], source)
        }
    }

    func testBadExpressionStaysText() {
        let (document, diagnostics) = ParsedDocument.parsing("a {{ x. }} b {{ y.z }}")
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertEqual(document.expressionTexts, ["{{ y.z }}"])
        XCTAssertEqual(document.reconstructed, "a {{ x. }} b {{ y.z }}")
    }
}
