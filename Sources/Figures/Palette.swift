/// Assigns each series label a colour, in order of first use, so that one label keeps
/// its colour across every figure of a report.
///
/// The colours are the Okabe–Ito set, which stays distinguishable under the common forms
/// of colour blindness, without its yellow (too faint on a white background). When more
/// labels than colours are in use, the colours repeat with a marker as the second cue:
/// the first round has no marker, the second circles, then squares, triangles, diamonds.
/// Share one `Palette` (pass it `inout`) between all the charts of a report.
public struct Palette: Sendable {
    /// The colours in the order they are handed out, as (`#RRGGBB`, name).
    public static let okabeIto: [(color: String, name: String)] = [
        ("#0072B2", "blue"),
        ("#D55E00", "vermillion"),
        ("#009E73", "bluish green"),
        ("#CC79A7", "reddish purple"),
        ("#E69F00", "orange"),
        ("#56B4E9", "sky blue"),
        ("#000000", "black"),
    ]

    /// The labels seen so far, in order of first use.
    public private(set) var labels: [String] = []
    private var indexByLabel: [String: Int] = [:]

    /// Creates an empty palette; the first label asked for gets the first colour.
    public init() {}

    /// The style of `label`, assigning the next free colour (and marker) on first use.
    public mutating func style(for label: String) -> SeriesStyle {
        if let index = indexByLabel[label] {
            return Palette.style(at: index)
        }
        let index = labels.count
        labels.append(label)
        indexByLabel[label] = index
        return Palette.style(at: index)
    }

    /// The styles of the labels of one figure. Labels seen before keep their style; each new label
    /// gets the first style whose colour no other label of this figure has (and, once all colours
    /// are taken within the figure, the first unused colour and marker pair). So a label keeps its
    /// colour across the report, and within one figure colours repeat only when it has more than
    /// seven labels, however many labels the report has in total.
    public mutating func styles(for figureLabels: [String]) -> [String: SeriesStyle] {
        var result: [String: SeriesStyle] = [:]
        for label in figureLabels { if let index = indexByLabel[label] { result[label] = Palette.style(at: index) } }
        let colorCount = Palette.okabeIto.count, styleCount = colorCount * Marker.allCases.count
        for label in figureLabels where result[label] == nil {
            let taken = Set(result.values.map(\.index))
            let takenColors = Set(result.values.map { $0.index % colorCount })
            let index = (0..<styleCount).first { !takenColors.contains($0 % colorCount) }
                ?? (0..<styleCount).first { !taken.contains($0) } ?? labels.count
            labels.append(label)
            indexByLabel[label] = index
            result[label] = Palette.style(at: index)
        }
        return result
    }

    /// The style already assigned to `label`, or `nil` if the palette has not seen it.
    public func existingStyle(for label: String) -> SeriesStyle? {
        indexByLabel[label].map(Palette.style(at:))
    }

    /// The style handed out to the label at position `index` in order of first use.
    ///
    /// After every colour has been combined with every marker (35 labels) the styles repeat.
    public static func style(at index: Int) -> SeriesStyle {
        let colors = okabeIto
        let markers = Marker.allCases
        let safeIndex = max(index, 0)
        let entry = colors[safeIndex % colors.count]
        let marker = markers[(safeIndex / colors.count) % markers.count]
        return SeriesStyle(color: entry.color, colorName: entry.name, marker: marker, index: safeIndex)
    }
}
