/// Reference lines (chance level) on a bar chart.
extension BarLayout {
    static let referenceLabelSize = 11.0
    private static let maximumReferenceLabelWidth = 120.0

    /// The references that can be drawn: finite values (the axis reaches every one of them).
    var drawableReferences: [ReferenceLine] { chart.references.filter { $0.value.isFinite } }

    /// A reference's name: its label, or its value when it has none.
    func referenceText(_ reference: ReferenceLine) -> String {
        let text =
            reference.label.isEmpty
            ? NumberFormat.valueLabel(reference.value, percent: chart.percent) : reference.label
        return TextMetrics.truncated(
            text, toWidth: Self.maximumReferenceLabelWidth, fontSize: Self.referenceLabelSize)
    }

    /// The width kept free right of the plot for the references' names (none without references).
    var referenceRoom: Double {
        let widths = drawableReferences.map {
            TextMetrics.width(of: referenceText($0), fontSize: Self.referenceLabelSize)
        }
        return widths.max().map { $0 + 8 } ?? 0
    }

    /// Draws each reference as a dotted line across the bars (as on line panels), named right of
    /// the plot at its height, where no bar covers the name; names closer than a line apart are
    /// moved apart.
    func drawReferences(axis: AxisScale, plot: Rect, into writer: inout SVGWriter) {
        let references = drawableReferences
        guard !references.isEmpty else { return }
        let f = NumberFormat.coordinate
        let placed = references.map { (reference: $0, y: Self.y(of: $0.value, axis: axis, plot: plot)) }
        writer.open(
            "g",
            [
                ("class", "references"), ("stroke", FigureTheme.reference), ("stroke-width", "1.3"),
                ("stroke-dasharray", "1.5 3"), ("fill", "none"),
            ])
        for (_, y) in placed {
            writer.element("path", [("d", "M\(f(plot.x)) \(f(y))H\(f(plot.maxX))")])
        }
        writer.close("g")
        writer.open(
            "g",
            [
                ("class", "reference-labels"), ("fill", FigureTheme.reference),
                ("font-size", f(Self.referenceLabelSize)),
            ])
        var lowest = -Double.infinity
        for (reference, y) in placed.sorted(by: { $0.y < $1.y }) {
            let textY = max(y + 4, lowest + 12)
            lowest = textY
            writer.text(referenceText(reference), x: plot.maxX + 5, y: textY)
        }
        writer.close("g")
    }
}
