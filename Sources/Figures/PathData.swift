/// Compact, deterministic SVG path data for polylines.
enum PathData {
    /// Path data drawing each segment as a polyline, with coordinates on a 0.1 px grid.
    ///
    /// Each segment starts with an absolute `M` and continues with relative `l` moves between
    /// the rounded points, so rounding never accumulates. Consecutive points that round to
    /// the same position are written once. Segments of a single point produce no path data;
    /// they are returned in `isolated` so the caller can draw them as dots.
    static func polylines(_ segments: [[Point]]) -> (data: String, isolated: [Point]) {
        var data = ""
        var isolated: [Point] = []
        for segment in segments {
            var grid: [(x: Int, y: Int)] = []
            for point in segment {
                let position = (x: NumberFormat.pixelTenths(point.x), y: NumberFormat.pixelTenths(point.y))
                if let last = grid.last, last == position { continue }
                grid.append(position)
            }
            guard let first = grid.first else { continue }
            if grid.count == 1 {
                isolated.append(Point(x: Double(first.x) / 10, y: Double(first.y) / 10))
                continue
            }
            data += "M" + NumberFormat.tenths(first.x) + separated(NumberFormat.tenths(first.y))
            data += "l"
            var previous = first
            for (index, position) in grid.dropFirst().enumerated() {
                let dx = NumberFormat.tenths(position.x - previous.x)
                let dy = NumberFormat.tenths(position.y - previous.y)
                data += (index == 0 ? dx : separated(dx)) + separated(dy)
                previous = position
            }
        }
        return (data, isolated)
    }

    /// A number preceded by a space unless its minus sign already separates it.
    private static func separated(_ number: String) -> String {
        number.hasPrefix("-") ? number : " " + number
    }
}
