/// Drawing the curves of a panel.
extension PanelRenderer {
    /// Markers drawn along one curve when its style has a marker.
    private static let markersPerCurve = 6

    /// The active EMA weight, or `nil` when smoothing is off or the weight is unusable.
    var smoothingWeight: Double? {
        guard let weight = smoothing, weight.isFinite, weight > 0 else { return nil }
        return min(weight, 0.999)
    }

    /// Draws every series of the panel (the faint raw curves first when smoothing), and
    /// returns the pixel position where each label's last curve ends (nothing if no point could be
    /// drawn). Curves are cut at the plot's top and bottom; where one leaves, a triangle marks it.
    func drawSeries(plot: Rect, xAxis: AxisScale, yAxis: AxisScale, into writer: inout SVGWriter) -> [(
        label: String, end: Point
    )] {
        let f = NumberFormat.coordinate
        // More than about one point per pixel column adds bytes but nothing visible.
        let maximumPoints = max(2, min(self.maximumPoints, Int(plot.width)))
        let rawPoints = max(2, maximumPoints / 2)
        var ends: [(label: String, end: Point)] = []
        if smoothingWeight != nil {
            writer.open(
                "g",
                [
                    ("class", "raw"), ("fill", "none"), ("stroke-width", "1.2"),
                    ("stroke-opacity", NumberFormat.fixed(FigureTheme.rawOpacity, decimals: 2)),
                ])
            for series in panel.series {
                let style = self.style(for: series.label)
                let projection = projected(x: series.x, y: series.y, plot: plot, xAxis: xAxis, yAxis: yAxis)
                let inside = Self.clipped(projection, top: plot.y, bottom: plot.maxY).segments
                // The faint raw curve needs less detail than the one drawn on top of it.
                let (data, _) = PathData.polylines(Thinning.thinned(inside, maximumCount: rawPoints))
                var attributes: [(String, String)] = [("d", data), ("stroke", style.color)]
                if series.dashed { attributes.append(("stroke-dasharray", FigureTheme.dashPattern)) }
                writer.element("path", attributes)
            }
            writer.close("g")
        }

        writer.open(
            "g",
            [
                ("class", "curves"), ("fill", "none"), ("stroke-width", f(FigureTheme.lineWidth)),
                ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
            ])
        var markerCalls: [(points: [Point], style: SeriesStyle)] = []
        var offScaleCalls: [(marks: [OffScale], style: SeriesStyle)] = []
        for series in panel.series {
            let style = self.style(for: series.label)
            let count = min(series.x.count, series.y.count)
            var values = Array(series.y.prefix(count))
            if let weight = smoothingWeight {
                values = Smoothing.exponentialMovingAverage(values, weight: weight)
            }
            let projection = projected(x: series.x, y: values, plot: plot, xAxis: xAxis, yAxis: yAxis)
            let (inside, offScale) = Self.clipped(projection, top: plot.y, bottom: plot.maxY)
            let segments = Thinning.thinned(inside, maximumCount: maximumPoints)
            let (data, isolated) = PathData.polylines(segments)
            var attributes: [(String, String)] = [
                ("class", "series"), ("data-label", series.label), ("d", data), ("stroke", style.color),
            ]
            if series.dashed { attributes.append(("stroke-dasharray", FigureTheme.dashPattern)) }
            writer.element("path", attributes)
            for point in isolated {
                writer.element(
                    "circle",
                    [
                        ("class", "point"), ("cx", f(point.x)), ("cy", f(point.y)), ("r", "3"),
                        ("fill", style.color), ("stroke", "none"),
                    ])
            }
            // Markers sit on data points only, not where a clipped line meets the edge.
            let points = projection.flatMap { $0 }.filter {
                $0.y >= plot.y - 0.05 && $0.y <= plot.maxY + 0.05
            }
            if style.marker != .none && !points.isEmpty { markerCalls.append((points, style)) }
            if !offScale.isEmpty { offScaleCalls.append((offScale, style)) }
            if let last = projection.last?.last {
                let end = Point(x: last.x, y: min(max(last.y, plot.y), plot.maxY))
                ends.removeAll { $0.label == series.label }
                ends.append((series.label, end))
            }
        }
        writer.close("g")

        if !markerCalls.isEmpty {
            writer.open("g", [("class", "markers")])
            for (points, style) in markerCalls {
                for point in Self.markerPositions(points, style: style) {
                    style.marker.draw(at: point, color: style.color, into: &writer)
                }
            }
            writer.close("g")
        }
        if !offScaleCalls.isEmpty {
            writer.open("g", [("class", "off-scale-marks")])
            for (marks, style) in offScaleCalls {
                for mark in marks { Self.drawOffScale(mark, color: style.color, into: &writer) }
            }
            writer.close("g")
        }
        return ends
    }

    /// The style of `label`, falling back to the first palette entry for an unknown label.
    func style(for label: String) -> SeriesStyle {
        styles[label] ?? Palette.style(at: 0)
    }

    /// The drawable points of a series in pixel coordinates, split into runs of consecutive
    /// drawable points; a non-finite (or, on a log axis, non-positive) value starts a new run.
    /// Values outside the y range land outside the plot; `clipped` cuts them.
    func projected(x: [Double], y: [Double], plot: Rect, xAxis: AxisScale, yAxis: AxisScale) -> [[Point]] {
        var segments: [[Point]] = []
        var current: [Point] = []
        for index in 0..<min(x.count, y.count) {
            if let fx = xAxis.fraction(of: x[index]), let fy = yAxis.fraction(of: y[index]) {
                current.append(Point(x: plot.x + fx * plot.width, y: plot.maxY - fy * plot.height))
            } else if !current.isEmpty {
                segments.append(current)
                current = []
            }
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    /// A few evenly spread points of a curve, offset by the style's index so that markers of
    /// different runs do not sit on top of each other.
    private static func markerPositions(_ points: [Point], style: SeriesStyle) -> [Point] {
        guard points.count > 1 else { return points }
        let count = min(markersPerCurve, points.count)
        let phase = 0.2 + 0.6 * Double(style.index % 7) / 7
        return (0..<count).map { k in
            let t = (Double(k) + phase) / Double(count)
            return points[Int((t * Double(points.count - 1)).rounded())]
        }
    }
}
