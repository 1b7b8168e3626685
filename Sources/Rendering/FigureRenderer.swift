import Configuration
import Figures
import Foundation
import Planning
import RunCache

/// Draws a figure directive from the runs' metrics.
struct FigureRenderer {
    public let runs: [String: RunSpec]
    public let records: [String: RunRecord]
    /// Each run's style and label for the whole document.
    var identities: FigureIdentities? = nil
    /// The experiments, for the seed runs of seeded members (drawn as a mean with a band).
    public var groups: [String: ExperimentGroup] = [:]

    private var lookup: RunLookup { RunLookup(runs: runs, groups: groups) }

    /// The runs behind each shown run or seeded member, with their records: those whose runs all finished.
    private func shownUnits(_ figure: FigureSpec) -> [(id: String, runs: [(run: RunSpec, record: RunRecord)])]
    {
        let lookup = self.lookup
        return figure.runIDs.compactMap { id in
            guard
                case .success(let finished) = DocumentRenderer.finished(id, lookup: lookup, records: records)
            else { return nil }
            return (id, finished)
        }
    }

    private func label(_ id: String, in figure: FigureSpec) -> String {
        figure.labels[id] ?? identities?.labels[id] ?? lookup.label(ofUnit: id)
    }

    public static func title(ofMetric name: String) -> String {
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
    public func svg(_ figure: FigureSpec, palette: inout Palette) -> String {
        for id in FigureIdentities.styledIDs(of: figure, runs: runs) {
            if let style = identities?.styles[id] { palette.assign(style, to: label(id, in: figure)) }
        }
        switch figure.kind {
        case .bar: return barChart(figure).svg(palette: &palette)
        case .line: return lineChart(figure).svg(palette: &palette)
        }
    }

    /// The description a reader gets instead of the image: the figure's data in a sentence.
    public func summary(_ figure: FigureSpec) -> String {
        switch figure.kind {
        case .bar: return barChart(figure).summary()
        case .line: return lineChart(figure).summary()
        }
    }

    /// Final values as bars; a seeded member's bar is its mean, with ±1 standard deviation as an
    /// error bar (unless `band: none`). A diverged run (or seed) has no bar. With `seeds: each`
    /// the seed runs of each member stand together in the member's colour, named by their seeds.
    private func barChart(_ figure: FigureSpec) -> BarChart {
        let shown = shownUnits(figure)
        let finalValue = { (unit: (id: String, runs: [(run: RunSpec, record: RunRecord)])) -> Double in
            guard
                case .number(let number, _) = RunValue.of([figure.barMetric], unit: unit.id, runs: unit.runs)
            else { return .nan }
            return number
        }
        let family = FigureSpec.family(of: figure.barMetric)
        var chart: BarChart
        if figure.seedsEach {
            var bars: [(label: String, value: Double)] = []
            var groups: [(id: String, group: BarGroup)] = []
            for unit in shown {
                let member = runs[unit.id]?.member
                let id = member?.id ?? unit.id
                bars.append((label: member.map { String($0.seed) } ?? "", value: finalValue(unit)))
                if groups.last?.id == id {
                    groups[groups.count - 1].group.count += 1
                } else {
                    groups.append((id, BarGroup(label: label(id, in: figure), count: 1)))
                }
            }
            chart = BarChart(
                title: figure.title, yLabel: Self.title(ofMetric: figure.barMetric), bars: bars,
                percent: family == "acc" || family == "error")
            chart.groups = groups.map(\.group)
        } else {
            chart = BarChart(
                title: figure.title, yLabel: Self.title(ofMetric: figure.barMetric),
                bars: shown.map { (label: label($0.id, in: figure), value: finalValue($0)) },
                percent: family == "acc" || family == "error")
        }
        chart.references = figure.references.compactMap { reference in
            guard reference.family == family, let value = value(of: reference) else { return nil }
            return ReferenceLine(
                value: value, label: reference.label ?? reference.runID.map { label($0, in: figure) } ?? "")
        }
        if figure.band != .none {
            chart.errors = shown.map { RunValue.spread(of: [figure.barMetric], unit: $0.id, runs: $0.runs) }
            let seeds = shown.indices.filter { chart.error(at: $0) != nil }.map { shown[$0].runs.count }
            if let fewest = seeds.min(), let most = seeds.max() {
                chart.caption =
                    "Error bars: ±1 std over \(fewest == most ? "\(most)" : "\(fewest)–\(most)") seeds."
            }
        }
        return chart
    }

    private func lineChart(_ figure: FigureSpec) -> LineChart {
        let shown = shownUnits(figure)
        let label = { (id: String) in self.label(id, in: figure) }
        let panelMetrics = figure.split ? figure.panels.flatMap { $0.map { [$0] } } : figure.panels
        let xLabel: String
        switch figure.x {
        case .epoch: xLabel = "Epoch"
        case .step: xLabel = "Step"
        case .time: xLabel = "Training time (s)"
        }
        let panels = panelMetrics.map { metrics -> LinePanel in
            var series: [LineSeries] = []
            for unit in shown {
                let epochZero = figure.epochZero ?? (unit.runs[0].run.initID != nil)
                for metric in metrics {
                    let curves = unit.runs.map {
                        points($0.record, metric: metric, axis: figure.x, epochZero: epochZero)
                    }
                    var line = SeedCurves.mean(curves, band: unit.runs.count > 1 ? figure.band : .none)
                    line.label = label(unit.id)
                    line.dashed = metric.hasPrefix("val_")
                    series.append(line)
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
                ? "Loss"
                : family == "acc"
                    ? "Accuracy" : family == "error" ? "Error (1 − accuracy)" : family ?? "Value"
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
        let seedCounts = shown.map(\.runs.count).filter { $0 > 1 }
        if let fewest = seedCounts.min(), let most = seedCounts.max() {
            chart.bandMeaning = SeedCurves.meaning(
                of: figure.band, seeds: fewest == most ? "\(most)" : "\(fewest)–\(most)")
        }
        return chart
    }

    /// A reference line's value: its number, or the run's metric (final, or `@epoch`).
    private func value(of reference: FigureSpec.Reference) -> Double? {
        if let value = reference.value { return value }
        guard let id = reference.runID, let metric = reference.metric,
            case .success(let finished) = DocumentRenderer.finished(id, lookup: lookup, records: records),
            case .number(let value, _) = RunValue.of([metric], unit: id, runs: finished)
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
            total += e.trainSeconds ?? 0
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
