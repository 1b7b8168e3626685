/// A legend laid out in centred rows that wrap to the figure width.
///
/// The legend sits above the panels, outside the plot areas, so it never covers a curve.
struct Legend {
    static let rowHeight = 21.0
    static let swatchLength = 26.0
    static let swatchGap = 6.0
    static let entryGap = 20.0

    private(set) var rows: [[LegendEntry]] = []
    let availableWidth: Double

    /// Flows `entries` into rows no wider than `availableWidth`, keeping the style keys together.
    init(entries: [LegendEntry], availableWidth: Double) {
        self.availableWidth = availableWidth
        var row: [LegendEntry] = []
        var used = 0.0
        for (index, entry) in entries.enumerated() {
            let width = Self.width(of: entry, leading: !row.isEmpty)
            // The style keys (the entries from the first with a leading gap on) stay on one row
            // if they fit on one at all.
            var needed = width
            if entry.leadingGap > 0 {
                needed = entries[index...].enumerated().reduce(0.0) {
                    $0 + Self.width(of: $1.element, leading: $1.offset > 0 || !row.isEmpty)
                }
                if needed > availableWidth { needed = width }
            }
            if !row.isEmpty && used + needed > availableWidth {
                rows.append(row)
                row = [entry]
                used = Self.width(of: entry, leading: false)
            } else {
                row.append(entry)
                used += width
            }
        }
        if !row.isEmpty { rows.append(row) }
    }

    /// The height the legend takes, 0 when it has no entries.
    var height: Double { Double(rows.count) * Self.rowHeight }

    /// Draws the legend with its first row's centre line at `top + rowHeight / 2`,
    /// each row centred on `centerX`.
    func draw(top: Double, centerX: Double, into writer: inout SVGWriter) {
        guard !rows.isEmpty else { return }
        writer.open(
            "g", [("class", "legend"), ("font-size", NumberFormat.coordinate(FigureTheme.legendSize))])
        for (rowIndex, row) in rows.enumerated() {
            let rowWidth = row.enumerated().reduce(0.0) {
                $0 + Self.width(of: $1.element, leading: $1.offset > 0)
            }
            var x = centerX - rowWidth / 2
            let middle = top + (Double(rowIndex) + 0.5) * Self.rowHeight
            for (index, entry) in row.enumerated() {
                if index > 0 { x += Self.entryGap + entry.leadingGap }
                drawSwatch(entry.swatch, from: x, middle: middle, into: &writer)
                x += Self.swatchLength + Self.swatchGap
                let color: String
                switch entry.swatch {
                case .key, .band: color = FigureTheme.secondaryText
                case .series, .block: color = FigureTheme.text
                }
                writer.text(entry.text, x: x, y: middle + FigureTheme.legendSize * 0.35, [("fill", color)])
                x += TextMetrics.width(of: entry.text, fontSize: FigureTheme.legendSize)
            }
        }
        writer.close("g")
    }

    private func drawSwatch(
        _ swatch: LegendEntry.Swatch, from x: Double, middle: Double, into writer: inout SVGWriter
    ) {
        let f = NumberFormat.coordinate
        let line: [(String, String)] = [
            ("x1", f(x)), ("y1", f(middle)), ("x2", f(x + Self.swatchLength)), ("y2", f(middle)),
        ]
        switch swatch {
        case .series(let style, let dashed):
            var attributes = line + [("stroke", style.color), ("stroke-width", "2.5")]
            if dashed { attributes.append(("stroke-dasharray", FigureTheme.dashPattern)) }
            writer.element("line", attributes)
            style.marker.draw(
                at: Point(x: x + Self.swatchLength / 2, y: middle), color: style.color, into: &writer)
        case .key(let dashed, let faint):
            var attributes = line + [("stroke", FigureTheme.keyLine), ("stroke-width", "1.5")]
            if dashed { attributes.append(("stroke-dasharray", FigureTheme.dashPattern)) }
            if faint { attributes.append(("stroke-opacity", "0.5")) }
            writer.element("line", attributes)
        case .band:
            writer.element(
                "rect",
                [
                    ("x", f(x + 1)), ("y", f(middle - 6)), ("width", f(Self.swatchLength - 2)),
                    ("height", "12"),
                    ("fill", FigureTheme.keyLine),
                    ("fill-opacity", NumberFormat.fixed(FigureTheme.bandOpacity, decimals: 2)),
                ])
            writer.element(
                "line", line + [("stroke", FigureTheme.keyLine), ("stroke-width", "1.5")])
        case .block(let style):
            writer.element(
                "rect",
                [
                    ("x", f(x + 6)), ("y", f(middle - 7)), ("width", "14"), ("height", "14"),
                    ("fill", style.color),
                ])
        }
    }

    private static func width(of entry: LegendEntry, leading: Bool) -> Double {
        (leading ? entryGap + entry.leadingGap : 0) + swatchLength + swatchGap
            + TextMetrics.width(of: entry.text, fontSize: FigureTheme.legendSize)
    }
}
