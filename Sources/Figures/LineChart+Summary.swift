/// The sentence that states what a line chart shows, for `<desc>` and alternative text.
extension LineChart {
    /// The final value of every curve, panel by panel, from the data: "Validation accuracy,
    /// final: lr 0.001 72.10%; lr 0.01 81.54%." (semicolons, since labels may hold commas) A curve that starts at x = 0 (epoch 0, before
    /// training) gives its first value too ("11.16% → 99.12%"); a run with a train and a
    /// validation curve gives both ("0.312 / 0.298", train first). Reference lines are listed last.
    public func summary() -> String {
        var sentences: [String] = []
        var references: [String] = []
        for panel in panels {
            var order: [String] = []
            var curves: [String: [(dashed: Bool, text: String)]] = [:]
            for series in panel.series {
                let count = min(series.x.count, series.y.count)
                let points = (0..<count).filter { series.x[$0].isFinite && series.y[$0].isFinite }
                guard let last = points.last else { continue }
                var text = Self.value(series.y[last], percent: panel.percent)
                if let first = points.first, first != last, series.x[first] == 0 {
                    text = Self.value(series.y[first], percent: panel.percent) + " → " + text
                }
                if let band = series.band, last < band.lower.count, last < band.upper.count,
                    band.lower[last].isFinite, band.upper[last].isFinite
                {
                    text +=
                        " (shaded " + Self.value(band.lower[last], percent: panel.percent) + " to "
                        + Self.value(band.upper[last], percent: panel.percent) + ")"
                }
                if curves[series.label] == nil { order.append(series.label) }
                curves[series.label, default: []].append((series.dashed, text))
            }
            guard !order.isEmpty else { continue }
            let both = curves.values.contains { list in
                list.contains { $0.dashed } && list.contains { !$0.dashed }
            }
            let title = panel.title.isEmpty ? panel.yLabel : panel.title
            let parts = order.map { label -> String in
                let list = (curves[label] ?? []).sorted { !$0.dashed && $1.dashed }
                return label + " " + list.map(\.text).joined(separator: " / ")
            }
            let heading = both ? "\(title) (\(solidMeaning) / \(dashedMeaning))" : title
            sentences.append("\(heading), final: " + parts.joined(separator: "; ") + ".")
            for reference in panel.references {
                let value = Self.value(reference.value, percent: panel.percent)
                let text = reference.label.isEmpty ? value : "\(reference.label) \(value)"
                if !references.contains(text) { references.append(text) }
            }
        }
        if !references.isEmpty {
            sentences.append("Reference lines: " + references.joined(separator: "; ") + ".")
        }
        return sentences.joined(separator: " ")
    }

    /// A value as the summary writes it: percentages with two decimals, others with three significant digits.
    static func value(_ value: Double, percent: Bool) -> String {
        percent
            ? NumberFormat.typographic(NumberFormat.fixed(value * 100, decimals: 2)) + "%"
            : NumberFormat.valueLabel(value, percent: false, significant: 3)
    }
}
