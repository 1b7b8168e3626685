/// A figure of one or more line-chart panels side by side, sharing one legend.
///
/// The legend names each run once; when both solid and dashed curves appear it adds a key
/// saying what solid and dashed mean (train and validation by default), rather than
/// doubling every entry.
public struct LineChart: Sendable {
    /// The figure title, drawn at the top.
    public var title: String
    /// The panels, laid out left to right (up to three per row).
    public var panels: [LinePanel]
    /// The EMA weight in `0..<1` for smoothing, or `nil` for none. When set, each curve is
    /// drawn smoothed with its raw values faintly behind it.
    public var smoothing: Double?
    /// A sentence or two printed under the panels.
    public var caption: String?
    /// The figure width in pixels; `nil` picks 880 for two or more panels (the width GitHub
    /// shows README images at) and 640 for one.
    public var width: Double?
    /// The height of one row of panels in pixels.
    public var panelHeight: Double = 300
    /// The most points drawn per curve; denser series are thinned (keeping their endpoints).
    public var maximumPointsPerSeries = 400
    /// What a solid line means, in the legend key.
    public var solidMeaning = "train"
    /// What a dashed line means, in the legend key.
    public var dashedMeaning = "validation"
    /// Whether runs may be named at the ends of their curves instead of in the legend. They are
    /// when one panel has exactly one curve per run and the names fit beside it.
    public var directLabels = true
    /// What the shaded bands mean, as a legend key ("shaded: ±1 std over 3 seeds"); shown when a
    /// series has a band.
    public var bandMeaning = "shaded: spread over seeds"
    /// The text of `<desc>`; `nil` uses `summary()`.
    public var accessibleDescription: String?

    /// Creates a line chart.
    public init(title: String, panels: [LinePanel], smoothing: Double? = nil, caption: String? = nil) {
        self.title = title
        self.panels = panels
        self.smoothing = smoothing
        self.caption = caption
    }

    /// The chart as a self-contained SVG document.
    ///
    /// Run labels not yet in `palette` are added in order of first appearance, so a label
    /// keeps its colour in every figure drawn with the same palette.
    public func svg(palette: inout Palette) -> String {
        let runs = runLabels()
        let styles = palette.styles(for: runs)

        let padding = FigureTheme.padding
        let columns = panels.count <= 3 ? max(panels.count, 1) : (panels.count == 4 ? 2 : 3)
        let rows = max(1, (panels.count + columns - 1) / columns)
        let figureWidth = Self.sanitized(width, fallback: panels.count > 1 ? 880 : 640, range: 320...4000)
        let cellHeight = Self.sanitized(panelHeight, fallback: 300, range: 160...2000)
        let contentWidth = figureWidth - 2 * padding
        let columnGap = 24.0
        let rowGap = 16.0
        let cellWidth = (contentWidth - Double(columns - 1) * columnGap) / Double(columns)

        let labelled = directLabelPanel(runs: runs, cellWidth: cellWidth, cellHeight: cellHeight)
        let legend = Legend(
            entries: legendEntries(runs: labelled == nil ? runs : [], styles: styles),
            availableWidth: contentWidth)
        let captionLines = TextMetrics.wrapped(
            caption ?? "", toWidth: contentWidth, fontSize: FigureTheme.captionSize)
        let titleHeight = title.isEmpty ? 0 : 28.0
        let legendTop = padding + titleHeight
        let panelsTop = legendTop + legend.height + (legend.height > 0 ? 10 : 0)
        let panelsHeight = Double(rows) * cellHeight + Double(rows - 1) * rowGap
        let captionHeight = captionLines.isEmpty ? 0 : 10 + Double(captionLines.count) * 17
        let figureHeight = panelsTop + panelsHeight + captionHeight + padding

        var writer = SVGWriter(
            width: figureWidth, height: figureHeight, title: title,
            description: accessibleDescription ?? summary())
        for style in styles.values { writer.darkColors[style.color] = style.darkColor }
        writer.figureTitle(title, figureWidth: figureWidth, contentWidth: contentWidth)
        legend.draw(top: legendTop, centerX: figureWidth / 2, into: &writer)
        for (index, panel) in panels.enumerated() {
            let cell = Rect(
                x: padding + Double(index % columns) * (cellWidth + columnGap),
                y: panelsTop + Double(index / columns) * (cellHeight + rowGap),
                width: cellWidth, height: cellHeight)
            var renderer = PanelRenderer(
                panel: panel, cell: cell, smoothing: smoothing,
                maximumPoints: max(maximumPointsPerSeries, 2), styles: styles)
            if index == labelled?.panel { renderer.directLabelWidth = labelled?.width ?? 0 }
            renderer.draw(into: &writer)
        }
        if panels.isEmpty {
            writer.text(
                "no data", x: figureWidth / 2, y: panelsTop + cellHeight / 2,
                [("text-anchor", "middle"), ("fill", FigureTheme.secondaryText)])
        }
        for (index, line) in captionLines.enumerated() {
            writer.text(
                line, x: padding, y: panelsTop + panelsHeight + 10 + 13 + Double(index) * 17,
                [
                    ("class", "caption"), ("font-size", NumberFormat.coordinate(FigureTheme.captionSize)),
                    ("fill", FigureTheme.secondaryText),
                ])
        }
        return writer.finished()
    }

