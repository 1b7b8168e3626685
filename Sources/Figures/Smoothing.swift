import Foundation

/// Curve smoothing as TensorBoard does it.
enum Smoothing {
    /// The exponential moving average of `values` with bias correction, weight `weight`.
    ///
    /// With weight w the running average is `a ← w·a + (1−w)·y`, started at 0 and divided by
    /// `1 − wⁿ` after n finite values, so the start of the curve is not pulled toward zero.
    /// Non-finite values pass through unchanged and do not disturb the average. A weight
    /// outside `0..<1` (or NaN) is clamped: 0 or less returns the values as they are.
    static func exponentialMovingAverage(_ values: [Double], weight: Double) -> [Double] {
        guard weight.isFinite, weight > 0 else { return values }
        let w = min(weight, 0.999)
        var average = 0.0
        var correction = 1.0
        return values.map { value in
            guard value.isFinite else { return value }
            average = average * w + (1 - w) * value
            correction *= w
            return average / (1 - correction)
        }
    }
}
