/// Mean, sample standard deviation, minimum and maximum of the values of one quantity over seeds.
public struct SeedStatistics: Equatable {
    public var count: Int
    public var mean: Double
    /// The sample standard deviation (divided by n − 1); nil for fewer than two values.
    public var standardDeviation: Double?
    public var minimum: Double
    public var maximum: Double

    /// The statistics of `values`; nil when there are none. Non-finite values make the mean and
    /// deviation non-finite too, as they should: a diverged seed is not silently left out.
    public init?(_ values: [Double]) {
        guard let first = values.first else { return nil }
        count = values.count
        // Two passes: the deviations from the mean, not the difference of two large sums.
        mean = values.reduce(0, +) / Double(values.count)
        let mean = mean
        standardDeviation =
            values.count > 1
            ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
            : nil
        minimum = values.reduce(first) { Swift.min($0, $1) }
        maximum = values.reduce(first) { Swift.max($0, $1) }
    }
}
