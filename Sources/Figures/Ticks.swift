import Foundation

/// Tick positions for chart axes: "nice" values at 1-2-5 steps, and decades for log axes.
public enum Ticks {
    /// About `targetCount` tick values at a 1, 2 or 5 × 10ⁿ step that enclose `min...max`.
    ///
    /// Among the 1-2-5 steps near the range divided by `targetCount`, the one chosen gives a
    /// tick count closest to `targetCount` while leaving little of the axis empty.
    /// The first tick is at or below `min` and the last at or above `max`, so the ticks can
    /// serve as the axis limits. Values are exact decimals (0.3, not 0.30000000000000004).
    /// Swapped bounds are accepted; equal bounds are widened by 10 % (or by 1 around zero);
    /// a non-finite bound gives an empty array.
    public static func nice(min: Double, max: Double, targetCount: Int = 5) -> [Double] {
        niceScale(min: min, max: max, targetCount: targetCount)?.values ?? []
    }

    /// The ticks chosen by `nice(min:max:targetCount:)` with the step they were built from.
    ///
    /// `minimumStep` keeps the step at or above a bound, for example 1 for epoch numbers.
    static func niceScale(
        min lowerBound: Double, max upperBound: Double, targetCount: Int, minimumStep: Double = 0
    ) -> TickScale? {
        guard lowerBound.isFinite, upperBound.isFinite else { return nil }
        var lower = Swift.min(lowerBound, upperBound)
        var upper = Swift.max(lowerBound, upperBound)
        let magnitude = Swift.max(abs(lower), abs(upper))
        if upper - lower <= magnitude * 1e-9 {
            let pad = magnitude == 0 ? 1 : magnitude * 0.1
            lower -= pad
            upper += pad
        }
        let target = Swift.max(targetCount, 2)
        let rough = (upper - lower) / Double(target - 1)
        let roughExponent = Int(log10(rough).rounded(.down))
        let floorExponent = minimumStep > 0 ? Int(log10(minimumStep).rounded(.down)) : Int.min
        let exponents = (roughExponent - 1)...(Swift.max(roughExponent, floorExponent) + 1)

        var best: TickScale?
        var bestScore = Double.infinity
        for exponent in exponents {
            for mantissa in [1, 2, 5] {
                let step = decimal(mantissa, exponent: exponent)
                guard step >= minimumStep, step > 0 else { continue }
                let first = (lower / step + 1e-9).rounded(.down)
                let last = (upper / step - 1e-9).rounded(.up)
                guard last - first < 1000 else { continue }
                let count = Int(last - first) + 1
                // Close to the wanted count, and little empty axis beyond the data.
                let coverage = (upper - lower) / ((last - first) * step)
                let score = Double(abs(count - target)) + 2 * (1 - coverage)
                // Candidates come in increasing step order; ties keep the finer step.
                if score < bestScore {
                    bestScore = score
                    let values = (Int(first)...Int(last)).map { decimal($0 * mantissa, exponent: exponent) }
                    best = TickScale(values: values, decimals: Swift.max(0, -exponent))
                }
            }
        }
        return best
    }

    /// Ticks for a logarithmic axis enclosing `min...max` (both must be positive).
    ///
    /// The limits are whole decades. Up to two decades are labelled at 1, 2 and 5 within each
    /// decade; more decades are labelled at powers of ten only, skipping decades so that at
    /// most about seven remain.
    static func logarithmic(min lowerBound: Double, max upperBound: Double) -> TickScale? {
        guard lowerBound.isFinite, upperBound.isFinite, lowerBound > 0, upperBound > 0 else { return nil }
        let lower = Swift.min(lowerBound, upperBound)
        let upper = Swift.max(lowerBound, upperBound)
        let lowExponent = Int((log10(lower) + 1e-9).rounded(.down))
        var highExponent = Int((log10(upper) - 1e-9).rounded(.up))
        if highExponent <= lowExponent { highExponent = lowExponent + 1 }
        let decades = highExponent - lowExponent
        var values: [Double] = []
        if decades <= 2 {
            for exponent in lowExponent..<highExponent {
                for mantissa in [1, 2, 5] { values.append(decimal(mantissa, exponent: exponent)) }
            }
            values.append(decimal(1, exponent: highExponent))
        } else {
            let stride = (decades + 5) / 6
            var exponent = lowExponent
            while exponent < highExponent {
                values.append(decimal(1, exponent: exponent))
                exponent += stride
            }
            // Keep the upper limit a labelled decade.
            values.append(decimal(1, exponent: exponent))
        }
        return TickScale(values: values, decimals: Swift.max(0, -lowExponent))
    }

    /// `mantissa × 10^exponent` as the double nearest to that exact decimal.
    static func decimal(_ mantissa: Int, exponent: Int) -> Double {
        let power = pow10(abs(exponent))
        return exponent >= 0 ? Double(mantissa) * power : Double(mantissa) / power
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.min(exponent, 400) { result *= 10 }
        return result
    }
}