    /// Run labels in order of first appearance across all panels.
    func runLabels() -> [String] {
        var seen: Set<String> = []
        var labels: [String] = []
        for series in panels.flatMap(\.series) where seen.insert(series.label).inserted {
            labels.append(series.label)
        }
        return labels
    }

    /// The panel that names the runs at the ends of its curves, and the room the names take;
    /// `nil` when no panel has exactly one curve per run or the names do not fit.
    func directLabelPanel(runs: [String], cellWidth: Double, cellHeight: Double) -> (
        panel: Int, width: Double
    )? {
        guard directLabels, runs.count >= 2 else { return nil }
        let widest =
            runs.map { TextMetrics.width(of: $0, fontSize: PanelRenderer.directLabelSize) }.max() ?? 0
        let width = widest + PanelRenderer.directLabelGap + 4
        guard width <= min(180, cellWidth * 0.38) else { return nil }
        guard Double(runs.count) * PanelRenderer.directLabelSpacing <= cellHeight - 90 else { return nil }
        for index in panels.indices.reversed() {
            let labels = panels[index].series.map(\.label)
            if labels.count == runs.count && Set(labels) == Set(runs) { return (index, width) }
        }
        return nil
    }

    /// One entry per run, then keys for the line styles in use.
    private func legendEntries(runs: [String], styles: [String: SeriesStyle]) -> [LegendEntry] {
        let allSeries = panels.flatMap(\.series)
        let maximumTextWidth = 300.0
        var entries = runs.map { label in
            let onlyDashed = allSeries.allSatisfy { $0.label != label || $0.dashed }
            let style = styles[label] ?? Palette.style(at: 0)
            return LegendEntry(
                text: TextMetrics.truncatedInMiddle(
                    label, toWidth: maximumTextWidth, fontSize: FigureTheme.legendSize),
                swatch: .series(style, dashed: onlyDashed))
        }
        let hasDashed = allSeries.contains { $0.dashed }
        let hasSolid = allSeries.contains { !$0.dashed }
        var keys: [LegendEntry] = []
        if hasDashed && hasSolid {
            keys.append(LegendEntry(text: solidMeaning, swatch: .key(dashed: false, faint: false)))
        }
        if hasDashed {
            keys.append(LegendEntry(text: dashedMeaning, swatch: .key(dashed: true, faint: false)))
        }
        if allSeries.contains(where: { $0.band != nil }) {
            keys.append(LegendEntry(text: bandMeaning, swatch: .band))
        }
        if let weight = smoothing, weight.isFinite, weight > 0, !allSeries.isEmpty {
            keys.append(LegendEntry(text: "unsmoothed", swatch: .key(dashed: false, faint: true)))
        }
        if !keys.isEmpty && !entries.isEmpty { keys[0].leadingGap = 16 }
        entries += keys
        return entries
    }

    /// `value` if it is finite and within `range`, clamped into the range otherwise;
    /// `fallback` when it is missing or not a number.
    static func sanitized(_ value: Double?, fallback: Double, range: ClosedRange<Double>) -> Double {
        guard let value, value.isFinite else { return fallback }
        return min(max(value, range.lowerBound), range.upperBound)
    }
}
