/// A shaded range around a curve: the spread of a quantity over seeds (±1 standard deviation,
/// or the minimum to the maximum), paired with the series' `x` by position.
///
/// It is drawn under every curve of its panel, in the series colour and semi-transparent;
/// smoothing applies to its edges as to the curve, and on a log axis a lower edge at or below
/// zero runs along the bottom of the plot.
public struct SeriesBand: Sendable, Equatable {
    /// The lower edge. Non-finite values leave a gap in the band.
    public var lower: [Double]
    /// The upper edge.
    public var upper: [Double]

    /// Creates a band from its edges.
    public init(lower: [Double], upper: [Double]) {
        self.lower = lower
        self.upper = upper
    }
}
