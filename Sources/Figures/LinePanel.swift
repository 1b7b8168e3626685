/// One set of axes in a line chart, with the curves drawn on it.
public struct LinePanel: Sendable {
    /// The heading above the axes, e.g. "Loss".
    public var title: String
    /// The x-axis title, e.g. "Epoch".
    public var xLabel: String
    /// The y-axis title, e.g. "Validation accuracy".
    public var yLabel: String
    /// The curves, drawn in this order (later ones on top).
    public var series: [LineSeries]
    /// Whether the y values are fractions in 0...1 to be labelled as percentages.
    public var percent: Bool
    /// Whether the y axis is logarithmic (useful for losses); values ≤ 0 are then left out.
    public var logY: Bool

    /// Creates a panel.
    public init(
        title: String, xLabel: String, yLabel: String, series: [LineSeries],
        percent: Bool = false, logY: Bool = false
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.percent = percent
        self.logY = logY
    }
}
