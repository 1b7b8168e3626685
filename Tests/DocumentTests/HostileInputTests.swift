import Document
import XCTest
import Yams

/// Documents built to break the parser: deep nesting, line separators, YAML errors at the end of the
/// file. Each gives a positioned diagnostic or the right result, never a crash.
final class HostileInputTests: XCTestCase {
    /// ~80 KB of nested block quotes or list items on one line: one positioned error, before cmark
    /// builds a node per level.
    func testDeeplyNestedBlocksAreAnError() {
        for unit in ["> ", "- ", "* > ", "1. "] {
            let source =
                "text\n\n" + String(repeating: unit, count: 80_000 / unit.count) + "deep {{ a.val_acc }}\n"
            let (document, diagnostics) = ParsedDocument.parsing(source)
            XCTAssertEqual(document.reconstructed, source)
            XCTAssertEqual(diagnostics.count, 1, unit)
            XCTAssertEqual(diagnostics.first.map { "\($0.location)" }, "3:1")
            XCTAssertTrue(
                diagnostics.first?.message.hasSuffix("block quotes or list items; the limit is 100") ?? false)
        }
        // At the limit, the blocks are read (walked without recursion) and the expression found.
        let source = String(repeating: "> ", count: 100) + "deep {{ a.val_acc }}\n"
        let (document, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(diagnostics.summaries, [])
        XCTAssertEqual(document.expressions.count, 1)
    }

    /// List items nested by indentation, 1,000 deep.
    func testDeepIndentedListsAreWalked() {
        let source =
            (0..<1_000).map { String(repeating: " ", count: 2 * $0) + "- item\n" }.joined()
            + "\n{{ a.val_acc }}\n"
        let (document, _) = ParsedDocument.parsing(source)
        XCTAssertEqual(document.expressions.count, 1)
        XCTAssertEqual(document.reconstructed, source)
    }

    func testTooManyExpressions() {
        let source = String(repeating: "{{ a.val_acc }} ", count: 20_001) + "\n"
        let (_, diagnostics) = ParsedDocument.parsing(source)
        XCTAssertEqual(
            diagnostics.summaries,
            ["1:320001: error: more than 20000 '{{ }}' expressions in one document, the limit"])
    }

    /// YAML nested past the limit is one error at the fence, not a stack overflow in Yams.
    func testDeeplyNestedYAMLIsAnError() {
        for body in [
            "model: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000),
            "model:\n" + (1...300).map { String(repeating: " ", count: $0) + "- x" }.joined(separator: "\n"),
            "model: " + String(repeating: "- ", count: 20_000) + "x",
            "a: " + String(repeating: "{b: ", count: 10_000),
        ] {
            let (_, diagnostics) = ParsedDocument.parsing("text\n\n```experiment\nid: a\n\(body)\n```\n")
            XCTAssertEqual(diagnostics.count, 1, "\(diagnostics.summaries)")
            XCTAssertTrue(
                diagnostics.first?.message.contains("levels deep; the limit is 100") ?? false,
                "\(diagnostics.summaries)")
            XCTAssertEqual(diagnostics.first?.location.line, 3)
        }
        // Real bodies are far below the limit, brackets in quotes and comments do not count.
        let (_, fine) = ParsedDocument.parsing(
            "```experiment\nid: a\nlabel: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['  # [[[[\nmodel: [conv: {out: 8}, relu, [x]]\n```\n"
        )
        XCTAssertEqual(fine.summaries, [])
    }

    /// Yams breaks lines at U+2028, U+2029 and U+0085; the document does not, and neither do positions.
    func testLineSeparatorsDoNotShiftLines() throws {
        for separator in ["\u{2028}", "\u{2029}", "\u{85}"] {
            let source = "```experiment\nid: a\nlabel: x\(separator)y\nlr: [0.1\n```\n"
            let (_, diagnostics) = ParsedDocument.parsing(source)
            XCTAssertEqual(diagnostics.map { $0.location.line }, [4], "\(diagnostics.summaries)")
            let source2 = "```experiment\nid: a\nlabel: \"x\(separator)y\"\nlr: 0.1\n```\n"
            let (document, none) = ParsedDocument.parsing(source2)
            XCTAssertEqual(none.summaries, [])
            let lr = try XCTUnwrap(document.directives.first?["lr"])
            XCTAssertEqual("\(lr.valueLocation)", "4:5")
            // A value after the separator on the same line is found at its column on that line.
            let source3 = "```experiment\nid: a\nlabel: [x,\(separator) 1: 2]\n```\n"
            let (_, after) = ParsedDocument.parsing(source3)
            XCTAssertTrue(after.allSatisfy { $0.location.line == 3 }, "\(after.summaries)")
        }
    }

    /// Notes of YAML errors at the very end of a file stay on lines that exist.
    func testYAMLNotesNeverPointPastTheEnd() {
        for source in [
            "```experiment\nid: a\nlr: [0.1", "```experiment\nid: \"a", "```experiment\nid: {a: [",
            "```figure\nx: 'a\n  b",
        ] {
            let (_, diagnostics) = ParsedDocument.parsing(source)
            let lineCount = source.split(separator: "\n", omittingEmptySubsequences: false).count
            let all = diagnostics + diagnostics.flatMap(\.notes)
            XCTAssertFalse(all.isEmpty)
            for diagnostic in all {
                XCTAssertLessThanOrEqual(diagnostic.location.line, lineCount, "\(source): \(all.summaries)")
            }
        }
    }

    func testNonUTF8BytesArePositioned() {
        let bytes = Array("line one\nline two is \u{e9}".utf8) + [0xC3, 0x28]
        XCTAssertThrowsError(try ParsedDocument.decode(bytes, path: "a.md")) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic.map { "\($0.location)" }, "2:14")
            XCTAssertTrue(
                (error as? DiagnosticError)?.description.contains(
                    "a.md:2:14: error: the document is not UTF-8 text") ?? false)
        }
        XCTAssertEqual(try ParsedDocument.decode(Array("fine \u{2028}".utf8), path: "a.md"), "fine \u{2028}")
    }
}

