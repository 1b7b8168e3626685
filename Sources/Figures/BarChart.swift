/// A bar chart of one final metric across runs, e.g. validation accuracy per learning rate.
///
/// Bars start at zero (so their lengths compare honestly), carry their value above them where it
/// fits, are named under the axis, and take each run's colour from the shared palette. Grouped
/// bars (`groups`: the seeds of each member) stand side by side in their group's colour.
public struct BarChart: Sendable {
    /// The figure title.
    public var title: String
    /// The y-axis title, e.g. "Validation accuracy".
    public var yLabel: String
    /// The bars, left to right. A non-finite value shows "n/a" instead of a bar.
    public var bars: [(label: String, value: Double)]
    /// Error bars, paired with `bars` by position: ± this much around the value (one standard
    /// deviation over seeds), or nil for none. Missing entries mean none.
    public var errors: [Double?] = []
    /// Whether the values are fractions in 0...1 to be labelled as percentages.
    public var percent: Bool
    /// An optional x-axis title, e.g. "Learning rate".
    public var xLabel: String?
    /// A sentence or two printed under the chart.
    public var caption: String?
    /// The figure width in pixels; `nil` sizes it to the number of bars, at most 880.
    public var width: Double?
    /// The figure height in pixels, excluding the caption.
    public var height: Double = 340
    /// Consecutive bars drawn as groups (the seeds of each member), in order; their counts must add
    /// up to the number of bars, else the bars are drawn one by one. A grouped bar's label is its
    /// short name within the group (its seed, "1"), shown under it; the group's label decides the
    /// colour of all its bars and is written once under them.
    public var groups: [BarGroup] = []
    /// What the short names of grouped bars are, written left of them under the axis and before
    /// each in the description ("seed 3 10.0%"); empty for nothing.
    public var groupedBarName = "seed"
    /// Horizontal reference lines (chance level), drawn dotted across the bars and named right of them.
    public var references: [ReferenceLine] = []

    /// The bars of each group, when `groups` partitions the bars; nil when it is empty or does not.
    public var groupRanges: [Range<Int>]? {
        guard !groups.isEmpty, groups.allSatisfy({ $0.count > 0 }),
            groups.reduce(0, { $0 + $1.count }) == bars.count
        else { return nil }
        var start = 0
        return groups.map { group in
            defer { start += group.count }
            return start..<(start + group.count)
        }
    }

    /// The sentence for `<desc>` and alternative text: every bar's value, from the data.
    public func summary() -> String {
        guard !bars.isEmpty else { return "" }
        let value = { (index: Int) in
            let bar = self.bars[index]
            return (bar.value.isFinite ? LineChart.value(bar.value, percent: self.percent) : "n/a")
                + (self.error(at: index).map { " ± " + LineChart.value($0, percent: self.percent) } ?? "")
        }
        let values: [String]
        if let ranges = groupRanges {
            values = zip(groups, ranges).map { group, range in
                group.label + ": "
                    + range.map { index in
                        [shortName(of: index), value(index)].filter { !$0.isEmpty }.joined(separator: " ")
                    }.joined(separator: ", ")
            }
        } else {
            values = bars.indices.map { bars[$0].label + " " + value($0) }
        }
        var text = (yLabel.isEmpty ? "Values" : yLabel) + ": " + values.joined(separator: "; ") + "."
        let lines = references.filter { $0.value.isFinite }.map { reference in
            let value = LineChart.value(reference.value, percent: percent)
            return reference.label.isEmpty ? value : "\(reference.label) \(value)"
        }
        if !lines.isEmpty { text += " Reference lines: " + lines.joined(separator: "; ") + "." }
        return text
    }

    /// A grouped bar's name within its group: "seed 3", or nothing for a bar without a label
    /// (a run that is a group of its own).
    public func shortName(of index: Int) -> String {
        guard bars.indices.contains(index), !bars[index].label.isEmpty else { return "" }
        return groupedBarName.isEmpty ? bars[index].label : groupedBarName + " " + bars[index].label
    }

    /// The error of bar `index` when it has a usable one (finite, positive, on a finite bar).
    public func error(at index: Int) -> Double? {
        guard errors.indices.contains(index), let error = errors[index], error.isFinite, error > 0,
            bars.indices.contains(index), bars[index].value.isFinite
        else { return nil }
        return error
    }

    /// Creates a bar chart.
    public init(title: String, yLabel: String, bars: [(label: String, value: Double)], percent: Bool = false)
    {
        self.title = title
        self.yLabel = yLabel
        self.bars = bars
        self.percent = percent
    }

    /// The chart as a self-contained SVG document; bar labels not yet in `palette` are added
    /// in order, so each keeps the colour it has in the line charts of the same report.
    public func svg(palette: inout Palette) -> String {
        let styles: [SeriesStyle]
        let naturalWidth: Double
        if let ranges = groupRanges {
            // A bar per seed in its group's colour; room for each bar's value where there is some.
            let byLabel = palette.styles(for: groups.map(\.label))
            styles = zip(groups, ranges).flatMap { group, range in
                range.map { _ in byLabel[group.label] ?? Palette.style(at: 0) }
            }
            let widestValue =
                bars.map {
                    TextMetrics.width(
                        of: NumberFormat.valueLabel($0.value, percent: percent),
                        fontSize: FigureTheme.tickLabelSize)
                }.max() ?? 0
            let step = max(30, widestValue + 8)
            naturalWidth =
                150 + Double(bars.count) * step + Double(groups.count - 1) * step * BarLayout.groupGap
        } else {
            let byLabel = palette.styles(for: bars.map(\.label))
            styles = bars.map { byLabel[$0.label] ?? Palette.style(at: 0) }
            naturalWidth = 150 + Double(bars.count) * 84
        }
        let padding = FigureTheme.padding
        let figureWidth = LineChart.sanitized(
            width, fallback: min(880, max(420, naturalWidth)), range: 240...4000)
        let chartHeight = LineChart.sanitized(height, fallback: 340, range: 160...2000)
        let contentWidth = figureWidth - 2 * padding
        let captionLines = TextMetrics.wrapped(
            caption ?? "", toWidth: contentWidth, fontSize: FigureTheme.captionSize)
        let captionHeight = captionLines.isEmpty ? 0 : 6 + Double(captionLines.count) * 17
        let figureHeight = chartHeight + captionHeight

        let layout = BarLayout(
            chart: self,
            frame: Rect(
                x: padding, y: padding + (title.isEmpty ? 0 : 28), width: contentWidth,
                height: chartHeight - 2 * padding - (title.isEmpty ? 0 : 28)))

        var writer = SVGWriter(width: figureWidth, height: figureHeight, title: title, description: summary())
        for style in styles { writer.darkColors[style.color] = style.darkColor }
        writer.figureTitle(title, figureWidth: figureWidth, contentWidth: contentWidth)
        layout.draw(styles: styles, into: &writer)
        for (index, line) in captionLines.enumerated() {
            writer.text(
                line, x: padding, y: chartHeight + 6 + Double(index) * 17,
                [
                    ("class", "caption"), ("font-size", NumberFormat.coordinate(FigureTheme.captionSize)),
                    ("fill", FigureTheme.secondaryText),
                ])
        }
        return writer.finished()
    }
}
