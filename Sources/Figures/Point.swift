/// A point in pixel coordinates, y growing downward as in SVG.
struct Point: Equatable {
    var x: Double
    var y: Double
}
