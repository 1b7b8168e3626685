import Document
import Suggestions
import XCTest

/// Rendering, collecting and suggesting.
final class DiagnosticTests: XCTestCase {
    private let source = "first line\n\tlearnig_rate: 0.1\nlast"

    func testRenderedWithCaret() {
        let diagnostic = Diagnostic.error(
            "unknown key 'learnig_rate' in experiment 'q3' (did you mean 'lr'?)", file: "report/answers.md",
            at: SourceLocation(line: 2, column: 2))
        XCTAssertEqual(
            diagnostic.rendered(source: source),
            """
            report/answers.md:2:2: error: unknown key 'learnig_rate' in experiment 'q3' (did you mean 'lr'?)
                2 | \tlearnig_rate: 0.1
                  | \t^
            """)
    }

    func testRenderedUnderlineAndNotes() {
        let note = Diagnostic.note(
            "first defined here", file: "a.md", at: SourceLocation(line: 1, column: 7), length: 4)
        let diagnostic = Diagnostic(
            file: "a.md", location: SourceLocation(line: 3, column: 1), length: 40, severity: .warning,
            message: "careful", notes: [note])
        XCTAssertEqual(
            diagnostic.rendered(source: source),
            """
            a.md:3:1: warning: careful
                3 | last
                  | ^~~~
            a.md:1:7: note: first defined here
                1 | first line
                  |       ^~~~
            """)
    }

    func testRenderedWithoutTheLine() {
        let diagnostic = Diagnostic.error("gone", file: "a.md", at: SourceLocation(line: 99, column: 1))
        XCTAssertEqual(diagnostic.rendered(source: source), "a.md:99:1: error: gone")
        XCTAssertEqual(diagnostic.description, "a.md:99:1: error: gone")
    }

    func testLongLineNumbers() {
        let long = String(repeating: "\n", count: 12344) + "x"
        let rendered = Diagnostic.error("e", file: "f", at: SourceLocation(line: 12345, column: 1)).rendered(
            source: long)
        XCTAssertEqual(rendered, "f:12345:1: error: e\n 12345 | x\n       | ^")
    }

    func testListSortsAndThrows() throws {
        var list = DiagnosticList(file: "a.md")
        XCTAssertNoThrow(try list.throwIfErrors())
        list.warning("second", at: SourceLocation(line: 3, column: 1))
        list.error("first", at: SourceLocation(line: 1, column: 5))
        list.error("third", at: SourceLocation(line: 3, column: 1))
        XCTAssertEqual(list.diagnostics.map(\.message), ["first", "second", "third"])
        XCTAssertEqual(list.errorCount, 2)
        XCTAssertThrowsError(try list.throwIfErrors(source: source)) { error in
            let error = error as? DiagnosticError
            XCTAssertEqual(error?.diagnostics.count, 3)
            XCTAssertEqual(error?.description.components(separatedBy: "\n").first, "a.md:1:5: error: first")
            XCTAssertEqual(error?.description.components(separatedBy: "\n").last, "2 errors generated.")
        }
    }

    func testSuggestions() {
        let keys = ["id", "dataset", "model", "lr", "epochs", "batch_size", "optimizer"]
        XCTAssertEqual(suggestion(for: "learnig_rate", among: keys), "lr")
        XCTAssertEqual(suggestion(for: "learning_rate", among: keys), "lr")
        XCTAssertEqual(suggestion(for: "epoch", among: keys), "epochs")
        XCTAssertEqual(suggestion(for: "optimiser", among: keys), "optimizer")
        XCTAssertEqual(suggestion(for: "Dataset", among: keys), "dataset")
        XCTAssertEqual(suggestion(for: "batchsize", among: keys), "batch_size")
        XCTAssertNil(suggestion(for: "colour", among: keys))
        XCTAssertNil(suggestion(for: "x", among: []))
    }
}

extension DiagnosticTests {
    /// A 10,000-column line shows 160 columns around the problem, the caret still under it.
    func testLongLinesShowAWindowAroundTheColumn() {
        let line = String(repeating: "a", count: 5_000) + "BAD" + String(repeating: "b", count: 5_000)
        let diagnostic = Diagnostic.error(
            "bad", file: "a.md", at: SourceLocation(line: 1, column: 5_001), length: 3)
        let rendered = diagnostic.rendered(source: line).split(separator: "\n").map(String.init)
        XCTAssertEqual(rendered.count, 3)
        XCTAssertEqual(
            rendered[1],
            "    1 | …" + String(repeating: "a", count: 80) + "BAD" + String(repeating: "b", count: 77) + "…")
        XCTAssertEqual(rendered[2], "      |  " + String(repeating: " ", count: 80) + "^~~")
        // Short lines are unchanged.
        XCTAssertEqual(
            Diagnostic.error("x", file: "a.md", at: SourceLocation(line: 1, column: 2)).rendered(
                source: "abc"),
            "a.md:1:2: error: x\n    1 | abc\n      |  ^")
    }
}
