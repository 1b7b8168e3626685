import Datasets
import Foundation
import Synchronization
import XCTest

@testable import Console
@testable import Engine

final class DownloadProgressPrinterTests: XCTestCase {
    private func progress(_ phase: DownloadProgress.Phase, received: Int64 = 0, expected: Int64? = nil)
        -> DownloadProgress
    {
        DownloadProgress(
            dataset: .mnist, file: "train-images-idx3-ubyte.gz",
            url: URL(string: "https://example.org/mnist/train-images-idx3-ubyte.gz")!, phase: phase,
            receivedBytes: received, expectedBytes: expected)
    }

    func testProgressBarOnATerminal() {
        let text = Captured()
        DownloadProgressPrinter(isTerminal: true, write: text.append)(
            progress(.receiving, received: 4_500_000, expected: 9_000_000))
        XCTAssertEqual(
            text.value, "\r\u{1B}[Ktrain-images-idx3-ubyte.gz [############------------]  50%  4.5/9.0 MB")
        XCTAssertEqual(
            DownloadProgressPrinter.bar(
                DownloadProgress(
                    dataset: .mnist, file: "t10k-labels-idx1-ubyte.gz", url: URL(fileURLWithPath: "/x"),
                    phase: .verifying, receivedBytes: 4517, expectedBytes: 4517)),
            "t10k-labels-idx1-ubyte.gz [########################] 100%  4.5/4.5 kB")
    }

    /// CI logs get one plain line per file event and no bar, however many bytes arrive.
    func testPlainLinesWithoutATerminal() {
        let text = Captured()
        let printer = DownloadProgressPrinter(isTerminal: false, write: text.append)
        printer(progress(.started))
        for received in stride(from: Int64(0), through: 9_000_000, by: 1_000_000) {
            printer(progress(.receiving, received: received, expected: 9_000_000))
        }
        printer(progress(.verifying, received: 9_000_000, expected: 9_000_000))
        printer(progress(.finished, received: 9_000_000, expected: 9_000_000))
        XCTAssertEqual(
            text.value,
            """
            fetching https://example.org/mnist/train-images-idx3-ubyte.gz
            train-images-idx3-ubyte.gz: verified

            """)
    }
}

/// Text written from any thread, collected for a test to read.
final class Captured: Sendable {
    private let text = Mutex("")
    var value: String { text.withLock { $0 } }
    @Sendable func append(_ more: String) { text.withLock { $0 += more } }
}

final class BuildConsoleTests: XCTestCase {
    private func epoch(_ n: Int) -> EpochMetrics {
        EpochMetrics(
            epoch: n, loss: 0.5, acc: 0.8, valLoss: 0.4, valAcc: 0.85, trainSeconds: 2, evalSeconds: 0.1)
    }

    /// Without a terminal (CI logs): one plain line per epoch and per finished run, no escape codes.
    func testPlainLinesWithoutATerminal() {
        let text = Captured()
        let console = BuildConsole(isTerminal: false, write: text.append)
        console.note("cached  q1")
        console.started("q2")
        console.event("q2", .started(epochs: 2, stepsPerEpoch: 10))
        console.event("q2", .step(epoch: 1, step: 5, stepsPerEpoch: 10, loss: 1, acc: 0.5))
        console.event("q2", .epochEnded(epoch(1)))
        console.event("q2", .epochEnded(epoch(2)))
        console.finished("q2", epoch(2))
        console.failed("q3", "diverged")
        let lines = text.value.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 6, text.value)
        XCTAssertEqual(lines[0], "cached  q1")
        XCTAssertEqual(
            lines[1], "q2 epoch 1/2: loss 0.5000 acc 80.00% val_loss 0.4000 val_acc 85.00% (2.0 s)")
        XCTAssertTrue(lines[3].hasPrefix("trained q2: val_acc 85.00% in "), String(lines[3]))
        XCTAssertEqual(lines[4], "failed  q3: diverged")
        XCTAssertFalse(text.value.contains("\u{1B}"))
    }

    /// The whole build: announced with its estimate, then done/total after each run; plain lines in CI.
    func testWholeBuildProgressWithoutATerminal() {
        let text = Captured()
        let console = BuildConsole(isTerminal: false, write: text.append)
        console.buildStarting(trainings: 3, estimate: 120, jobs: 2)
        console.started("a")
        console.finished("a", epoch(1))
        console.failed("b", "boom")
        console.started("c")
        console.ended("c", "diverged", "at epoch 2")
        let lines = text.value.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "training 3 runs: about 1 min 00 s with 2 at once", text.value)
        XCTAssertTrue(
            lines[1].hasPrefix("trained a: val_acc 85.00% in ") && lines[1].contains(" [1/3, about "),
            lines[1])
        XCTAssertTrue(lines[2].hasPrefix("failed  b: boom [2/3, about "), lines[2])
        XCTAssertEqual(lines[3], "diverged c: at epoch 2 [3/3]")
        XCTAssertFalse(text.value.contains("\u{1B}"))

        let unknown = Captured()
        BuildConsole(isTerminal: false, write: unknown.append).buildStarting(
            trainings: 1, estimate: nil, jobs: 1)
        XCTAssertEqual(
            unknown.value,
            "training 1 run: time unknown (no run of the same model and dataset in the cache yet)\n")
    }

    /// On a terminal, a header above the live lines counts the runs done.
    func testWholeBuildHeaderOnATerminal() {
        let text = Captured()
        let console = BuildConsole(isTerminal: true, write: text.append)
        console.buildStarting(trainings: 2, estimate: nil, jobs: 1)
        console.started("a")
        XCTAssertTrue(text.value.contains("[0/2 runs done, "), text.value)
        console.finished("a", epoch(1))
        console.started("b")
        XCTAssertTrue(
            text.value.contains("[1/2 runs done, ") && text.value.contains("left]\nb starting\n"), text.value)
    }

    func testQuietPrintsNothing() {
        let text = Captured()
        let console = BuildConsole(isTerminal: true, quiet: true, write: text.append)
        console.note("x")
        console.started("a")
        console.finished("a", nil)
        XCTAssertEqual(text.value, "")
    }
}
