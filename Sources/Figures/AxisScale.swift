import Foundation

/// One axis of a chart: its limits, its ticks and how data values map onto it.
struct AxisScale {
    /// The tick values, ascending; the first and last are the axis limits.
    let ticks: TickScale
    /// Whether values map logarithmically.
    let isLogarithmic: Bool
    /// Whether values are fractions labelled as percentages.
    let isPercent: Bool

    /// The lower axis limit.
    var lower: Double { ticks.lower }
    /// The upper axis limit.
    var upper: Double { ticks.upper }

    /// The tick labels, one per tick.
    var labels: [String] {
        ticks.values.map { value in
            if isLogarithmic {
                let exponent = Int(log10(value).rounded(.down))
                return NumberFormat.tickLabel(value, decimals: max(0, -exponent), percent: isPercent)
            }
            return NumberFormat.tickLabel(value, decimals: ticks.decimals, percent: isPercent)
        }
    }

    /// Where `value` lies between the limits, 0 at `lower` and 1 at `upper`; `nil` for
    /// values that cannot be drawn (not finite, or not positive on a log axis).
    func fraction(of value: Double) -> Double? {
        guard value.isFinite else { return nil }
        if isLogarithmic {
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (value - lower) / (upper - lower)
    }

    /// An axis whose limits are nice ticks enclosing the drawable `values`.
    ///
    /// - Parameters:
    ///   - values: data values; non-finite ones (and non-positive ones on a log axis) are ignored.
    ///   - logarithmic: map values on a log scale.
    ///   - percent: values are fractions; when they all lie in 0...1 the limits stay there too.
    ///   - wholeNumbers: the values are counts (epochs, steps), so ticks step by at least 1.
    ///   - includeZero: keep 0 within the limits (for bar charts).
    ///   - targetCount: about how many ticks to aim for.
    init(
        values: [Double], logarithmic: Bool, percent: Bool, wholeNumbers: Bool = false,
        includeZero: Bool = false, targetCount: Int = 5
    ) {
        isLogarithmic = logarithmic
        isPercent = percent
        if logarithmic {
            let positive = values.filter { $0.isFinite && $0 > 0 }
            let lower = positive.min() ?? 0.1
            let upper = positive.max() ?? 1
            ticks = Ticks.logarithmic(min: lower, max: upper) ?? TickScale(values: [0.1, 1], decimals: 1)
            return
        }
        let finite = values.filter(\.isFinite)
        var lower = finite.min() ?? 0
        var upper = finite.max() ?? 1
        if includeZero {
            lower = min(lower, 0)
            upper = max(upper, 0)
        }
        if lower == upper {
            let pad = wholeNumbers ? 1 : (lower == 0 ? 1 : abs(lower) * 0.1)
            let nonNegative = lower >= 0
            let atMostOne = upper <= 1
            lower -= pad
            upper += pad
            if nonNegative && (wholeNumbers || percent) { lower = max(lower, 0) }
            if percent && atMostOne && nonNegative { upper = min(upper, 1) }
        }
        ticks =
            Ticks.niceScale(
                min: lower, max: upper, targetCount: targetCount, minimumStep: wholeNumbers ? 1 : 0)
            ?? TickScale(values: [0, 1], decimals: 0)
    }
}
