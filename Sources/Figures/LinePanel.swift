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
    /// Fixed y limits; values outside are drawn as off-scale markers at the edge. `nil`: from the data.
    public var yRange: ClosedRange<Double>?
    /// When not empty (and no `yRange`), the y axis encloses only these series labels' values;
    /// the others leave the range with off-scale markers.
    public var focus: [String] = []
    /// Horizontal reference lines (chance level, another run's value), drawn dotted and labelled.
    public var references: [ReferenceLine] = []

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

/// A horizontal line at a fixed value, such as chance accuracy or the loss of a uniform guess.
public struct ReferenceLine: Sendable, Equatable {
    /// The y value.
    public var value: Double
    /// The text at the line's right end, e.g. "chance".
    public var label: String

    /// Creates a reference line.
    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}
