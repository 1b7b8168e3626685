import Foundation

/// Draws one `LinePanel` (axes, grid, ticks, titles and curves) into a cell of a figure.
struct PanelRenderer {
    let panel: LinePanel
    /// The cell the panel may use, including its titles and tick labels.
    let cell: Rect
    /// The EMA weight, or `nil` for raw curves only.
    let smoothing: Double?
    /// The most points drawn per curve; denser curves are thinned.
    let maximumPoints: Int
    /// The style of each run label.
    let styles: [String: SeriesStyle]
    /// Room kept right of the plot for labels at the curves' ends; 0 for none.
    var directLabelWidth = 0.0

    private static let tickLength = 4.0
    private static let titleBand = 26.0
    private static let bottomBand = 44.0

    /// Draws the panel.
    func draw(into writer: inout SVGWriter) {
        let xValues = panel.series.flatMap { $0.x.prefix(min($0.x.count, $0.y.count)) }
        let yValues = yDomain()
        let wholeNumbers = xValues.allSatisfy { !$0.isFinite || $0 == $0.rounded() }

        let top = cell.y + (panel.title.isEmpty ? 8 : Self.titleBand)
        let bottom = cell.maxY - (panel.xLabel.isEmpty ? Self.bottomBand - 18 : Self.bottomBand)
        let yAxis = AxisScale(
            values: yValues, logarithmic: panel.logY, percent: panel.percent,
            targetCount: max(3, min(6, Int((bottom - top) / 45))))
        let yLabels = yAxis.labels
        let yLabelWidth =
            yLabels.map { TextMetrics.width(of: $0, fontSize: FigureTheme.tickLabelSize) }.max() ?? 0
        let left = cell.x + (panel.yLabel.isEmpty ? 0 : 20) + yLabelWidth + Self.tickLength + 5
        let (xAxis, xLabels) = fittingXAxis(values: xValues, wholeNumbers: wholeNumbers, left: left)
        let lastLabelWidth = TextMetrics.width(of: xLabels.last ?? "", fontSize: FigureTheme.tickLabelSize)
        let right = cell.maxX - max(6, lastLabelWidth / 2 + 2, directLabelWidth)
        let plot = Rect(x: left, y: top, width: max(right - left, 10), height: max(bottom - top, 10))

        writer.open("g", [("class", "panel")])
        drawFrame(plot: plot, xAxis: xAxis, xLabels: xLabels, yAxis: yAxis, yLabels: yLabels, into: &writer)
        drawTitles(plot: plot, into: &writer)
        drawBands(plot: plot, xAxis: xAxis, yAxis: yAxis, into: &writer)
        drawReferences(plot: plot, yAxis: yAxis, into: &writer)
        let ends = drawSeries(plot: plot, xAxis: xAxis, yAxis: yAxis, into: &writer)
        if directLabelWidth > 0 { drawDirectLabels(ends, plot: plot, into: &writer) }
        if ends.isEmpty {
            writer.text(
                "no data", x: plot.midX, y: plot.midY,
                [
                    ("text-anchor", "middle"), ("fill", FigureTheme.secondaryText),
                    ("font-size", NumberFormat.coordinate(FigureTheme.axisTitleSize)),
                ])
        }
        writer.close("g")
    }

    /// The values the y axis must enclose: the fixed range, else the focused series, else every
    /// series and reference line.
    func yDomain() -> [Double] {
        // A fixed range on a log axis keeps only its positive limits; with fewer than two the data decide.
        if let range = panel.yRange, !panel.logY || range.lowerBound > 0 {
            return [range.lowerBound, range.upperBound]
        }
        // A band's edges count too: the axis encloses the spread, not only the mean.
        let values = { (series: [LineSeries]) in
            series.flatMap { series -> [Double] in
                let count = min(series.x.count, series.y.count)
                guard let band = series.band else { return Array(series.y.prefix(count)) }
                return Array(series.y.prefix(count)) + band.lower.prefix(count) + band.upper.prefix(count)
            }
        }
        if !panel.focus.isEmpty {
            let focused = values(panel.series.filter { panel.focus.contains($0.label) })
            if focused.contains(where: { $0.isFinite && (!panel.logY || $0 > 0) }) { return focused }
        }
        return values(panel.series) + panel.references.map(\.value)
    }

