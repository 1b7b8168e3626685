/// Drawing the bands (the spread over seeds) around curves.
extension PanelRenderer {
    /// Draws the band of every series that has one, before any line, so that curves, markers and
    /// reference lines stay on top. Each band is a closed path in the series colour, translucent:
    /// its upper edge left to right, then its lower edge back. The edges are smoothed like the
    /// curves, cut to the plot's top and bottom (where they leave it, the band runs along the edge),
    /// and thinned like a curve; on a log axis a lower edge at or below zero runs along the bottom.
    func drawBands(plot: Rect, xAxis: AxisScale, yAxis: AxisScale, into writer: inout SVGWriter) {
        let banded = panel.series.filter { $0.band != nil }
        guard !banded.isEmpty else { return }
        let maximumPoints = max(2, min(self.maximumPoints, Int(plot.width)))
        writer.open(
            "g",
            [
                ("class", "bands"), ("stroke", "none"),
                ("fill-opacity", NumberFormat.fixed(FigureTheme.bandOpacity, decimals: 2)),
            ])
        for series in banded {
            guard let band = series.band else { continue }
            var data = ""
            for stretch in bandStretches(series, band: band, plot: plot, xAxis: xAxis, yAxis: yAxis) {
                if stretch.upper.count == 1, let top = stretch.upper.first, let bottom = stretch.lower.first {
                    // One point (a one-epoch run): a short bar across it, as wide as a marker.
                    let high = min(max(top.y, plot.y), plot.maxY)
                    let low = min(max(bottom.y, plot.y), plot.maxY)
                    let corners = [
                        Point(x: top.x - 4, y: high), Point(x: top.x + 4, y: high),
                        Point(x: top.x + 4, y: low),
                        Point(x: top.x - 4, y: low),
                    ]
                    let (outline, _) = PathData.polylines([corners])
                    if !outline.isEmpty { data += outline + "z" }
                    continue
                }
                let upper = Thinning.largestTriangleThreeBuckets(
                    Self.clampedPolyline(stretch.upper, top: plot.y, bottom: plot.maxY),
                    maximumCount: maximumPoints)
                let lower = Thinning.largestTriangleThreeBuckets(
                    Self.clampedPolyline(stretch.lower, top: plot.y, bottom: plot.maxY),
                    maximumCount: maximumPoints)
                let (outline, _) = PathData.polylines([upper + lower.reversed()])
                if !outline.isEmpty { data += outline + "z" }
            }
            guard !data.isEmpty else { continue }
            writer.element(
                "path",
                [
                    ("class", "band"), ("data-label", series.label), ("d", data),
                    ("fill", style(for: series.label).color),
                ])
        }
        writer.close("g")
    }

    /// The band's edges in pixels, split where a value cannot be drawn (not finite, or an upper
    /// edge at or below zero on a log axis).
    func bandStretches(_ series: LineSeries, band: SeriesBand, plot: Rect, xAxis: AxisScale, yAxis: AxisScale)
        -> [(upper: [Point], lower: [Point])]
    {
        let count = min(series.x.count, band.lower.count, band.upper.count)
        var lower = Array(band.lower.prefix(count))
        var upper = Array(band.upper.prefix(count))
        if let weight = smoothingWeight {
            lower = Smoothing.exponentialMovingAverage(lower, weight: weight)
            upper = Smoothing.exponentialMovingAverage(upper, weight: weight)
        }
        var stretches: [(upper: [Point], lower: [Point])] = []
        var current: (upper: [Point], lower: [Point]) = ([], [])
        func endStretch() {
            if !current.upper.isEmpty { stretches.append(current) }
            current = ([], [])
        }
        for index in 0..<count {
            guard let fx = xAxis.fraction(of: series.x[index]), lower[index].isFinite,
                let fu = yAxis.fraction(of: upper[index])
            else {
                endStretch()
                continue
            }
            // Below zero on a log axis: well under the plot, so that clamping puts it on the bottom edge.
            let fl = yAxis.fraction(of: lower[index]) ?? -1
            let x = plot.x + fx * plot.width
            current.upper.append(Point(x: x, y: plot.maxY - fu * plot.height))
            current.lower.append(Point(x: x, y: plot.maxY - fl * plot.height))
        }
        endStretch()
        return stretches
    }

    /// A polyline held within `top...bottom`: where it crosses an edge a point is added on the edge,
    /// and points beyond are moved onto it, so a filled area between two such lines is exactly the
    /// part of the area between the originals that lies inside the band.
    static func clampedPolyline(_ points: [Point], top: Double, bottom: Double) -> [Point] {
        var result: [Point] = []
        result.reserveCapacity(points.count)
        for (index, point) in points.enumerated() {
            if index > 0 {
                let previous = points[index - 1]
                var crossings: [(t: Double, point: Point)] = []
                for edge in [top, bottom] where (previous.y - edge) * (point.y - edge) < 0 {
                    let t = (edge - previous.y) / (point.y - previous.y)
                    crossings.append((t, Point(x: previous.x + (point.x - previous.x) * t, y: edge)))
                }
                result += crossings.sorted { $0.t < $1.t }.map(\.point)
            }
            result.append(Point(x: point.x, y: min(max(point.y, top), bottom)))
        }
        return result
    }
}
