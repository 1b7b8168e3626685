import Figures

/// Draws a figure directive from the runs' metrics.
struct FigureRenderer {
    let runs: [String: RunSpec]
    let records: [String: RunRecord]

    static func title(ofMetric name: String) -> String {
        switch name {
        case "loss": return "Training loss"
        case "acc": return "Training accuracy"
        case "val_loss": return "Validation loss"
        case "val_acc": return "Validation accuracy"
        default: return name
        }
    }

    func svg(_ figure: FigureSpec, palette: inout Palette) -> String {
        let shown = figure.runIDs.filter { records[$0] != nil }
        func label(_ id: String) -> String { figure.labels[id] ?? runs[id]?.label ?? id }
        switch figure.kind {
        case .bar:
            let bars = shown.map { id in
                (label: label(id), value: records[id].flatMap { $0.metrics.diverged == nil ? $0.metrics.final?.value(of: figure.barMetric) : nil } ?? .nan)
            }
            let chart = BarChart(title: figure.title, yLabel: Self.title(ofMetric: figure.barMetric), bars: bars,
                                 percent: figure.barMetric.hasSuffix("acc"))
            return chart.svg(palette: &palette)
        case .line:
            let panels = figure.panels.map { metrics -> LinePanel in
                var series: [LineSeries] = []
                for id in shown {
                    guard let record = records[id] else { continue }
                    for metric in metrics {
                        let (x, y) = points(record, metric: metric, axis: figure.x)
                        series.append(LineSeries(label: label(id), x: x, y: y, dashed: metric.hasPrefix("val_")))
                    }
                }
                let losses = metrics.allSatisfy { $0.hasSuffix("loss") }, accuracies = metrics.allSatisfy { $0.hasSuffix("acc") }
                let title = metrics.count == 1 ? Self.title(ofMetric: metrics[0]) : (losses ? "Loss" : accuracies ? "Accuracy" : metrics.joined(separator: ", "))
                return LinePanel(title: title, xLabel: figure.x == .epoch ? "Epoch" : "Step",
                                 yLabel: losses ? "Loss" : accuracies ? "Accuracy" : "Value", series: series,
                                 percent: accuracies, logY: figure.logY && losses)
            }
            return LineChart(title: figure.title, panels: panels, smoothing: figure.smoothing).svg(palette: &palette)
        }
    }

    /// A metric's curve: per epoch, or per logged step (validation metrics sit at the end of each epoch).
    private func points(_ record: RunRecord, metric: String, axis: FigureSpec.Axis) -> ([Double], [Double]) {
        let m = record.metrics
        if axis == .step && (metric == "loss" || metric == "acc") {
            return (m.steps.map { Double($0.step) }, m.steps.map { metric == "loss" ? $0.loss : $0.acc })
        }
        let epochs = m.epochs.filter { $0.value(of: metric) != nil }
        let x = epochs.map { axis == .step ? Double($0.epoch * m.stepsPerEpoch) : Double($0.epoch) }
        return (x, epochs.map { $0.value(of: metric) ?? .nan })
    }
}
