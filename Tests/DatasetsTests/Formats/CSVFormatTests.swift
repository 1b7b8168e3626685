import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// Tables as spreadsheets and pandas write them: headers or none, quoted cells, CRLF, a byte order mark,
/// labels as indices or as names.
final class CSVFormatTests: FormatTestCase {
    private func read(_ text: String, labelColumn: String? = nil, classNames: [String]? = nil) throws
        -> LabelledData
    {
        try write(Data(text.utf8), "t.csv")
        return try DatasetReader.read(
            request(.csv, ["t.csv"], classNames: classNames, labelColumn: labelColumn))
    }

    func testAFirstRowOfNumbersIsDataAndTheLastColumnTheLabel() throws {
        let data = try read("1,2,0\n3,4.5e1,1\n\n\n")
        XCTAssertEqual(data.set.pixels, .floats([1, 2, 3, 45]))
        XCTAssertEqual(data.set.labels, [0, 1])
        XCTAssertEqual(data.set.shape, SampleShape(features: 2))
        XCTAssertNil(data.classNames)
    }

    func testAHeaderNamesTheLabelColumnAnywhere() throws {
        let data = try read("\u{FEFF}x, label ,y\r\n 1 ,2,3\r\n4,0,6\r\n")
        XCTAssertEqual(data.set.pixels, .floats([1, 3, 4, 6]))
        XCTAssertEqual(data.set.labels, [2, 0])
        XCTAssertEqual(try read("a,b,kind\n1,2,0\n", labelColumn: "a").set.labels, [1])
        XCTAssertEqual(try read("5,2,0\n1,2,0\n", labelColumn: "0").set.labels, [5, 1])
        XCTAssertEqual(try read("5,2,0\n1,2,0\n", labelColumn: "0").set.pixels, .floats([2, 0, 2, 0]))
    }

    func testQuotedCellsHoldCommasQuotesAndLineBreaks() throws {
        let data = try read(
            "a,b,label\n\"1\",2,\"cat, \"\"tabby\"\"\"\n3,4,\"dog\nbig\"\n5,6,\"cat, \"\"tabby\"\"\"\n")
        XCTAssertEqual(data.classNames, ["cat, \"tabby\"", "dog\nbig"])
        XCTAssertEqual(data.set.labels, [0, 1, 0])
        XCTAssertEqual(data.set.pixels, .floats([1, 2, 3, 4, 5, 6]))
        // The line count goes on past a line break inside quotes.
        XCTAssertThrowsError(try read("a,b,label\n1,2,\"x\ny\"\n3,oops,z\n")) {
            XCTAssertTrue("\($0)".contains("t.csv:4:3: 'oops' is not a number (column 'b')"), "\($0)")
        }
    }

    func testLabelNamesMapThroughTheDeclaredClasses() throws {
        let text = "f,label\n1,dog\n2,cat\n3,dog\n"
        XCTAssertEqual(try read(text).set.labels, [1, 0, 1])
        let declared = try read(text, classNames: ["dog", "bird", "cat"])
        XCTAssertEqual(declared.set.labels, [0, 2, 0])
        XCTAssertEqual(declared.classNames, ["dog", "bird", "cat"])
        XCTAssertThrowsError(try read(text, classNames: ["dog", "bird"])) {
            XCTAssertTrue(
                "\($0)".contains("t.csv:3:3: label 'cat' is not one of the classes 'dog', 'bird'"), "\($0)")
        }
    }

    func testCellsThatAreNoNumbersOrLinesThatAreNoRows() throws {
        XCTAssertThrowsError(try read("a,label\nnan,1\n")) {
            XCTAssertTrue(
                "\($0)".contains("t.csv:2:1: 'nan' is not a finite float32 number (column 'a')"), "\($0)")
        }
        XCTAssertThrowsError(try read("1,0\n\n2,1\n")) {
            XCTAssertTrue("\($0)".contains("t.csv:2:1: a blank line before a row"), "\($0)")
        }
        XCTAssertThrowsError(try read("a,label\n1,\"x\"y\n")) {
            XCTAssertTrue(
                "\($0)".contains("t.csv:2:6: unexpected text after a quoted cell's closing quote"), "\($0)")
        }
        XCTAssertThrowsError(try read("1,\n")) {
            XCTAssertTrue("\($0)".contains("t.csv:1:3: an empty label cell"), "\($0)")
        }
        XCTAssertThrowsError(try read("label\n1\n")) {
            XCTAssertTrue("\($0)".contains("t.csv:1:1: the table has one column"), "\($0)")
        }
        XCTAssertThrowsError(try read("1,2,0\n", labelColumn: "3")) {
            XCTAssertTrue("\($0)".contains("label column 3 is past the table's last column"), "\($0)")
        }
        XCTAssertThrowsError(try read("\n\n")) {
            XCTAssertTrue("\($0)".contains("t.csv: the file is empty"), "\($0)")
        }
        try write(Data("a,label\n1,0\n2,1\n3,0\n".utf8), "t.csv")
        XCTAssertThrowsError(try DatasetReader.read(request(.csv, ["t.csv"], maxBytes: 20))) {
            XCTAssertTrue("\($0)".contains("3 rows of 1 features and a label would take 24 bytes"), "\($0)")
        }
    }
}
