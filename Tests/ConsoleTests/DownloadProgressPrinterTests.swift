import Datasets
import Foundation
import XCTest

@testable import Console

final class DownloadProgressPrinterTests: XCTestCase {
    private func progress(_ phase: DownloadProgress.Phase, received: Int64 = 0, expected: Int64? = nil) -> DownloadProgress {
        DownloadProgress(dataset: .mnist, file: "train-images-idx3-ubyte.gz",
                         url: URL(string: "https://example.org/mnist/train-images-idx3-ubyte.gz")!, phase: phase,
                         receivedBytes: received, expectedBytes: expected)
    }

    func testProgressBarOnATerminal() {
        var text = ""
        DownloadProgressPrinter(isTerminal: true) { text += $0 }(progress(.receiving, received: 4_500_000, expected: 9_000_000))
        XCTAssertEqual(text, "\r\u{1B}[Ktrain-images-idx3-ubyte.gz [############------------]  50%  4.5/9.0 MB")
        XCTAssertEqual(DownloadProgressPrinter.bar(DownloadProgress(
            dataset: .mnist, file: "t10k-labels-idx1-ubyte.gz", url: URL(fileURLWithPath: "/x"),
            phase: .verifying, receivedBytes: 4517, expectedBytes: 4517)),
            "t10k-labels-idx1-ubyte.gz [########################] 100%  4.5/4.5 kB")
    }

    /// CI logs get one plain line per file event and no bar, however many bytes arrive.
    func testPlainLinesWithoutATerminal() {
        var text = ""
        let printer = DownloadProgressPrinter(isTerminal: false) { text += $0 }
        printer(progress(.started))
        for received in stride(from: Int64(0), through: 9_000_000, by: 1_000_000) {
            printer(progress(.receiving, received: received, expected: 9_000_000))
        }
        printer(progress(.verifying, received: 9_000_000, expected: 9_000_000))
        printer(progress(.finished, received: 9_000_000, expected: 9_000_000))
        XCTAssertEqual(text, """
            fetching https://example.org/mnist/train-images-idx3-ubyte.gz
            train-images-idx3-ubyte.gz: verified

            """)
    }
}
