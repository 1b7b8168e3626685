/// Drawing a marker symbol into an SVG.
extension Marker {
    /// Draws the symbol centred on `center`, filled with `color` and outlined in white so it
    /// stays visible where curves cross. `.none` draws nothing.
    func draw(at center: Point, color: String, size: Double = 7, into writer: inout SVGWriter) {
        let half = size / 2
        let outline: [(String, String)] = [("fill", color), ("stroke", "#FFFFFF"), ("stroke-width", "1")]
        let f = NumberFormat.coordinate
        switch self {
        case .none:
            return
        case .circle:
            writer.element(
                "circle", [("cx", f(center.x)), ("cy", f(center.y)), ("r", f(half))] + outline)
        case .square:
            let side = size * 0.9
            writer.element(
                "rect",
                [
                    ("x", f(center.x - side / 2)), ("y", f(center.y - side / 2)),
                    ("width", f(side)), ("height", f(side)),
                ] + outline)
        case .triangle:
            let r = half * 1.2
            let points = [
                Point(x: center.x, y: center.y - r),
                Point(x: center.x + r * 0.866, y: center.y + r * 0.5),
                Point(x: center.x - r * 0.866, y: center.y + r * 0.5),
            ]
            writer.element("polygon", [("points", Self.pointList(points))] + outline)
        case .diamond:
            let r = half * 1.15
            let points = [
                Point(x: center.x, y: center.y - r), Point(x: center.x + r, y: center.y),
                Point(x: center.x, y: center.y + r), Point(x: center.x - r, y: center.y),
            ]
            writer.element("polygon", [("points", Self.pointList(points))] + outline)
        }
    }

    private static func pointList(_ points: [Point]) -> String {
        points.map { NumberFormat.coordinate($0.x) + "," + NumberFormat.coordinate($0.y) }
            .joined(separator: " ")
    }
}
