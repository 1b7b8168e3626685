/// How one labelled series is drawn: its colour and marker.
public struct SeriesStyle: Equatable, Sendable {
    /// The stroke and fill colour as a `#RRGGBB` string.
    public let color: String
    /// A human-readable name for the colour, for alternative text and debugging.
    public let colorName: String
    /// The symbol drawn along the curve (and on the legend swatch); `.none` only for a baseline.
    public let marker: Marker
    /// The position of the label in order of first use (or in its ordered set), starting at 0;
    /// it staggers the markers of different series along their curves.
    public let index: Int
    /// The colour on a dark background (`prefers-color-scheme: dark`).
    public let darkColor: String

    /// Creates a style from its parts; `darkColor` defaults to `ColorMath.darkVariant(of: color)`.
    public init(color: String, colorName: String, marker: Marker, index: Int, darkColor: String? = nil) {
        self.color = color
        self.colorName = colorName
        self.marker = marker
        self.index = index
        self.darkColor = darkColor ?? ColorMath.darkVariant(of: color)
    }
}
