import Document
import XCTest

/// Concatenating the segments' original text gives back the input byte for byte.
final class RoundTripTests: XCTestCase {
    private func assertRoundTrip(_ source: String, file: StaticString = #filePath, line: UInt = #line) {
        let (document, _) = ParsedDocument.parsing(source)
        XCTAssertEqual(Array(document.reconstructed.utf8), Array(source.utf8), file: file, line: line)
    }

    func testPlainProse() {
        assertRoundTrip("# Title\n\nSome prose.\n")
        assertRoundTrip("")
        assertRoundTrip("\n\n\n")
        assertRoundTrip("no trailing newline")
    }

    func testCRLFLineEndings() {
        let source =
            "# Q {{ a.b }}\r\n\r\n```experiment\r\nid: a\r\nlr: 0.1\r\n```\r\nText {{ a.val_acc }}\r\n"
        assertRoundTrip(source)
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(diagnostics.summaries, [])
        XCTAssertEqual(document.directives.count, 1)
        XCTAssertEqual(document.directives.first?.original, "```experiment\r\nid: a\r\nlr: 0.1\r\n```")
        XCTAssertEqual(document.directives.first?["lr"]?.keyLocation, SourceLocation(line: 5, column: 1))
        XCTAssertEqual(document.expressionTexts, ["{{ a.b }}", "{{ a.val_acc }}"])
    }

    func testLoneCarriageReturns() {
        assertRoundTrip("a {{ x.y }}\r\rb\r```table\rruns: [x]\r```\r")
    }

    func testTabsUnicodeAndNoTrailingNewline() {
        let source = "Größe\t{{ ü-run.val_acc }} 🎉 {{ x.y }}\n\n```defaults\nepochs:\t2\n```"
        assertRoundTrip(source)
        let (document, _) = ParsedDocument.parsing(source)
        XCTAssertEqual(
            document.expressions.map(\.location),
            [
                SourceLocation(line: 1, column: 7), SourceLocation(line: 1, column: 29),
            ])
        XCTAssertEqual(document.directives.map(\.kind), [.defaults])
    }

    func testFenceVariants() {
        let source = """
            ~~~experiment
            id: tilde
            ~~~
               ```figure
               id: indented
                 title: x
               ```
            ````table
            runs: [a]
            note: |
              ```
              still inside
            ````

            """
        assertRoundTrip(source)
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(document.directives.map(\.kind), [.experiment, .figure, .table])
        XCTAssertEqual(document.directives.map(\.location.line), [1, 4, 8])
        XCTAssertEqual(
            document.directives[1].original, "   ```figure\n   id: indented\n     title: x\n   ```")
        XCTAssertEqual(
            diagnostics.summaries,
            [
                "6:11: error: invalid YAML in figure block: mapping values are not allowed in this context"
            ])
        XCTAssertEqual(document.directives[2]["note"]?.value.string, "```\nstill inside\n")
    }

    func testNestedBlocksAndOtherCode() {
        let source = """
            - item {{ a.b }}
              - nested *{{ c.d | int }}*

                ```experiment
                id: nested
                ```
            > quote {{ e.f }}
            >
            > ```figure
            > id: quoted
            > ```

            ```python
            print("{{ not.this }}")
            ```

                indented {{ not.this }}

            <div>{{ not.html }}</div>
            """
        assertRoundTrip(source)
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(document.directives.count, 0)
        XCTAssertEqual(document.expressionTexts, ["{{ a.b }}", "{{ c.d | int }}", "{{ e.f }}"])
        XCTAssertEqual(
            diagnostics.summaries,
            [
                "4:5: warning: 'experiment' block inside a list item is copied as an ordinary code block, "
                    + "not read as a directive; directives must start at the top level of the document",
                "9:3: warning: 'figure' block inside a block quote is copied as an ordinary code block, "
                    + "not read as a directive; directives must start at the top level of the document",
            ])
    }

    func testUnclosedDirectiveRunsToTheEnd() {
        let source = "Intro\n\n```experiment\nid: a\n\nMore {{ a.b }}\n"
        assertRoundTrip(source)
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(document.directives.first?.isClosed, false)
        XCTAssertEqual(document.expressions.count, 0)
        XCTAssertEqual(diagnostics.first?.location, SourceLocation(line: 3, column: 1))
        XCTAssertTrue(diagnostics.first?.message.hasPrefix("experiment block is never closed") ?? false)
    }

    func testByteOrderMark() {
        let source = "\u{FEFF}{{ a.b }}\n```table\nruns: [a]\n```\n"
        assertRoundTrip(source)
        let (document, _) = ParsedDocument.parsing(source)
        XCTAssertEqual(document.expressionTexts, ["{{ a.b }}"])
        XCTAssertEqual(document.directives.count, 1)
    }

    func testSegmentsAlternate() {
        let (document, _) = ParsedDocument.parsing("a {{ x.y }} b\n\n```table\nruns: [x]\n```\nc\n")
        let kinds = document.segments.map { segment -> String in
            switch segment {
            case .text: return "text"
            case .directive: return "directive"
            case .expression: return "expression"
            }
        }
        XCTAssertEqual(kinds, ["text", "expression", "text", "directive", "text"])
        XCTAssertEqual(document.segments.last?.original, "\nc\n")
    }
}
