import Foundation
import XCTest

@testable import Figures

/// Figures compared byte for byte with the SVGs under `Golden/`, so that any change to the drawing
/// shows up as a diff to look at. After an intended change, run with `UPDATE_GOLDEN=1` to rewrite
/// them, render them (`rsvg-convert -o x.png x.svg`) and look before committing.
final class GoldenFigureTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")

    func assertGolden(_ svg: String, _ name: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let url = Self.directory.appendingPathComponent(name + ".svg")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try Data(svg.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path),
            let golden = String(data: data, encoding: .utf8)
        else {
            XCTFail("no golden file \(url.path); run with UPDATE_GOLDEN=1", file: file, line: line)
            return
        }
        if golden != svg {
            let a = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let b = svg.split(separator: "\n", omittingEmptySubsequences: false)
            let first =
                zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            XCTFail(
                "\(name).svg differs from line \(first + 1):\n- \(first < a.count ? a[first] : "")\n+ \(first < b.count ? b[first] : "")",
                file: file, line: line)
        }
    }

    /// A learning-rate sweep: ordered colours, a chance line, a fixed accuracy range that one run leaves.
    static func orderedSweep() -> LineChart {
        var palette = Palette()
        let rates = ["lr 0.001", "lr 0.01", "lr 0.1"]
        for (index, label) in rates.enumerated() { palette.assign(Palette.ordered(index, of: 3), to: label) }
        let x = (0...10).map(Double.init)
        var loss: [LineSeries] = []
        var accuracy: [LineSeries] = []
        for (run, label) in rates.enumerated() {
            let train = Fixtures.loss(run: 2 - run, count: 11)
            loss.append(LineSeries(label: label, x: Array(x.dropFirst()), y: Array(train.dropFirst())))
            loss.append(
                LineSeries(
                    label: label, x: x, y: Fixtures.loss(run: 2 - run, count: 11, validation: true),
                    dashed: true))
            accuracy.append(
                LineSeries(
                    label: label, x: x, y: Fixtures.accuracy(run: 2 - run, count: 11, validation: true),
                    dashed: true))
        }
        var lossPanel = LinePanel(title: "Loss", xLabel: "Epoch", yLabel: "Loss", series: loss)
        lossPanel.references = [ReferenceLine(value: log(10), label: "uniform")]
        var accuracyPanel = LinePanel(
            title: "Validation accuracy", xLabel: "Epoch", yLabel: "Accuracy", series: accuracy, percent: true
        )
        accuracyPanel.yRange = 0.6...0.95
        accuracyPanel.references = [ReferenceLine(value: 0.1, label: "chance")]
        return LineChart(title: "Learning rate", panels: [lossPanel, accuracyPanel])
    }

    func testOrderedSweepWithReferencesAndRange() throws {
        var palette = Palette()
        for (index, label) in ["lr 0.001", "lr 0.01", "lr 0.1"].enumerated() {
            palette.assign(Palette.ordered(index, of: 3), to: label)
        }
        try assertGolden(Self.orderedSweep().svg(palette: &palette), "ordered-sweep")
    }

    /// A fine-tuning comparison: a grey baseline, an epoch-0 point, a focus on the fine-tuned run.
    func testBaselineEpochZeroAndFocus() throws {
        var palette = Palette()
        palette.assign(Palette.baseline, to: "from scratch")
        let scratch = LineSeries(
            label: "from scratch", x: (1...10).map(Double.init),
            y: [0.93, 0.95, 0.96, 0.965, 0.97, 0.972, 0.974, 0.975, 0.976, 0.976], dashed: true)
        let tuned = LineSeries(label: "fine-tuned", x: [0, 1, 2], y: [0.1116, 0.9884, 0.9912], dashed: true)
        var panel = LinePanel(
            title: "Validation accuracy", xLabel: "Epoch", yLabel: "Accuracy", series: [scratch, tuned],
            percent: true)
        panel.focus = ["from scratch"]
        let chart = LineChart(title: "Fine-tuning", panels: [panel])
        let svg = chart.svg(palette: &palette)
        try assertGolden(svg, "baseline-epoch0-focus")
        XCTAssertTrue(svg.contains("fine-tuned 11.16% → 99.12%"), "the description states the epoch-0 value")
    }

    func testBarChart() throws {
        var palette = Palette()
        let chart = BarChart(
            title: "Final accuracy", yLabel: "Validation accuracy",
            bars: [("SGD", 0.8154), ("Adam", 0.8843), ("RMSprop", 0.1)], percent: true)
        try assertGolden(chart.svg(palette: &palette), "bars")
    }

    /// Seeded runs: mean curves with ±1 std bands under them, one band leaving the fixed range.
    func testSeededBands() throws {
        var palette = Palette()
        try assertGolden(BandTests.seededChart().svg(palette: &palette), "seed-bands")
    }
}
