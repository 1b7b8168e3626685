import Foundation

@testable import Figures

/// Sample data shaped like the training curves the pipeline draws.
enum Fixtures {
    static let runLabels = ["lr=0.1", "lr=0.03", "lr=0.01", "lr=0.003", "lr=0.001", "lr=0.0003"]

    /// A decaying loss curve with deterministic noise.
    static func loss(run: Int, count: Int, validation: Bool = false, noise: Double = 0.04) -> [Double] {
        (0..<count).map { index in
            let t = Double(index) / Double(max(count - 1, 1))
            let floor = 0.15 + 0.06 * Double(run) + (validation ? 0.08 : 0)
            let wiggle = noise * Fixtures.noise(index: index, run: run) * (1 - 0.5 * t)
            return floor + (2.3 - floor) * exp(-t * (6 - 0.7 * Double(run))) + wiggle
        }
    }

    /// Deterministic pseudo-random noise in -1...1, like minibatch noise.
    static func noise(index: Int, run: Int) -> Double {
        let hashed = sin(Double(index) * 12.9898 + Double(run) * 78.233) * 43758.5453
        return 2 * (hashed - hashed.rounded(.down)) - 1
    }

    /// A rising accuracy curve (fractions) with deterministic noise.
    static func accuracy(run: Int, count: Int, validation: Bool = false) -> [Double] {
        loss(run: run, count: count, validation: validation, noise: 0.02).map {
            min(1, max(0, 1.02 - $0 / 2.4))
        }
    }

    /// Two panels (loss, accuracy) with train and validation curves for `runs` runs.
    static func trainingChart(runs: Int, epochs: Int = 20, smoothing: Double? = nil) -> LineChart {
        let x = (1...epochs).map(Double.init)
        var loss: [LineSeries] = []
        var accuracy: [LineSeries] = []
        for run in 0..<runs {
            let label = runLabels[run % runLabels.count] + (run >= runLabels.count ? " #\(run)" : "")
            loss.append(LineSeries(label: label, x: x, y: Fixtures.loss(run: run, count: epochs)))
            loss.append(
                LineSeries(
                    label: label, x: x, y: Fixtures.loss(run: run, count: epochs, validation: true),
                    dashed: true))
            accuracy.append(LineSeries(label: label, x: x, y: Fixtures.accuracy(run: run, count: epochs)))
            accuracy.append(
                LineSeries(
                    label: label, x: x,
                    y: Fixtures.accuracy(run: run, count: epochs, validation: true), dashed: true))
        }
        return LineChart(
            title: "MLP on MNIST: learning-rate sweep",
            panels: [
                LinePanel(title: "Loss", xLabel: "Epoch", yLabel: "Cross-entropy loss", series: loss),
                LinePanel(
                    title: "Accuracy", xLabel: "Epoch", yLabel: "Accuracy", series: accuracy, percent: true),
            ],
            smoothing: smoothing)
    }
}
