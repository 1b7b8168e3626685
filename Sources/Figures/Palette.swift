/// Assigns each series label a style (colour and marker), in order of first use, so that one
/// label keeps its style across every figure of a report.
///
/// Categorical series take the Okabe–Ito colours, which stay distinguishable under the common
/// forms of colour blindness, without its yellow and with its orange and sky blue darkened to
/// 3:1 contrast on white. Every series also gets a marker, cycling through four shapes, so no
/// two series differ by hue alone. Ordered series (a sweep over one number) take `ordered(_:of:)`,
/// a sequential ramp; a reference series takes `baseline`, grey without markers.
/// Share one `Palette` (pass it `inout`) between all the charts of a report.
public struct Palette: Sendable {
    /// The categorical colours in the order they are handed out, as (`#RRGGBB`, name).
    public static let okabeIto: [(color: String, name: String)] = [
        ("#0072B2", "blue"),
        ("#D55E00", "vermillion"),
        ("#CC79A7", "reddish purple"),
        ("#000000", "black"),
        ("#B07800", "dark orange"),
        ("#009E73", "bluish green"),
        ("#3D8FC2", "dark sky blue"),
    ]

    /// The marker shapes, in the order they are handed out. The colour order keeps the first three
    /// apart under deuteranopia and tritanopia (bluish green, which turns grey or blue there, comes
    /// late), and the colours that share a shape among the first seven (blue and orange, vermillion
    /// and bluish green, reddish purple and sky blue) stay apart under both as well.
    public static let markers: [Marker] = [.circle, .square, .triangle, .diamond]

    /// The sequential ramp for ordered series: viridis from its dark end to where it still has
    /// 3:1 contrast on white, so lightness rises with the value under any colour vision.
    static let rampStops = [
        "#440154", "#48186A", "#472D7B", "#424086", "#3B528B", "#33638D", "#2C728E", "#26828E", "#21918C",
        "#1FA088",
    ]
    /// The same ramp for a dark background: the upper part of viridis, order kept.
    static let darkRampStops = [
        "#2C728E", "#26828E", "#21918C", "#1FA088", "#28AE80", "#3FBC73", "#5EC962", "#84D44B", "#ADDC30",
        "#D8E219",
    ]

    /// The style of a reference run: dark grey (lighter greys look like bluish green or reddish purple
    /// under deuteranopia), no marker (the only series without one).
    public static let baseline = SeriesStyle(
        color: "#595959", colorName: "dark grey", marker: .none, index: 0, darkColor: "#A3A3A3")

    /// The labels seen so far, in order of first use.
    public private(set) var labels: [String] = []
    private var indexByLabel: [String: Int] = [:]
    private var assigned: [String: SeriesStyle] = [:]

    /// Creates an empty palette; the first label asked for gets the first colour.
    public init() {}

    /// Gives `label` a fixed style (an ordered or baseline style chosen by the caller); a label
    /// already styled keeps its first style.
    public mutating func assign(_ style: SeriesStyle, to label: String) {
        guard assigned[label] == nil, indexByLabel[label] == nil else { return }
        labels.append(label)
        assigned[label] = style
    }

    /// The style of `label`, assigning the next free colour and marker on first use.
    public mutating func style(for label: String) -> SeriesStyle {
        if let style = existingStyle(for: label) { return style }
        let index = labels.count
        labels.append(label)
        indexByLabel[label] = index
        return Palette.style(at: index)
    }

    /// The styles of the labels of one figure. Labels seen before keep their style; each new label
    /// gets the first categorical style whose colour no other label of this figure has (and, once all
    /// colours are taken within the figure, the first unused colour and marker pair). So a label keeps
    /// its style across the report, and within one figure colours repeat only when it has more than
    /// seven labels, however many labels the report has in total.
    public mutating func styles(for figureLabels: [String]) -> [String: SeriesStyle] {
        var result: [String: SeriesStyle] = [:]
        for label in figureLabels { if let style = existingStyle(for: label) { result[label] = style } }
        let colorCount = Palette.okabeIto.count
        let styleCount = colorCount * Palette.markers.count
        for label in figureLabels where result[label] == nil {
            let takenColors = Set(result.values.map(\.color))
            let takenPairs = Set(result.values.map { "\($0.color) \($0.marker)" })
            let index =
                (0..<styleCount).first { !takenColors.contains(Palette.style(at: $0).color) }
                ?? (0..<styleCount).first {
                    let style = Palette.style(at: $0)
                    return !takenPairs.contains("\(style.color) \(style.marker)")
                } ?? labels.count
            labels.append(label)
            indexByLabel[label] = index
            result[label] = Palette.style(at: index)
        }
        return result
    }

    /// The style already assigned to `label`, or `nil` if the palette has not seen it.
    public func existingStyle(for label: String) -> SeriesStyle? {
        assigned[label] ?? indexByLabel[label].map(Palette.style(at:))
    }

    /// The categorical style handed out to the label at position `index` in order of first use:
    /// colours and markers both cycle, so the 28 first (colour, marker) pairs are all different.
    public static func style(at index: Int) -> SeriesStyle {
        let safeIndex = max(index, 0)
        let entry = okabeIto[safeIndex % okabeIto.count]
        let marker = markers[safeIndex % markers.count]
        return SeriesStyle(
            color: entry.color, colorName: entry.name, marker: marker, index: safeIndex,
            darkColor: ColorMath.darkVariant(of: entry.color))
    }

    /// The style of member `position` (0 for the smallest value) of `count` ordered members:
    /// evenly spaced on the ramp, lightest for the smallest value, with markers cycling.
    public static func ordered(_ position: Int, of count: Int) -> SeriesStyle {
        let total = max(count, 1)
        let place = min(max(position, 0), total - 1)
        // The largest value takes the dark end; with two members the ends are kept apart but not extreme.
        let span = total <= 2 ? 0.75 : 1.0
        let t = total == 1 ? 0.5 : span * Double(total - 1 - place) / Double(total - 1) + (1 - span) / 2
        return SeriesStyle(
            color: interpolate(rampStops, at: t), colorName: "ramp \(place + 1) of \(total)",
            marker: markers[place % markers.count], index: place,
            darkColor: interpolate(darkRampStops, at: 1 - t))
    }

    /// The colour at `t` in 0...1 along `stops`, interpolated in sRGB.
    static func interpolate(_ stops: [String], at t: Double) -> String {
        let scaled = min(max(t, 0), 1) * Double(stops.count - 1)
        let lower = Int(scaled.rounded(.down))
        guard lower < stops.count - 1 else { return stops[stops.count - 1] }
        return ColorMath.mix(stops[lower], stops[lower + 1], amount: scaled - Double(lower))
    }
}
