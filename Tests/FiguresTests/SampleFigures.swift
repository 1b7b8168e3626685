import Foundation
import XCTest

@testable import Figures

/// Writes sample figures for looking at, when `FIGURES_SAMPLE_DIR` names a directory.
///
/// Run `FIGURES_SAMPLE_DIR=/tmp/figures swift test --filter SampleFigures`, then convert
/// with `rsvg-convert -o x.png x.svg` and look at the PNGs.
final class SampleFigures: XCTestCase {
    func testWriteSamples() throws {
        guard let directory = ProcessInfo.processInfo.environment["FIGURES_SAMPLE_DIR"] else {
            throw XCTSkip("set FIGURES_SAMPLE_DIR to write sample figures")
        }
        var palette = Palette()
        var samples: [(String, String)] = []
        samples.append(("two-panels-six-runs", Fixtures.trainingChart(runs: 6).svg(palette: &palette)))

        let steps = (0..<5000).map { Double($0) }
        let stepSeries = (0..<3).map { run in
            LineSeries(
                label: Fixtures.runLabels[run], x: steps, y: Fixtures.loss(run: run, count: 5000, noise: 0.25)
            )
        }
        var smoothed = LineChart(
            title: "Training loss per step (EMA 0.9)",
            panels: [LinePanel(title: "Loss", xLabel: "Step", yLabel: "Loss", series: stepSeries)],
            smoothing: 0.9,
            caption: "Curves smoothed with an exponential moving average (weight 0.9); "
                + "the raw values are drawn faintly behind.")
        samples.append(("smoothed-steps", smoothed.svg(palette: &palette)))
        smoothed.panels.append(
            LinePanel(
                title: "Loss (log scale)", xLabel: "Step", yLabel: "Loss", series: stepSeries, logY: true))
        samples.append(("smoothed-two-panels", smoothed.svg(palette: &palette)))

        let x = (1...30).map(Double.init)
        var logSeries: [LineSeries] = []
        for run in 0..<4 {
            let trainScale = Double(3 + run)
            let validationScale = Double(4 + run)
            let train: [Double] = x.map { 2.3 * exp(-$0 / trainScale) + 0.001 }
            let validation: [Double] = x.map { 2.3 * exp(-$0 / validationScale) + 0.01 }
            logSeries.append(LineSeries(label: Fixtures.runLabels[run], x: x, y: train))
            logSeries.append(LineSeries(label: Fixtures.runLabels[run], x: x, y: validation, dashed: true))
        }
        samples.append(
            (
                "log-y",
                LineChart(
                    title: "Loss on a log scale",
                    panels: [
                        LinePanel(
                            title: "Loss", xLabel: "Epoch", yLabel: "Loss", series: logSeries, logY: true)
                    ]
                ).svg(palette: &palette)
            ))

        var bars = BarChart(
            title: "Final validation accuracy by learning rate", yLabel: "Validation accuracy",
            bars: Fixtures.runLabels.enumerated().map { ($1, 0.9 + 0.012 * Double(($0 * 7) % 6)) },
            percent: true)
        bars.xLabel = "Learning rate"
        samples.append(("bars", bars.svg(palette: &palette)))
        var longBars = BarChart(
            title: "Long labels", yLabel: "Loss",
            bars: (0..<10).map { ("optimizer=adam, lr=\($0)e-4", Double($0) * 0.1 - 0.2) })
        longBars.caption = "Ten runs, negative values and long labels."
        samples.append(("bars-long-labels", longBars.svg(palette: &palette)))

        samples.append(
            (
                "edge-cases",
                LineChart(
                    title: "Edge cases",
                    panels: [
                        LinePanel(
                            title: "NaN, ∞ and a single point", xLabel: "Epoch", yLabel: "Loss",
                            series: [
                                LineSeries(
                                    label: "gaps", x: [1, 2, 3, 4, 5, 6, 7, 8],
                                    y: [2, 1.5, .nan, 1.1, .infinity, 0.9, 0.85, 0.8]),
                                LineSeries(label: "single point", x: [4], y: [1.2]),
                                LineSeries(label: "empty", x: [], y: []),
                            ]),
                        LinePanel(
                            title: "All equal", xLabel: "Epoch", yLabel: "Accuracy",
                            series: [
                                LineSeries(label: "flat", x: [0, 1, 2], y: [1, 1, 1], dashed: true)
                            ], percent: true),
                        LinePanel(
                            title: "No data", xLabel: "Step", yLabel: "Loss",
                            series: [
                                LineSeries(label: "all NaN", x: [1, 2], y: [.nan, .nan])
                            ], logY: true),
                    ], caption: "Deliberately broken input must still draw clean axes."
                ).svg(palette: &palette)
            ))

        // The heaviest typical figure: per-step train curves and per-epoch validation curves.
        var dense: [[LineSeries]] = [[], []]
        let epochs = (1...10).map { Double($0) * 500 }
        for run in 0..<6 {
            let label = Fixtures.runLabels[run]
            let validationLoss = Fixtures.loss(run: run, count: 10, validation: true, noise: 0)
            let validationAccuracy = Fixtures.accuracy(run: run, count: 10, validation: true)
            dense[0].append(
                LineSeries(label: label, x: steps, y: Fixtures.loss(run: run, count: 5000, noise: 0.2)))
            dense[0].append(LineSeries(label: label, x: epochs, y: validationLoss, dashed: true))
            dense[1].append(LineSeries(label: label, x: steps, y: Fixtures.accuracy(run: run, count: 5000)))
            dense[1].append(LineSeries(label: label, x: epochs, y: validationAccuracy, dashed: true))
        }
        samples.append(
            (
                "dense-six-runs",
                LineChart(
                    title: "Per-step training, per-epoch validation",
                    panels: [
                        LinePanel(
                            title: "Loss", xLabel: "Step", yLabel: "Loss", series: dense[0], logY: true),
                        LinePanel(
                            title: "Accuracy", xLabel: "Step", yLabel: "Accuracy", series: dense[1],
                            percent: true),
                    ], smoothing: 0.6
                ).svg(palette: &palette)
            ))

        var many = Palette()
        samples.append(("nine-runs-markers", Fixtures.trainingChart(runs: 9).svg(palette: &many)))

        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, svg) in samples {
            try svg.write(toFile: "\(directory)/\(name).svg", atomically: true, encoding: .utf8)
        }
    }
}
