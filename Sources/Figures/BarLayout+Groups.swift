import Foundation

/// Grouped bars: the seed runs of each member side by side in the member's colour, each named by
/// its seed, the member named once under its group. The group's place and name tell the groups
/// apart, so its bars carry no marker.
extension BarLayout {
    /// The extra gap between two groups, in steps (bar centre to bar centre within a group).
    static let groupGap = 0.9
    /// A bar's width, as a fraction of the step: the rest is the small gap inside a group.
    static let barFraction = 0.78
    /// The widest step, so that a few bars stay adjacent instead of spreading over the plot.
    static let maximumStep = 56.0
    /// At most this many lines of a group's label.
    static let maximumGroupLabelLines = 3
    private static let groupLabelLineHeight = 15.0

    func drawGroups(_ ranges: [Range<Int>], styles: [SeriesStyle], into writer: inout SVGWriter) {
        let f = NumberFormat.coordinate
        let axis = axisScale()
        let tickLabels = axis.labels
        let tickWidth =
            tickLabels.map { TextMetrics.width(of: $0, fontSize: FigureTheme.tickLabelSize) }.max() ?? 0
        // The bars' kind ("seed") heads their row of names, under the tick labels.
        let header = chart.bars.contains { !$0.label.isEmpty } ? chart.groupedBarName : ""
        let headerWidth = TextMetrics.width(of: header, fontSize: FigureTheme.tickLabelSize)
        let left = frame.x + (chart.yLabel.isEmpty ? 0 : 20) + max(tickWidth, headerWidth) + 9
        let right = frame.maxX - 4 - referenceRoom
        let plotWidth = max(right - left, 10)
        let positions = GroupedBarPositions(ranges: ranges, from: left, width: plotWidth)
        let widths = positions.labelWidths(from: frame.x, to: frame.maxX)
        let groupLabels = zip(chart.groups, widths).map { Self.groupLabelLines($0.label, toWidth: $1) }
        let lineCount = Double(max(groupLabels.map(\.count).max() ?? 1, 1))
        let namesY = 16.0
        let groupLabelY = namesY + 18
        let labelBand = groupLabelY + (lineCount - 1) * Self.groupLabelLineHeight + 8
        let xTitleBand = (chart.xLabel ?? "").isEmpty ? 0.0 : 20
        let plot = Rect(
            x: left, y: frame.y + 16, width: plotWidth,
            height: max(frame.height - 16 - labelBand - xTitleBand, 10))
        let baseline = drawAxes(axis, tickLabels: tickLabels, plot: plot, into: &writer)

        for (group, range) in zip(chart.groups, ranges) {
            for index in range {
                let name = [group.label, chart.shortName(of: index)].filter { !$0.isEmpty }.joined(
                    separator: ", ")
                drawBar(
                    index, center: positions.centers[index], width: positions.barWidth, room: positions.step,
                    style: styles.indices.contains(index) ? styles[index] : Palette.style(at: 0), axis: axis,
                    plot: plot, baseline: baseline, name: name, showsMarker: false, into: &writer)
            }
        }

        // Each bar's short name; every k-th of a group where they would touch.
        let widestName =
            chart.bars.map { TextMetrics.width(of: $0.label, fontSize: FigureTheme.tickLabelSize) }.max() ?? 0
        let every = max(1, Int(((widestName + 4) / positions.step).rounded(.up)))
        writer.open(
            "g",
            [
                ("class", "bar-names"), ("text-anchor", "middle"),
                ("font-size", f(FigureTheme.tickLabelSize)),
                ("fill", FigureTheme.secondaryText),
            ])
        if !header.isEmpty {
            writer.text(header, x: plot.x - 7, y: plot.maxY + namesY, [("text-anchor", "end")])
        }
        for range in ranges {
            for index in range
            where (index - range.lowerBound) % every == 0 && !chart.bars[index].label.isEmpty {
                writer.text(chart.bars[index].label, x: positions.centers[index], y: plot.maxY + namesY)
            }
        }
        writer.close("g")
        writer.open(
            "g",
            [
                ("class", "group-labels"), ("text-anchor", "middle"), ("font-size", f(Self.labelSize)),
                ("fill", FigureTheme.text),
            ])
        for (lines, span) in zip(groupLabels, positions.spans) {
            for (number, line) in lines.enumerated() {
                writer.text(
                    line, x: (span.lowerBound + span.upperBound) / 2,
                    y: plot.maxY + groupLabelY + Double(number) * Self.groupLabelLineHeight)
            }
        }
        writer.close("g")
        drawReferences(axis: axis, plot: plot, into: &writer)
        drawTitles(plot: plot, into: &writer)
    }

    /// A group's label in lines no wider than `width`, broken between words; past the last line
    /// allowed, whole words give way to an ellipsis (a single word too long for a line is cut).
    static func groupLabelLines(_ label: String, toWidth width: Double) -> [String] {
        let size = labelSize
        var lines = TextMetrics.wrapped(label, toWidth: width, fontSize: size)
        if lines.count > maximumGroupLabelLines {
            let rest = lines[(maximumGroupLabelLines - 1)...].joined(separator: " ")
            var kept = ""
            for word in rest.split(separator: " ") {
                let candidate = kept.isEmpty ? String(word) : kept + " " + word
                if TextMetrics.width(of: candidate + " …", fontSize: size) > width { break }
                kept = candidate
            }
            lines = Array(lines.prefix(maximumGroupLabelLines - 1)) + [kept.isEmpty ? rest : kept + " …"]
        }
        return lines.map { TextMetrics.truncated($0, toWidth: width, fontSize: size) }
    }
}

/// Where grouped bars stand along the x axis: one bar per step inside a group, an extra
/// `BarLayout.groupGap` steps between groups, the whole row centred in the plot.
struct GroupedBarPositions: Equatable {
    /// The distance between the centres of two neighbouring bars of one group.
    var step: Double
    var barWidth: Double
    /// Each bar's centre, in bar order.
    var centers: [Double]
    /// Each group's extent, from its first bar's left edge to its last bar's right edge.
    var spans: [ClosedRange<Double>]

    /// How wide each group's label may be, centred under its group: to the middle of the gap on
    /// either side (less 2 px), and for the first and last group out to `left` and `right`.
    func labelWidths(from left: Double, to right: Double) -> [Double] {
        spans.indices.map { index in
            let span = spans[index]
            let center = (span.lowerBound + span.upperBound) / 2
            let before = index == 0 ? left : (spans[index - 1].upperBound + span.lowerBound) / 2 + 2
            let after =
                index == spans.count - 1 ? right : (span.upperBound + spans[index + 1].lowerBound) / 2 - 2
            return max(2 * min(center - before, after - center), span.upperBound - span.lowerBound)
        }
    }

    /// The positions of the bars of `ranges` (consecutive, from bar 0) across `width` from `x`.
    init(ranges: [Range<Int>], from x: Double, width: Double) {
        let count = ranges.last?.upperBound ?? 0
        let units = Double(count) + Double(max(ranges.count - 1, 0)) * BarLayout.groupGap
        step = min(width / max(units, 1), BarLayout.maximumStep)
        barWidth = step * BarLayout.barFraction
        let start = x + (width - step * units) / 2
        centers = []
        spans = []
        for (group, range) in ranges.enumerated() {
            for index in range {
                centers.append(start + (Double(index) + 0.5 + Double(group) * BarLayout.groupGap) * step)
            }
            guard let first = range.first, let last = range.last else { continue }
            spans.append((centers[first] - barWidth / 2)...(centers[last] + barWidth / 2))
        }
    }
}