    /// The x axis with as many ticks as fit without their labels colliding.
    private func fittingXAxis(values: [Double], wholeNumbers: Bool, left: Double) -> (AxisScale, [String]) {
        let estimatedWidth = cell.maxX - 12 - left
        var target = max(5, min(8, Int(estimatedWidth / 70)))
        while true {
            let axis = AxisScale(
                values: values, logarithmic: false, percent: false, wholeNumbers: wholeNumbers,
                targetCount: target)
            let labels = axis.labels
            let widths = labels.map { TextMetrics.width(of: $0, fontSize: FigureTheme.tickLabelSize) }
            let spacing = estimatedWidth / Double(max(labels.count - 1, 1))
            let widest = widths.max() ?? 0
            if target <= 2 || spacing >= widest + 10 { return (axis, labels) }
            target -= 1
        }
    }

    private func drawFrame(
        plot: Rect, xAxis: AxisScale, xLabels: [String], yAxis: AxisScale, yLabels: [String],
        into writer: inout SVGWriter
    ) {
        let f = NumberFormat.coordinate
        let crisp = { (value: Double) in (value - 0.5).rounded() + 0.5 }
        var grid = ""
        var ticks = ""
        for value in yAxis.ticks.values {
            guard let fraction = yAxis.fraction(of: value) else { continue }
            let y = crisp(plot.maxY - fraction * plot.height)
            grid += "M\(f(plot.x)) \(f(y))H\(f(plot.maxX))"
            ticks += "M\(f(plot.x - Self.tickLength)) \(f(y))H\(f(plot.x))"
        }
        for value in xAxis.ticks.values {
            guard let fraction = xAxis.fraction(of: value) else { continue }
            let x = crisp(plot.x + fraction * plot.width)
            grid += "M\(f(x)) \(f(plot.y))V\(f(plot.maxY))"
            ticks += "M\(f(x)) \(f(plot.maxY))V\(f(plot.maxY + Self.tickLength))"
        }
        writer.element(
            "path", [("class", "grid"), ("d", grid), ("stroke", FigureTheme.grid), ("fill", "none")])
        let spine = "M\(f(crisp(plot.x))) \(f(plot.y))V\(f(crisp(plot.maxY)))H\(f(plot.maxX))"
        writer.element(
            "path", [("class", "axis"), ("d", spine + ticks), ("stroke", FigureTheme.axis), ("fill", "none")])

        writer.open(
            "g",
            [
                ("class", "tick-labels"), ("fill", FigureTheme.secondaryText),
                ("font-size", f(FigureTheme.tickLabelSize)),
            ])
        for (value, label) in zip(yAxis.ticks.values, yLabels) {
            guard let fraction = yAxis.fraction(of: value) else { continue }
            let y = plot.maxY - fraction * plot.height
            writer.text(label, x: plot.x - Self.tickLength - 3, y: y + 4, [("text-anchor", "end")])
        }
        for (value, label) in zip(xAxis.ticks.values, xLabels) {
            guard let fraction = xAxis.fraction(of: value) else { continue }
            let x = plot.x + fraction * plot.width
            writer.text(label, x: x, y: plot.maxY + Self.tickLength + 13, [("text-anchor", "middle")])
        }
        writer.close("g")
    }

    private func drawTitles(plot: Rect, into writer: inout SVGWriter) {
        let f = NumberFormat.coordinate
        if !panel.title.isEmpty {
            let title = TextMetrics.truncated(
                panel.title, toWidth: cell.width, fontSize: FigureTheme.panelTitleSize, bold: true)
            writer.text(
                title, x: plot.midX, y: cell.y + 15,
                [
                    ("text-anchor", "middle"), ("font-size", f(FigureTheme.panelTitleSize)),
                    ("font-weight", "600"), ("fill", FigureTheme.text),
                ])
        }
        let axisTitle: [(String, String)] = [
            ("text-anchor", "middle"), ("font-size", f(FigureTheme.axisTitleSize)),
            ("fill", FigureTheme.text),
        ]
        if !panel.xLabel.isEmpty {
            let label = TextMetrics.truncated(
                panel.xLabel, toWidth: plot.width, fontSize: FigureTheme.axisTitleSize)
            writer.text(label, x: plot.midX, y: plot.maxY + 36, axisTitle)
        }
        if !panel.yLabel.isEmpty {
            let label = TextMetrics.truncated(
                panel.yLabel, toWidth: plot.height, fontSize: FigureTheme.axisTitleSize)
            let x = cell.x + 12
            writer.text(
                label, x: x, y: plot.midY, axisTitle + [("transform", "rotate(-90 \(f(x)) \(f(plot.midY)))")])
        }
    }
}
