import XCTest

@testable import Figures

final class PaletteTests: XCTestCase {
    func testColoursInOrderOfFirstUse() {
        var palette = Palette()
        let a = palette.style(for: "a")
        let b = palette.style(for: "b")
        XCTAssertEqual(palette.style(for: "a"), a)
        XCTAssertNotEqual(a.color, b.color)
        XCTAssertEqual(a.color, "#0072B2")
        XCTAssertEqual(palette.labels, ["a", "b"])
        XCTAssertEqual(palette.existingStyle(for: "b"), b)
        XCTAssertNil(palette.existingStyle(for: "c"))
    }

    func testEveryStyleHasAMarkerAndPairsDoNotRepeat() {
        var palette = Palette()
        let styles = (0..<28).map { palette.style(for: "run \($0)") }
        let colourCount = Palette.okabeIto.count
        XCTAssertEqual(Set(styles.prefix(colourCount).map(\.color)).count, colourCount)
        XCTAssertTrue(styles.allSatisfy { $0.marker != .none }, "a second cue besides hue for every series")
        XCTAssertEqual(styles[colourCount].color, styles[0].color)
        XCTAssertNotEqual(styles[colourCount].marker, styles[0].marker)
        let pairs = Set(styles.map { "\($0.color) \($0.marker)" })
        XCTAssertEqual(pairs.count, styles.count, "every label distinguishable by colour and marker")
        XCTAssertFalse(Palette.okabeIto.contains { $0.color == "#F0E442" }, "yellow is unreadable on white")
    }

    func testAssignedStylesWinAndBaselineIsTheOnlyOneWithoutMarker() {
        var palette = Palette()
        palette.assign(Palette.baseline, to: "default")
        palette.assign(Palette.ordered(0, of: 2), to: "small")
        let styles = palette.styles(for: ["default", "small", "other"])
        XCTAssertEqual(styles["default"], Palette.baseline)
        XCTAssertEqual(styles["small"], Palette.ordered(0, of: 2))
        XCTAssertEqual(styles["other"]?.color, Palette.okabeIto[0].color)
        XCTAssertEqual(Palette.baseline.marker, .none)
        // A label keeps its first style.
        palette.assign(Palette.ordered(1, of: 2), to: "small")
        XCTAssertEqual(palette.existingStyle(for: "small"), Palette.ordered(0, of: 2))
    }

    func testLabelKeepsColourAcrossFigures() {
        var palette = Palette()
        let lines = LineChart(
            title: "",
            panels: [
                LinePanel(
                    title: "", xLabel: "", yLabel: "",
                    series: [
                        LineSeries(label: "lr=0.1", x: [1, 2], y: [1, 2]),
                        LineSeries(label: "lr=0.01", x: [1, 2], y: [1, 2]),
                    ])
            ])
        _ = lines.svg(palette: &palette)
        let bars = BarChart(
            title: "", yLabel: "", bars: [("lr=0.01", 0.9), ("lr=0.001", 0.8), ("lr=0.1", 0.7)])
        let svg = SVGInspector.parsed(bars.svg(palette: &palette))
        let fills = Dictionary(
            uniqueKeysWithValues: svg.elements(named: "rect", className: "bar").map {
                ($0.attributes["data-label"] ?? "", $0.attributes["fill"] ?? "")
            })
        XCTAssertEqual(fills["lr=0.1"], Palette.style(at: 0).color)
        XCTAssertEqual(fills["lr=0.01"], Palette.style(at: 1).color)
        XCTAssertEqual(fills["lr=0.001"], Palette.style(at: 2).color)
    }

    /// A report with many labels overall still gets distinct colours within each small figure,
    /// while a label seen before keeps its colour.
    func testFigureLabelsGetDistinctColoursAfterManyOthers() {
        var palette = Palette()
        _ = palette.styles(for: (0..<12).map { "earlier \($0)" })
        let kept = palette.existingStyle(for: "earlier 1")
        let styles = palette.styles(for: ["earlier 1", "new a", "new b", "new c"])
        XCTAssertEqual(styles["earlier 1"], kept)
        let colours = ["earlier 1", "new a", "new b", "new c"].compactMap { styles[$0]?.color }
        XCTAssertEqual(Set(colours).count, 4, "colours repeat within one figure: \(colours)")
        XCTAssertTrue(["new a", "new b", "new c"].allSatisfy { styles[$0]?.marker != Marker.none })
    }
}
