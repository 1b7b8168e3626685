/// Deterministic reduction of dense curves to a bounded number of points.
enum Thinning {
    /// At most `maximumCount` of `points`, chosen by Largest-Triangle-Three-Buckets.
    ///
    /// The first and last points are always kept, and each bucket in between keeps the
    /// point that forms the largest triangle with its neighbours, so peaks and dips survive
    /// where plain striding would drop them. The same input always gives the same output.
    static func largestTriangleThreeBuckets(_ points: [Point], maximumCount: Int) -> [Point] {
        let count = points.count
        guard count > maximumCount, count > 2 else { return points }
        guard maximumCount >= 3 else { return [points[0], points[count - 1]] }

        let bucketSize = Double(count - 2) / Double(maximumCount - 2)
        var result = [points[0]]
        result.reserveCapacity(maximumCount)
        var anchor = 0
        for bucket in 0..<(maximumCount - 2) {
            let nextStart = Int((Double(bucket + 1) * bucketSize).rounded(.down)) + 1
            let nextEnd = min(Int((Double(bucket + 2) * bucketSize).rounded(.down)) + 1, count)
            var averageX = 0.0
            var averageY = 0.0
            for index in nextStart..<max(nextEnd, nextStart + 1) where index < count {
                averageX += points[index].x
                averageY += points[index].y
            }
            let nextCount = Double(max(min(nextEnd, count) - nextStart, 1))
            averageX /= nextCount
            averageY /= nextCount

            let start = Int((Double(bucket) * bucketSize).rounded(.down)) + 1
            let end = min(Int((Double(bucket + 1) * bucketSize).rounded(.down)) + 1, count - 1)
            var chosen = start
            var largestArea = -1.0
            let a = points[anchor]
            for index in start..<max(end, start + 1) {
                let p = points[index]
                let area = abs((a.x - averageX) * (p.y - a.y) - (a.x - p.x) * (averageY - a.y))
                if area > largestArea {
                    largestArea = area
                    chosen = index
                }
            }
            result.append(points[chosen])
            anchor = chosen
        }
        result.append(points[count - 1])
        return result
    }

    /// `segments` thinned so that together they hold at most about `maximumCount` points,
    /// each segment keeping a share in proportion to its length (and at least its endpoints).
    static func thinned(_ segments: [[Point]], maximumCount: Int) -> [[Point]] {
        let total = segments.reduce(0) { $0 + $1.count }
        guard total > maximumCount else { return segments }
        return segments.map { segment in
            let share = Int(Double(segment.count) * Double(maximumCount) / Double(total))
            return largestTriangleThreeBuckets(segment, maximumCount: max(share, 2))
        }
    }
}
