extension SVGWriter {
    /// The figure's title, centred at the top and shortened to fit `contentWidth`; nothing when empty.
    mutating func figureTitle(_ title: String, figureWidth: Double, contentWidth: Double) {
        guard !title.isEmpty else { return }
        text(
            TextMetrics.truncated(title, toWidth: contentWidth, fontSize: FigureTheme.titleSize, bold: true),
            x: figureWidth / 2, y: FigureTheme.padding + 17,
            [
                ("class", "title"), ("text-anchor", "middle"),
                ("font-size", NumberFormat.coordinate(FigureTheme.titleSize)),
                ("font-weight", "700"), ("fill", FigureTheme.text),
            ])
    }
}
