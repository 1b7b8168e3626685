import XCTest

@testable import Pipeline
@testable import Planning

/// How values print, with and without a format.
final class ValueFormatTests: XCTestCase {
    private func render(_ value: RunValue, _ format: String? = nil, _ arguments: [String] = []) throws
        -> String
    {
        let parsed = try format.map { try ValueFormat.parse(name: $0, arguments: arguments).get() }
        return ValueFormat.render(value, format: parsed)
    }

    func testFormats() throws {
        XCTAssertEqual(try render(.number(0.98765, .fraction)), "98.77%")
        XCTAssertEqual(try render(.number(0.98765, .fraction), "percent"), "98.77%")
        XCTAssertEqual(try render(.number(0.98765, .fraction), "percent", ["1"]), "98.8%")
        XCTAssertEqual(try render(.number(0.98765, .fraction), "percent", ["0"]), "99%")
        XCTAssertEqual(try render(.number(0.123456, .loss)), "0.1235")
        XCTAssertEqual(try render(.number(0.123456, .loss), "fixed", ["3"]), "0.123")
        XCTAssertEqual(try render(.number(21840, .count)), "21,840")
        XCTAssertEqual(try render(.number(1_234_567.6, .plain), "int"), "1,234,568")
        XCTAssertEqual(try render(.number(4.2, .seconds)), "4.2 s")
        XCTAssertEqual(try render(.number(125, .seconds), "duration"), "2 min 05 s")
        XCTAssertEqual(try render(.number(4000, .seconds)), "1 h 06 min")
        XCTAssertEqual(try render(.number(0.05, .plain)), "0.05", "config values print as written")
        XCTAssertEqual(try render(.number(3, .plain)), "3")
        XCTAssertEqual(try render(.text("adam")), "adam")
        XCTAssertEqual(try render(.missing, "percent"), "n/a")
        XCTAssertEqual(try render(.number(.nan, .loss)), "NaN")
    }

    func testFormatArgumentsAreChecked() {
        XCTAssertThrowsError(try ValueFormat.parse(name: "int", arguments: ["1"]).get())
        XCTAssertThrowsError(try ValueFormat.parse(name: "fixed", arguments: ["x"]).get())
        XCTAssertThrowsError(try ValueFormat.parse(name: "percent", arguments: ["1", "2"]).get())
    }
}
