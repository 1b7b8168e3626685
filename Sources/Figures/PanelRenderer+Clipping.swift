/// Keeping curves inside a panel whose y range leaves some values out.
extension PanelRenderer {
    /// Where a curve leaves the plot: the edge point to mark and whether it is the top edge.
    struct OffScale: Equatable {
        var point: Point
        var above: Bool
    }

    /// `segments` cut to the band `top...bottom` (pixel y grows downwards): a line crossing an
    /// edge ends or starts exactly on it. Each stretch of consecutive points beyond one edge
    /// yields one `OffScale` at the edge, at the x of the stretch's last point.
    static func clipped(_ segments: [[Point]], top: Double, bottom: Double) -> (
        segments: [[Point]], offScale: [OffScale]
    ) {
        var result: [[Point]] = []
        var marks: [OffScale] = []
        func side(_ p: Point) -> Int { p.y < top ? -1 : (p.y > bottom ? 1 : 0) }
        func crossing(_ a: Point, _ b: Point, at y: Double) -> Point {
            let t = (y - a.y) / (b.y - a.y)
            return Point(x: a.x + (b.x - a.x) * t, y: y)
        }
        for segment in segments {
            var current: [Point] = []
            var stretchEnd: Point?
            var stretchSide = 0
            func closeStretch() {
                if let end = stretchEnd {
                    marks.append(
                        OffScale(
                            point: Point(x: end.x, y: stretchSide < 0 ? top : bottom), above: stretchSide < 0)
                    )
                }
                stretchEnd = nil
                stretchSide = 0
            }
            for (index, point) in segment.enumerated() {
                let s = side(point)
                let previous = index > 0 ? segment[index - 1] : nil
                if s == 0 {
                    closeStretch()
                    if let previous, side(previous) != 0 {
                        current.append(crossing(previous, point, at: side(previous) < 0 ? top : bottom))
                    }
                    current.append(point)
                } else {
                    if let previous {
                        let ps = side(previous)
                        if ps == 0 {
                            current.append(crossing(previous, point, at: s < 0 ? top : bottom))
                        } else if ps != s {
                            // Straight across the plot from one edge to the other.
                            closeStretch()
                            let enter = crossing(previous, point, at: ps < 0 ? top : bottom)
                            let leave = crossing(previous, point, at: s < 0 ? top : bottom)
                            result.append([enter, leave])
                        }
                    }
                    if !current.isEmpty {
                        result.append(current)
                        current = []
                    }
                    if stretchSide != s { closeStretch() }
                    stretchSide = s
                    stretchEnd = point
                }
            }
            closeStretch()
            if !current.isEmpty { result.append(current) }
        }
        return (result, marks)
    }

    /// Draws a small triangle on the edge pointing away from the plot, in the series colour.
    static func drawOffScale(_ mark: OffScale, color: String, into writer: inout SVGWriter) {
        let r = 4.5
        let y = mark.point.y
        let tip = mark.above ? y - r : y + r
        let base = mark.above ? y + r * 0.6 : y - r * 0.6
        let points = [
            Point(x: mark.point.x, y: tip), Point(x: mark.point.x + r, y: base),
            Point(x: mark.point.x - r, y: base),
        ]
        let text = points.map { NumberFormat.coordinate($0.x) + "," + NumberFormat.coordinate($0.y) }
            .joined(separator: " ")
        writer.element(
            "polygon",
            [
                ("class", "off-scale"), ("points", text), ("fill", color), ("stroke", FigureTheme.background),
                ("stroke-width", "1"),
            ])
    }
}
