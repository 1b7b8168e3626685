/// Colours, fonts and sizes shared by every figure.
///
/// The figures carry an opaque white background with dark text: on a dark page (GitHub's
/// dark theme) a transparent figure would put dark axis labels on a dark page, and a white
/// card is also what prints. A viewer that asks for a dark colour scheme
/// (`prefers-color-scheme: dark`) gets the same figure on a dark background with light ink,
/// through a style sheet embedded in the SVG (see `darkColors`).
enum FigureTheme {
    /// A generic font stack; no web fonts are loaded.
    static let fontFamily = "-apple-system, 'Segoe UI', Helvetica, Arial, 'Liberation Sans', sans-serif"
    static let background = "#FFFFFF"
    /// Titles and axis titles.
    static let text = "#1A1A1A"
    /// Tick labels, captions and legend keys.
    static let secondaryText = "#444444"
    /// Axis lines and tick marks.
    static let axis = "#666666"
    /// Grid lines behind the data.
    static let grid = "#E4E4E4"
    /// The line colour of legend keys that explain line styles: lighter and thinner than the
    /// dark grey of a baseline run, so a key is not read as a run.
    static let keyLine = "#8C8C8C"
    /// Reference lines (chance level, another run's value).
    static let reference = "#5A5A5A"

    /// The background in dark mode.
    public static let darkBackground = "#0D1117"
    /// The dark-mode replacement of each theme colour; series colours get `ColorMath.darkVariant`.
    static let darkColors: [String: String] = [
        background: darkBackground, text: "#E6EDF3", secondaryText: "#B1BAC4", axis: "#8B949E",
        grid: "#30363D", keyLine: "#6E7681", reference: "#A8A8A8",
    ]

    static let titleSize = 17.0
    static let panelTitleSize = 14.0
    static let axisTitleSize = 13.0
    static let tickLabelSize = 12.0
    static let legendSize = 13.0
    static let captionSize = 12.5

    /// The stroke width of a curve.
    static let lineWidth = 2.0
    /// The dash pattern of a validation curve.
    static let dashPattern = "6 3.5"
    /// The opacity of the unsmoothed curve drawn behind a smoothed one.
    static let rawOpacity = 0.25
    /// The fill opacity of the band (spread over seeds) around a curve.
    static let bandOpacity = 0.2
    /// Outer padding of the figure.
    static let padding = 16.0
}
