/// One curve of a line chart: a metric of one run against epoch or step.
public struct LineSeries: Sendable {
    /// The run label; it names the legend entry and picks the colour from the palette.
    public var label: String
    /// The x values (epoch or step), in drawing order.
    public var x: [Double]
    /// The y values, paired with `x` by position; extra values in the longer array are ignored.
    /// Non-finite values leave a gap in the curve.
    public var y: [Double]
    /// Whether this is the validation curve of the run `label`, drawn dashed in the run's colour.
    public var dashed: Bool
    /// The spread around the curve (over seeds), shaded under the curves; nil for none.
    public var band: SeriesBand?

    /// Creates a series.
    public init(label: String, x: [Double], y: [Double], dashed: Bool = false, band: SeriesBand? = nil) {
        self.label = label
        self.x = x
        self.y = y
        self.dashed = dashed
        self.band = band
    }
}
