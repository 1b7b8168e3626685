import Figures
import Foundation

/// Draws a figure directive from the runs' metrics.
struct FigureRenderer {
    let runs: [String: RunSpec]
    let records: [String: RunRecord]
    /// Each run's style and label for the whole document.
    var identities: FigureIdentities? = nil

    static func title(ofMetric name: String) -> String {
        switch name {
        case "loss": return "Training loss"
        case "acc": return "Training accuracy"
        case "val_loss": return "Validation loss"
        case "val_acc": return "Validation accuracy"
        case "error": return "Training error"
        case "val_error": return "Validation error"
        default: return name
        }
    }

    /// The figure's chart, drawn with the document's identities (or, without them, the palette's own).
    func svg(_ figure: FigureSpec, palette: inout Palette) -> String {
        let shown = figure.runIDs.filter { records[$0] != nil }
        func label(_ id: String) -> String {
            figure.labels[id] ?? identities?.labels[id] ?? runs[id]?.label ?? id
        }
        for id in figure.runIDs {
            if let style = identities?.styles[id] { palette.assign(style, to: label(id)) }
        }
        switch figure.kind {
        case .bar:
            let bars = shown.map { id in
                (
                    label: label(id),
                    value: records[id].flatMap {
                        $0.metrics.diverged == nil ? $0.metrics.final?.value(of: figure.barMetric) : nil
                    } ?? .nan
                )
            }
            let chart = BarChart(
                title: figure.title, yLabel: Self.title(ofMetric: figure.barMetric), bars: bars,
                percent: FigureSpec.family(of: figure.barMetric) != "loss")
            return chart.svg(palette: &palette)
        case .line:
            return lineChart(figure, shown: shown, label: label).svg(palette: &palette)
        }
    }

    /// The description a reader gets instead of the image: the figure's data in a sentence.
    func summary(_ figure: FigureSpec) -> String {
        let shown = figure.runIDs.filter { records[$0] != nil }
        func label(_ id: String) -> String {
            figure.labels[id] ?? identities?.labels[id] ?? runs[id]?.label ?? id
        }
        switch figure.kind {
        case .bar:
            let bars = shown.map {
                (label: label($0), value: records[$0]?.metrics.final?.value(of: figure.barMetric) ?? .nan)
            }
            return BarChart(
                title: figure.title, yLabel: Self.title(ofMetric: figure.barMetric), bars: bars,
                percent: FigureSpec.family(of: figure.barMetric) != "loss"
            ).summary()
        case .line:
            return lineChart(figure, shown: shown, label: label).summary()
        }
    }

    private func lineChart(_ figure: FigureSpec, shown: [String], label: (String) -> String) -> LineChart {
        let panelMetrics = figure.split ? figure.panels.flatMap { $0.map { [$0] } } : figure.panels
        let xLabel: String
        switch figure.x {
        case .epoch: xLabel = "Epoch"
        case .step: xLabel = "Step"
        case .time: xLabel = "Training time (s)"
        }
        let panels = panelMetrics.map { metrics -> LinePanel in
            var series: [LineSeries] = []
            for id in shown {
                guard let record = records[id] else { continue }
                let epochZero = figure.epochZero ?? (runs[id]?.initID != nil)
                for metric in metrics {
                    let (x, y) = points(record, metric: metric, axis: figure.x, epochZero: epochZero)
                    series.append(LineSeries(label: label(id), x: x, y: y, dashed: metric.hasPrefix("val_")))
                }
            }
            let families = Set(metrics.map(FigureSpec.family(of:)))
            let family = families.count == 1 ? families.first : nil
            let title: String
            if metrics.count == 1 {
                title = Self.title(ofMetric: metrics[0])
            } else {
                switch family {
                case "loss": title = "Loss"
                case "acc": title = "Accuracy"
                case "error": title = "Error"
                default: title = metrics.joined(separator: ", ")
                }
            }
            let yLabel =
                family == "loss"
                ? "Loss" : family == "acc" ? "Accuracy" : family == "error" ? "Error (1 − accuracy)" : "Value"
            var panel = LinePanel(
                title: title, xLabel: xLabel, yLabel: yLabel, series: series,
                percent: family == "acc" || family == "error",
                logY: family == "error" || (figure.logY && family == "loss"))
            panel.yRange =
                metrics.compactMap { figure.yRanges[$0] }.first ?? family.flatMap { figure.yRanges[$0] }
                ?? figure.yRanges[""]
            panel.focus = figure.focusIDs.map(label)
            panel.references = figure.references.compactMap { reference in
                guard reference.family == family, let value = value(of: reference) else { return nil }
                return ReferenceLine(value: value, label: reference.label ?? reference.runID.map(label) ?? "")
            }
            return panel
        }
        var chart = LineChart(title: figure.title, panels: panels, smoothing: figure.smoothing)
        chart.directLabels = figure.directLabels
        return chart
    }

    /// A reference line's value: its number, or the run's metric (final, or `@epoch`).
    private func value(of reference: FigureSpec.Reference) -> Double? {
        if let value = reference.value { return value }
        guard let id = reference.runID, let metric = reference.metric, let run = runs[id],
            let record = records[id],
            case .number(let value, _) = RunValue.of([metric], run: run, record: record)
        else { return nil }
        return value
    }

    /// A metric's curve: per epoch, per logged step (validation metrics sit at the end of each epoch), or against
    /// the training time at the end of each epoch. Epoch 0 (before training) is left out unless `epochZero`.
    private func points(_ record: RunRecord, metric: String, axis: FigureSpec.Axis, epochZero: Bool) -> (
        [Double], [Double]
    ) {
        let m = record.metrics
        if axis == .step && (metric == "loss" || metric == "acc" || metric == "error") {
            let y = m.steps.map { metric == "loss" ? $0.loss : metric == "acc" ? $0.acc : 1 - $0.acc }
            return (m.steps.map { Double($0.step) }, y)
        }
        // An evaluation-only run has nothing but epoch 0, so it always shows.
        let keepZero = epochZero || m.trainedEpochs.isEmpty
        let epochs = m.epochs.filter { $0.value(of: metric) != nil && ($0.epoch > 0 || keepZero) }
        var elapsed: [Int: Double] = [:]
        var total = 0.0
        for e in m.epochs.sorted(by: { $0.epoch < $1.epoch }) {
            total += e.trainSeconds
            elapsed[e.epoch] = total
        }
        let x = epochs.map { e -> Double in
            switch axis {
            case .epoch: return Double(e.epoch)
            case .step: return Double(e.epoch * m.stepsPerEpoch)
            case .time: return elapsed[e.epoch] ?? 0
            }
        }
        return (x, epochs.map { $0.value(of: metric) ?? .nan })
    }
}
