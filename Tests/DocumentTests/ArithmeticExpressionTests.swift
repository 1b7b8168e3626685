import Document
import XCTest

/// Arithmetic, comparisons and claims inside `{{ }}`: precedence, positions, errors.
final class ArithmeticExpressionTests: XCTestCase {
    private func parsed(_ text: String) throws -> InlineExpression {
        let (document, diagnostics) = ParsedDocument.parsing(text)
        XCTAssertEqual(diagnostics.summaries, [], text)
        return try XCTUnwrap(document.expressions.first, text)
    }

    private func errors(_ text: String) -> [String] {
        ParsedDocument.parsing(text).1.summaries
    }

    /// The normalized form shows the tree: parentheses only where the grouping differs from the
    /// default precedence.
    func testPrecedenceAndAssociativity() throws {
        let cases: [(String, String)] = [
            ("{{ a.x + b.y * 2 }}", "a.x + b.y * 2"),
            ("{{ (a.x + b.y) * 2 }}", "(a.x + b.y) * 2"),
            ("{{ a.x - b.y - c.z }}", "a.x - b.y - c.z"),
            ("{{ a.x - (b.y - c.z) }}", "a.x - (b.y - c.z)"),
            ("{{ a.x / b.y / 2 }}", "a.x / b.y / 2"),
            ("{{ -a.x * 2 }}", "-a.x * 2"),
            ("{{ -(a.x * 2) }}", "-(a.x * 2)"),
            ("{{ abs(a.x - b.y) }}", "abs(a.x - b.y)"),
            ("{{ assert a.x - b.y > 2 * c.z.std }}", "a.x - b.y > 2 * c.z.std"),
            (
                "{{ assert a.x > 0.5 and b.y < 1e-3 or not c.z == 3 }}",
                "a.x > 0.5 and b.y < 1e-3 or not c.z == 3"
            ),
            ("{{ assert a.x > 0.5 and (b.y < 1 or c.z >= 3) }}", "a.x > 0.5 and (b.y < 1 or c.z >= 3)"),
            ("{{ assert not (a.x > 1 and b.y <= 2) }}", "not (a.x > 1 and b.y <= 2)"),
        ]
        for (source, normalized) in cases {
            XCTAssertEqual(try parsed(source).body.description, normalized, source)
        }
    }

    func testTreeShapeAndPositions() throws {
        let claim = try parsed("Text {{ assert q9.val_acc - q8.val_acc >= 0.01 }} here.")
        XCTAssertTrue(claim.isClaim)
        XCTAssertEqual(claim.body.location, SourceLocation(line: 1, column: 16))
        XCTAssertEqual(claim.body.text, "q9.val_acc - q8.val_acc >= 0.01")
        guard case .binary(.greaterOrEqual, let left, let right) = claim.body.node else {
            return XCTFail("not a comparison: \(claim.body.node)")
        }
        XCTAssertEqual(left.text, "q9.val_acc - q8.val_acc")
        XCTAssertEqual(right.node, .number(0.01))
        XCTAssertEqual(right.location, SourceLocation(line: 1, column: 43))
        XCTAssertEqual(claim.references.map(\.description), ["q9.val_acc", "q8.val_acc"])
        XCTAssertEqual(claim.references.map(\.pathLocation.column), [19, 32])
        XCTAssertEqual(claim.description, "{{ assert q9.val_acc - q8.val_acc >= 0.01 }}")
    }

    func testValuePathsAreGeneric() throws {
        let value = try parsed("{{ q5[lr=0.1].val_loss@3 - q8.val_acc.std | pct(2) }}")
        XCTAssertEqual(value.references.map(\.path), [["val_loss@3"], ["val_acc", "std"]])
        XCTAssertEqual(value.references.first?.run.selectors.map(\.value), ["0.1"])
        XCTAssertEqual(value.format?.name, "pct")
    }

    /// Numbers and run ids that start with digits; words that are run ids where no operator can stand.
    func testNumbersAndWords() throws {
        XCTAssertEqual(try parsed("{{ 2 * a.x }}").body.description, "2 * a.x")
        XCTAssertEqual(try parsed("{{ 1e-3 + a.x }}").body.node, try parsed("{{ 1e-3 + a.x }}").body.node)
        guard case .binary(.add, let number, _) = try parsed("{{ 1e-3 + a.x }}").body.node else {
            return XCTFail()
        }
        XCTAssertEqual(number.node, .number(0.001))
        XCTAssertEqual(try parsed("{{ 3.val_acc }}").body.reference?.run.id, "3")
        XCTAssertEqual(try parsed("{{ 1a.val_acc }}").body.reference?.run.id, "1a")
        XCTAssertEqual(try parsed("{{ not.val_acc }}").body.reference?.run.id, "not")
        XCTAssertEqual(try parsed("{{ assert.val_acc }}").body.reference?.run.id, "assert")
        XCTAssertFalse(try parsed("{{ assert.val_acc }}").isClaim)
        XCTAssertEqual(try parsed("{{ a-b.val_acc - c.x }}").references.map(\.run.id), ["a-b", "c"])
    }

    func testErrorsPointAtTheProblem() {
        let cases: [(String, String)] = [
            ("x {{ a.x + }}", "1:12: error: expected a run id, a number or '(', found '}}'"),
            ("x {{ (a.x + 1 }}", "1:15: error: expected ')' to close the '(' at column 6, found '}}'"),
            (
                "x {{ a.val_acc-b.val_acc }}",
                "1:15: error: '-' cannot be part of the value name 'val_acc-b'; to subtract, put spaces around it: 'val_acc - …'"
            ),
            (
                "x {{ assert a.x < b.y < c.z }}",
                "1:23: error: comparisons do not chain: write 'a.x < b.y and b.y < …'"
            ),
            (
                "x {{ assert a.x > 1 | percent }}",
                "1:21: error: a claim renders nothing, so it takes no format; remove '| …'"
            ),
            ("x {{ assert }}", "1:13: error: expected a claim after 'assert', like 'a.val_acc > b.val_acc'"),
            ("x {{ abs(a.x }}", "1:14: error: expected ',' or ')' in the arguments of 'abs', found '}}'"),
            ("x {{ a.x ** 2 }}", "1:11: error: expected a run id, a number or '(', found '*'"),
            (
                "x {{ a.x = b.y }}",
                "1:10: error: unexpected '=' after 'a.x'; expected an operator, '|' and a format, or '}}'"
            ),
        ]
        for (source, expected) in cases {
            XCTAssertEqual(errors(source), [expected], source)
        }
    }

    /// Deep nesting and long chains stop at a limit with an error, not a stack overflow.
    func testHostileNestingIsRefused() {
        let deep =
            "{{ " + String(repeating: "(", count: 10_000) + "a.x" + String(repeating: ")", count: 10_000)
            + " }}"
        XCTAssertEqual(errors(deep).count, 1)
        XCTAssertTrue(errors(deep)[0].contains("the limit"), errors(deep)[0])
        let negations = "{{ " + String(repeating: "-", count: 10_000) + "a.x }}"
        XCTAssertTrue(errors(negations).first?.contains("the limit") ?? false)
        let long = "{{ a.x" + String(repeating: " + 1", count: 5_000) + " }}"
        XCTAssertTrue(errors(long).first?.contains("the limit") ?? false, errors(long).first ?? "")
    }
}
