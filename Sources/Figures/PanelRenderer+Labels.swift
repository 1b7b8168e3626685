/// Reference lines and labels at the ends of curves.
extension PanelRenderer {
    static let directLabelSize = 12.0
    /// Vertical distance between the centres of two direct labels.
    static let directLabelSpacing = 14.0
    /// Gap between a curve's end and its label.
    static let directLabelGap = 8.0

    /// Draws each reference line within the y range as a dotted line across the plot, its
    /// label at the right end just above it.
    /// One outside the range is named in the corner beyond which it lies (left, where curves
    /// usually start out of the way), with its value and an arrow
    /// ("chance 10% ↓"), so the reader knows where it is without the axis being stretched to it.
    func drawReferences(plot: Rect, yAxis: AxisScale, into writer: inout SVGWriter) {
        var drawable: [(ReferenceLine, Double)] = []
        var beyond: [(ReferenceLine, above: Bool)] = []
        for reference in panel.references {
            guard let fraction = yAxis.fraction(of: reference.value) else { continue }
            if (-1e-9...(1 + 1e-9)).contains(fraction) {
                drawable.append((reference, plot.maxY - fraction * plot.height))
            } else {
                beyond.append((reference, fraction > 1))
            }
        }
        let f = NumberFormat.coordinate
        if !beyond.isEmpty {
            writer.open(
                "g",
                [
                    ("class", "reference-notes"), ("fill", FigureTheme.reference), ("font-size", "11"),
                    ("stroke", FigureTheme.background), ("stroke-width", "3"),
                    ("paint-order", "stroke"),
                ])
            var offsets = (above: 0.0, below: 0.0)
            for (reference, above) in beyond {
                let value = NumberFormat.valueLabel(reference.value, percent: panel.percent)
                let text = TextMetrics.truncated(
                    "\(reference.label) \(value) \(above ? "↑" : "↓")", toWidth: plot.width / 2, fontSize: 11)
                let y = above ? plot.y + 12 + offsets.above : plot.maxY - 5 - offsets.below
                if above { offsets.above += 13 } else { offsets.below += 13 }
                writer.text(text, x: plot.x + 4, y: y)
            }
            writer.close("g")
        }
        guard !drawable.isEmpty else { return }
        writer.open(
            "g",
            [
                ("class", "references"), ("stroke", FigureTheme.reference), ("stroke-width", "1.3"),
                ("stroke-dasharray", "1.5 3"), ("fill", "none"),
            ])
        for (_, y) in drawable {
            writer.element("path", [("d", "M\(f(plot.x)) \(f(y))H\(f(plot.maxX))")])
        }
        writer.close("g")
        writer.open(
            "g",
            [
                ("class", "reference-labels"), ("fill", FigureTheme.reference), ("font-size", "11"),
                ("text-anchor", "end"), ("stroke", FigureTheme.background), ("stroke-width", "3"),
                ("paint-order", "stroke"),
            ])
        for (reference, y) in drawable {
            // Below the line when it runs along the top of the plot, above it otherwise.
            let textY = y - plot.y < 14 ? y + 12 : y - 4
            let text = TextMetrics.truncated(reference.label, toWidth: plot.width / 2, fontSize: 11)
            writer.text(text, x: plot.maxX - 4, y: textY)
        }
        writer.close("g")
    }

    /// Draws each label's name right of its curve's end, in its colour, moved apart vertically
    /// where ends are close, with a thin leader when a label had to move.
    func drawDirectLabels(_ ends: [(label: String, end: Point)], plot: Rect, into writer: inout SVGWriter) {
        guard !ends.isEmpty else { return }
        let f = NumberFormat.coordinate
        // Curves that reach the right edge are named beside it, spread apart; one that stops
        // earlier (a shorter run) is named just after its last point.
        let atEdge = ends.filter { $0.end.x >= plot.maxX - 1 }.sorted { $0.end.y < $1.end.y }
        let early = ends.filter { $0.end.x < plot.maxX - 1 }
        let placed =
            Self.spreadLabels(
                atEdge.map(\.end.y), spacing: Self.directLabelSpacing, top: plot.y + 4, bottom: plot.maxY - 4)
            ?? atEdge.map(\.end.y)
        let x = plot.maxX + Self.directLabelGap
        writer.open("g", [("class", "direct-labels"), ("font-size", f(Self.directLabelSize))])
        for (index, entry) in atEdge.enumerated() {
            let style = style(for: entry.label)
            let y = placed[index]
            if abs(y - entry.end.y) > 1.5 {
                writer.element(
                    "path",
                    [
                        ("d", "M\(f(entry.end.x + 3)) \(f(entry.end.y))L\(f(x - 2)) \(f(y))"),
                        ("stroke", style.color), ("stroke-width", "0.8"), ("fill", "none"),
                    ])
            }
            let text = TextMetrics.truncatedInMiddle(
                entry.label, toWidth: directLabelWidth - Self.directLabelGap, fontSize: Self.directLabelSize)
            writer.text(text, x: x, y: y + Self.directLabelSize * 0.35, [("fill", style.color)])
        }
        for entry in early {
            let style = style(for: entry.label)
            let text = TextMetrics.truncatedInMiddle(
                entry.label, toWidth: plot.maxX + directLabelWidth - entry.end.x - Self.directLabelGap,
                fontSize: Self.directLabelSize)
            // Below the point when it sits on the top edge, beside it otherwise.
            let y = entry.end.y - plot.y < 10 ? entry.end.y + 14 : entry.end.y + Self.directLabelSize * 0.35
            writer.text(
                text, x: entry.end.x + 7, y: y,
                [
                    ("fill", style.color), ("stroke", FigureTheme.background), ("stroke-width", "3"),
                    ("paint-order", "stroke"),
                ])
        }
        writer.close("g")
    }

    /// Label centres as close as possible to `anchors` (ascending) with at least `spacing` between
    /// neighbours, all within `top...bottom`; `nil` when they do not fit.
    static func spreadLabels(_ anchors: [Double], spacing: Double, top: Double, bottom: Double) -> [Double]? {
        guard !anchors.isEmpty else { return [] }
        guard Double(anchors.count - 1) * spacing <= bottom - top else { return nil }
        // Push down from the top, then up from the bottom; the result keeps the order and spacing.
        var placed = anchors.map { min(max($0, top), bottom) }
        for index in placed.indices.dropFirst() {
            placed[index] = max(placed[index], placed[index - 1] + spacing)
        }
        if let last = placed.last, last > bottom {
            placed[placed.count - 1] = bottom
            for index in placed.indices.dropLast().reversed() {
                placed[index] = min(placed[index], placed[index + 1] - spacing)
            }
        }
        // Centre each group of touching labels on its anchors, where that stays in bounds.
        var start = 0
        while start < placed.count {
            var end = start
            while end + 1 < placed.count && placed[end + 1] - placed[end] <= spacing + 1e-9 { end += 1 }
            let shift = (start...end).reduce(0.0) { $0 + anchors[$1] - placed[$1] } / Double(end - start + 1)
            let low = (start > 0 ? placed[start - 1] + spacing : top) - placed[start]
            let high = (end + 1 < placed.count ? placed[end + 1] - spacing : bottom) - placed[end]
            let move = min(max(shift, low), high)
            if low <= high { for index in start...end { placed[index] += move } }
            start = end + 1
        }
        return placed
    }
}
