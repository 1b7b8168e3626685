import XCTest

@testable import Figures

final class SmoothingAndThinningTests: XCTestCase {
    func testBiasCorrectedMovingAverage() {
        let smoothed = Smoothing.exponentialMovingAverage([1, 0], weight: 0.5)
        XCTAssertEqual(smoothed[0], 1, accuracy: 1e-12)
        XCTAssertEqual(smoothed[1], 1.0 / 3, accuracy: 1e-12)
        // A constant series stays constant: the bias correction removes the pull toward 0.
        for value in Smoothing.exponentialMovingAverage(Array(repeating: 5, count: 50), weight: 0.9) {
            XCTAssertEqual(value, 5, accuracy: 1e-9)
        }
    }

    func testSmoothingPassesNonFiniteValuesThrough() {
        let smoothed = Smoothing.exponentialMovingAverage([2, .nan, 2, .infinity, 2], weight: 0.6)
        XCTAssertTrue(smoothed[1].isNaN)
        XCTAssertEqual(smoothed[3], .infinity)
        XCTAssertEqual(smoothed[4], 2, accuracy: 1e-12)
    }

    func testSmoothingWeightsOutsideTheRange() {
        XCTAssertEqual(Smoothing.exponentialMovingAverage([1, 2, 3], weight: 0), [1, 2, 3])
        XCTAssertEqual(Smoothing.exponentialMovingAverage([1, 2, 3], weight: -1), [1, 2, 3])
        XCTAssertEqual(Smoothing.exponentialMovingAverage([1, 2, 3], weight: .nan), [1, 2, 3])
        XCTAssertTrue(Smoothing.exponentialMovingAverage([1, 2, 3], weight: 1).allSatisfy(\.isFinite))
    }

    func testThinningKeepsEndpointsAndPeaks() {
        var points = (0..<5000).map { Point(x: Double($0) / 10, y: 100 + sin(Double($0) / 300)) }
        points[2345].y = -400  // a single spike must survive
        let thinned = Thinning.largestTriangleThreeBuckets(points, maximumCount: 400)
        XCTAssertEqual(thinned.count, 400)
        XCTAssertEqual(thinned.first, points.first)
        XCTAssertEqual(thinned.last, points.last)
        XCTAssertTrue(thinned.contains(points[2345]))
        XCTAssertEqual(thinned, Thinning.largestTriangleThreeBuckets(points, maximumCount: 400))
        XCTAssertEqual(zip(thinned, thinned.dropFirst()).filter { $0.x >= $1.x }.count, 0)
    }

    func testThinningLeavesShortSeriesAlone() {
        let points = (0..<10).map { Point(x: Double($0), y: Double($0 * $0)) }
        XCTAssertEqual(Thinning.largestTriangleThreeBuckets(points, maximumCount: 400), points)
        XCTAssertEqual(Thinning.largestTriangleThreeBuckets(points, maximumCount: 2).count, 2)
        XCTAssertEqual(Thinning.thinned([points, [points[0]]], maximumCount: 400), [points, [points[0]]])
    }

    func testPathDataIsRelativeAndSplitsAtGaps() {
        let segments = [
            [Point(x: 10, y: 20), Point(x: 12.54, y: 18), Point(x: 12.54, y: 18.01)],
            [Point(x: 30, y: 5)], [Point(x: 40, y: 5), Point(x: 41, y: 6)],
        ]
        let (data, isolated) = PathData.polylines(segments)
        XCTAssertEqual(data, "M10 20l2.5-2M40 5l1 1")
        XCTAssertEqual(isolated, [Point(x: 30, y: 5)])
    }
}
