import Foundation

/// The axes, bars and labels of a `BarChart`, placed within a frame.
struct BarLayout {
    let chart: BarChart
    /// The area for the axes with their tick labels and titles.
    let frame: Rect

    static let labelSize = 12.5
    private static let maximumLabelWidth = 170.0
    private static let rotation = 35.0

    /// Draws the chart's axes, bars and labels with the given style per bar.
    func draw(styles: [SeriesStyle], into writer: inout SVGWriter) {
        if let ranges = chart.groupRanges {
            drawGroups(ranges, styles: styles, into: &writer)
            return
        }
        let axis = axisScale()
        let tickLabels = axis.labels
        let tickWidth =
            tickLabels.map { TextMetrics.width(of: $0, fontSize: FigureTheme.tickLabelSize) }.max() ?? 0
        var left = frame.x + (chart.yLabel.isEmpty ? 0 : 20) + tickWidth + 9
        let right = frame.maxX - 4 - referenceRoom
        let count = Double(max(chart.bars.count, 1))
        let names = chart.bars.map {
            TextMetrics.truncatedInMiddle($0.label, toWidth: Self.maximumLabelWidth, fontSize: Self.labelSize)
        }
        let widest = names.map { TextMetrics.width(of: $0, fontSize: Self.labelSize) }.max() ?? 0
        let rotated = widest > (right - left) / count - 8
        let angle = Self.rotation * Double.pi / 180
        if rotated {
            // A slanted name ends under its bar and reaches left; keep the first one in the figure.
            let reach = widest * cos(angle) + 4
            let firstCenter = { (left: Double) in left + (right - left) / count / 2 }
            if firstCenter(left) - reach < frame.x - FigureTheme.padding / 2 {
                // Solve left + (right - left) / (2·count) = x - padding/2 + reach for left.
                let target = frame.x - FigureTheme.padding / 2 + reach
                let share = 1 / (2 * count)
                left = max(left, (target - right * share) / (1 - share))
            }
        }
        let plotWidth = max(right - left, 10)
        let slot = plotWidth / count
        let labelBand = rotated ? 12 + widest * sin(angle) + 8 : 22
        let xTitleBand = (chart.xLabel ?? "").isEmpty ? 0.0 : 20
        let plot = Rect(
            x: left, y: frame.y + 16, width: plotWidth,
            height: max(frame.height - 16 - labelBand - xTitleBand, 10))
        let baseline = drawAxes(axis, tickLabels: tickLabels, plot: plot, into: &writer)

        // Bars, values and names.
        let f = NumberFormat.coordinate
        let barWidth = min(slot * 0.62, 72)
        for (index, bar) in chart.bars.enumerated() {
            let center = plot.x + (Double(index) + 0.5) * slot
            let style = styles.indices.contains(index) ? styles[index] : Palette.style(at: 0)
            drawBar(
                index, center: center, width: barWidth, room: slot, style: style, axis: axis, plot: plot,
                baseline: baseline, name: bar.label, into: &writer)
            let nameY = plot.maxY + 17
            if rotated {
                writer.text(
                    names[index], x: center, y: nameY,
                    [
                        ("text-anchor", "end"), ("font-size", f(Self.labelSize)), ("fill", FigureTheme.text),
                        ("transform", "rotate(-\(f(Self.rotation)) \(f(center)) \(f(nameY - 4)))"),
                    ])
            } else {
                writer.text(
                    names[index], x: center, y: nameY,
                    [("text-anchor", "middle"), ("font-size", f(Self.labelSize)), ("fill", FigureTheme.text)])
            }
        }
        drawReferences(axis: axis, plot: plot, into: &writer)
        if chart.bars.isEmpty {
            writer.text(
                "no data", x: plot.midX, y: plot.midY,
                [("text-anchor", "middle"), ("fill", FigureTheme.secondaryText)])
        }
        drawTitles(plot: plot, into: &writer)
    }

    /// The y axis: from zero, through every bar (with its error bar) and every reference line.
    func axisScale() -> AxisScale {
        let values =
            chart.bars.map(\.value)
            + chart.bars.indices.flatMap { index -> [Double] in
                chart.error(at: index).map { [chart.bars[index].value - $0, chart.bars[index].value + $0] }
                    ?? []
            } + chart.references.map(\.value)
        return AxisScale(values: values, logarithmic: false, percent: chart.percent, includeZero: true)
    }

    /// The y position of `value` in `plot`.
    static func y(of value: Double, axis: AxisScale, plot: Rect) -> Double {
        plot.maxY - (axis.fraction(of: value) ?? 0) * plot.height
    }

