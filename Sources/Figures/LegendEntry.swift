/// One item of a figure legend: a run, or a key that explains a line style.
struct LegendEntry {
    /// What the swatch in front of the text shows.
    enum Swatch {
        /// A run's colour (and marker), solid or dashed.
        case series(SeriesStyle, dashed: Bool)
        /// A neutral grey line explaining a style: solid, dashed, or faint (unsmoothed).
        case key(dashed: Bool, faint: Bool)
        /// A filled block of the run's colour, for bar charts.
        case block(SeriesStyle)
        /// A neutral translucent block explaining the shaded bands around curves.
        case band
    }

    /// The text shown, already truncated to fit.
    var text: String
    var swatch: Swatch
    /// Extra space before the entry, to set the style keys apart from the runs.
    var leadingGap: Double = 0
}
