import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// What the format tests share: a fresh folder per test, requests for files in it, and a check of a
/// reader's error message.
class FormatTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory("formats")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func write(_ data: Data, _ name: String) throws {
        try data.write(to: url(name))
    }

    func request(
        _ format: DatasetFormat, _ files: [String], labels: String? = nil, classNames: [String]? = nil,
        classes: Int? = nil, layout: ChannelLayout? = nil, imagesArray: String? = nil,
        labelsArray: String? = nil,
        labelColumn: String? = nil, maxBytes: Int = ReadRequest.defaultMaxBytes
    ) -> ReadRequest {
        ReadRequest(
            format: format,
            source: SplitSource(
                files: files.map(url), labels: labels.map(url), imagesArray: imagesArray,
                labelsArray: labelsArray,
                labelColumn: labelColumn),
            classNames: classNames, classes: classes, layout: layout, maxBytes: maxBytes)
    }

    /// Asserts that reading fails with a message that contains every one of `parts`.
    func assertFails(
        _ request: ReadRequest, _ parts: String..., file: StaticString = #filePath, line: UInt = #line
    ) {
        assertFails(request, parts, file: file, line: line)
    }

    func assertFails(
        _ request: ReadRequest, _ parts: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try DatasetReader.read(request), file: file, line: line) { error in
            XCTAssertTrue(error is DatasetError, "\(type(of: error)): \(error)", file: file, line: line)
            let message = "\(error)"
            for part in parts {
                XCTAssertTrue(
                    message.contains(part), "'\(part)' is not in: \(message)", file: file, line: line)
            }
        }
    }
}
