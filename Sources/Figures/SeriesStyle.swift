/// How one labelled series is drawn: its colour and, when colours have run out, a marker.
public struct SeriesStyle: Equatable, Sendable {
    /// The stroke and fill colour as a `#RRGGBB` string.
    public let color: String
    /// A human-readable name for the colour, for alternative text and debugging.
    public let colorName: String
    /// The symbol drawn along the curve (and on the legend swatch); `.none` for the first
    /// round of colours.
    public let marker: Marker
    /// The position of the label in order of first use, starting at 0.
    public let index: Int

    /// Creates a style from its parts.
    public init(color: String, colorName: String, marker: Marker, index: Int) {
        self.color = color
        self.colorName = colorName
        self.marker = marker
        self.index = index
    }
}