extension HostileInputTests {
    /// A document over the size limit is refused where it passes the limit, before it is parsed.
    func testDocumentOverTheSizeLimit() {
        let line = Array(String(repeating: "x", count: 1023).utf8) + [UInt8(ascii: "\n")]
        let bytes = Array([[UInt8]](repeating: line, count: ParsedDocument.maximumBytes / 1024 + 1).joined())
        XCTAssertThrowsError(try ParsedDocument.decode(bytes, path: "a.md")) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic.map { "\($0.location)" }, "\(ParsedDocument.maximumBytes / 1024 + 1):1")
            XCTAssertEqual(
                diagnostic?.message,
                "the document is longer than 4 MiB, the limit; split it or move data out of it")
        }
    }
}

extension HostileInputTests {
    /// Directive blocks are bounded in number, in size each and in YAML all together.
    func testDirectiveBlockLimits() {
        let many = String(repeating: "```figure\nid: f\n```\n", count: 5_001)
        let (_, countDiagnostics) = ParsedDocument.parsing(many)
        XCTAssertEqual(
            countDiagnostics.filter { $0.severity == .error }.summaries,
            ["15001:1: error: more than 5000 directive blocks in one document, the limit"])

        let big = "```experiment\nid: a\nlabel: [" + String(repeating: "x, ", count: 30_000) + "x]\n```\n"
        let (_, sizeDiagnostics) = ParsedDocument.parsing(big)
        XCTAssertEqual(
            sizeDiagnostics.summaries, ["1:1: error: experiment block is 87 KiB long; the limit is 64 KiB"])

        let block = "```experiment\nid: a\nlabel: [" + String(repeating: "x, ", count: 20_000) + "x]\n```\n"
        let (_, totalDiagnostics) = ParsedDocument.parsing(String(repeating: block, count: 20))
        XCTAssertEqual(
            totalDiagnostics.summaries,
            ["69:1: error: the directive blocks up to here hold more than 1 MiB of YAML, the limit"])
    }
}
