import Figures
import Planning

/// The curve of a seeded member: the mean of its seeds' curves, point by point, with a band.
enum SeedCurves {
    /// The mean of `curves` (one per seed, each x and y) at each position up to the shortest curve
    /// (a seed that diverged early ends the mean there too), x averaged as well (for training time);
    /// the band spans ±1 sample standard deviation or the minimum to the maximum. One curve is
    /// returned as it is, without a band. The label is left for the caller.
    public static func mean(_ curves: [(x: [Double], y: [Double])], band: FigureSpec.Band) -> LineSeries {
        guard curves.count > 1 else {
            return LineSeries(label: "", x: curves.first?.x ?? [], y: curves.first?.y ?? [])
        }
        let count = curves.map { min($0.x.count, $0.y.count) }.min() ?? 0
        var x: [Double] = []
        var y: [Double] = []
        var lower: [Double] = []
        var upper: [Double] = []
        for index in 0..<count {
            let xs = curves.map { $0.x[index] }
            guard let values = SeedStatistics(curves.map { $0.y[index] }) else { continue }
            x.append(xs.reduce(0, +) / Double(xs.count))
            y.append(values.mean)
            switch band {
            case .std, .none:
                let deviation = values.standardDeviation ?? 0
                lower.append(values.mean - deviation)
                upper.append(values.mean + deviation)
            case .minmax:
                lower.append(values.minimum)
                upper.append(values.maximum)
            }
        }
        return LineSeries(
            label: "", x: x, y: y, band: band == .none ? nil : SeriesBand(lower: lower, upper: upper))
    }

    /// The legend key of the bands: "shaded: ±1 std over 3 seeds".
    static func meaning(of band: FigureSpec.Band, seeds: String) -> String {
        switch band {
        case .std, .none: return "shaded: ±1 std over \(seeds) seeds"
        case .minmax: return "shaded: min–max over \(seeds) seeds"
        }
    }
}