    /// Draws the tick labels, grid and axes of `plot`; returns the y of the zero line.
    func drawAxes(_ axis: AxisScale, tickLabels: [String], plot: Rect, into writer: inout SVGWriter) -> Double
    {
        let f = NumberFormat.coordinate
        let yOf = { (value: Double) in Self.y(of: value, axis: axis, plot: plot) }
        let crisp = { (value: Double) in (value - 0.5).rounded() + 0.5 }
        var grid = ""
        writer.open(
            "g",
            [
                ("class", "tick-labels"), ("fill", FigureTheme.secondaryText),
                ("font-size", f(FigureTheme.tickLabelSize)),
            ])
        for (value, label) in zip(axis.ticks.values, tickLabels) {
            let y = crisp(yOf(value))
            grid += "M\(f(plot.x - 4)) \(f(y))H\(f(plot.maxX))"
            writer.text(label, x: plot.x - 7, y: y + 4, [("text-anchor", "end")])
        }
        writer.close("g")
        writer.element(
            "path", [("class", "grid"), ("d", grid), ("stroke", FigureTheme.grid), ("fill", "none")])
        let baseline = crisp(yOf(0))
        writer.element(
            "path",
            [
                ("class", "axis"),
                (
                    "d",
                    "M\(f(crisp(plot.x))) \(f(plot.y))V\(f(crisp(plot.maxY)))"
                        + "M\(f(plot.x)) \(f(baseline))H\(f(plot.maxX))"
                ),
                ("stroke", FigureTheme.axis), ("fill", "none"),
            ])
        return baseline
    }

    /// Draws bar `index` centred at `center`: its rectangle, marker (unless not `showsMarker`) and
    /// error bar, and its value
    /// above it when the value is no wider than `room` (the distance between bar centres) less 4,
    /// so that neighbouring values never touch. A missing value reads "n/a" (or "×" where that
    /// does not fit either).
    func drawBar(
        _ index: Int, center: Double, width barWidth: Double, room: Double, style: SeriesStyle,
        axis: AxisScale, plot: Rect, baseline: Double, name: String, showsMarker: Bool = true,
        into writer: inout SVGWriter
    ) {
        let f = NumberFormat.coordinate
        let yOf = { (value: Double) in Self.y(of: value, axis: axis, plot: plot) }
        let bar = chart.bars[index]
        let valueText = NumberFormat.valueLabel(bar.value, percent: chart.percent)
        let fits = TextMetrics.width(of: valueText, fontSize: FigureTheme.tickLabelSize) <= room - 4
        let valueAttributes: [(String, String)] = [
            ("class", "value"), ("text-anchor", "middle"), ("font-size", f(FigureTheme.tickLabelSize)),
            ("fill", bar.value.isFinite ? FigureTheme.text : FigureTheme.secondaryText),
        ]
        guard bar.value.isFinite else {
            writer.text(
                fits || chart.groupRanges == nil ? valueText : "×", x: center, y: baseline - 5,
                valueAttributes)
            return
        }
        let top = min(yOf(bar.value), baseline)
        let bottom = max(yOf(bar.value), baseline)
        writer.element(
            "rect",
            [
                ("class", "bar"), ("data-label", name), ("x", f(center - barWidth / 2)),
                ("y", f(top)),
                ("width", f(barWidth)), ("height", f(max(bottom - top, 0))), ("fill", style.color),
            ])
        if showsMarker && style.marker != .none && bottom - top > 18 && barWidth >= 11 {
            // Clear of an error bar's whisker, which reaches down from the top.
            let markerY =
                chart.error(at: index) != nil
                ? (bar.value >= 0 ? bottom - 10 : top + 10)
                : (bar.value >= 0 ? top + 10 : bottom - 10)
            style.marker.draw(at: Point(x: center, y: markerY), color: "#FFFFFF", into: &writer)
        }
        var labelTop = bar.value >= 0 ? top : baseline
        if let error = chart.error(at: index) {
            // ±1 standard deviation: a whisker with caps, in the text colour over the bar.
            let high = yOf(bar.value + error)
            let low = yOf(bar.value - error)
            let cap = min(barWidth * 0.3, 10)
            let whisker =
                "M\(f(center)) \(f(high))V\(f(low))M\(f(center - cap)) \(f(high))H\(f(center + cap))"
                + "M\(f(center - cap)) \(f(low))H\(f(center + cap))"
            // A halo in the background colour keeps the whisker visible over a dark bar.
            writer.element(
                "path",
                [
                    ("class", "error-bar-halo"), ("d", whisker), ("stroke", FigureTheme.background),
                    ("stroke-width", "3.5"), ("stroke-opacity", "0.8"), ("fill", "none"),
                ])
            writer.element(
                "path",
                [
                    ("class", "error-bar"), ("data-label", name), ("d", whisker),
                    ("stroke", FigureTheme.text), ("stroke-width", "1.5"), ("fill", "none"),
                ])
            if bar.value >= 0 { labelTop = min(labelTop, high) }
        }
        // A negative bar's value goes above the zero line, clear of the names below.
        if fits { writer.text(valueText, x: center, y: labelTop - 5, valueAttributes) }
    }

    func drawTitles(plot: Rect, into writer: inout SVGWriter) {
        let f = NumberFormat.coordinate
        let attributes: [(String, String)] = [
            ("text-anchor", "middle"), ("font-size", f(FigureTheme.axisTitleSize)),
            ("fill", FigureTheme.text),
        ]
        if let xLabel = chart.xLabel, !xLabel.isEmpty {
            writer.text(
                TextMetrics.truncated(xLabel, toWidth: plot.width, fontSize: FigureTheme.axisTitleSize),
                x: plot.midX, y: frame.maxY - 2, attributes)
        }
        if !chart.yLabel.isEmpty {
            let x = frame.x + 12
            writer.text(
                TextMetrics.truncated(
                    chart.yLabel, toWidth: plot.height, fontSize: FigureTheme.axisTitleSize),
                x: x, y: plot.midY, attributes + [("transform", "rotate(-90 \(f(x)) \(f(plot.midY)))")])
        }
    }
}
