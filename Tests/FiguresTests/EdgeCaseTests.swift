import XCTest

@testable import Figures

final class EdgeCaseTests: XCTestCase {
    private func render(_ series: [LineSeries], logY: Bool = false, percent: Bool = false) -> (
        String, SVGInspector
    ) {
        let chart = LineChart(
            title: "Edge cases",
            panels: [
                LinePanel(
                    title: "Panel", xLabel: "Epoch", yLabel: "Value", series: series, percent: percent,
                    logY: logY)
            ], smoothing: 0.5)
        var palette = Palette()
        let text = chart.svg(palette: &palette)
        return (text, SVGInspector.parsed(text))
    }

    /// Checks no coordinate or label leaked a non-finite number and the axes have ticks.
    private func assertSane(
        _ text: String, _ svg: SVGInspector, file: StaticString = #filePath, line: UInt = #line
    ) {
        for leaked in ["nan", "NaN", "inf", "∞"] {
            XCTAssertFalse(text.contains(leaked), "output contains \(leaked)", file: file, line: line)
        }
        let tickLabels = svg.elements(named: "text").filter { $0.attributes["text-anchor"] == "end" }
        XCTAssertGreaterThanOrEqual(tickLabels.count, 2, "y axis lost its ticks", file: file, line: line)
        XCTAssertEqual(
            Set(tickLabels.map(\.text)).count, tickLabels.count, "duplicate tick labels",
            file: file, line: line)
    }

    func testNonFiniteValuesLeaveGaps() {
        let (text, svg) = render([
            LineSeries(label: "a", x: [1, 2, 3, 4, 5, 6], y: [1, .nan, 0.8, .infinity, 0.6, 0.5]),
            LineSeries(label: "b", x: [1, .nan, 3], y: [-.infinity, 0.9, 0.7], dashed: true),
        ])
        assertSane(text, svg)
        let paths = svg.elements(named: "path", className: "series")
        XCTAssertEqual(paths.count, 2)
        // [1] and [0.8] are isolated dots; only [0.6, 0.5] is a line.
        XCTAssertEqual(paths[0].attributes["d"]?.filter { $0 == "M" }.count, 1)
        XCTAssertEqual(svg.elements(named: "circle", className: "point").count, 3)
    }

    func testEmptySeriesAndEmptyPanel() {
        let (text, svg) = render([LineSeries(label: "empty", x: [], y: [])])
        assertSane(text, svg)
        XCTAssertEqual(svg.elements(named: "path", className: "series").count, 1)
        XCTAssertTrue(svg.texts.contains("empty"))
        XCTAssertTrue(svg.texts.contains("no data"))

        var palette = Palette()
        let none = LineChart(title: "Nothing", panels: []).svg(palette: &palette)
        XCTAssertNil(SVGInspector(none).parseError)
    }

    func testSinglePointAndEpochZero() {
        let (text, svg) = render([LineSeries(label: "eval only", x: [0], y: [0.42])], percent: true)
        assertSane(text, svg)
        XCTAssertEqual(svg.elements(named: "circle", className: "point").count, 1)
    }

    func testAllEqualValues() {
        let (text, svg) = render([
            LineSeries(label: "flat", x: [1, 2, 3], y: [0.5, 0.5, 0.5]),
            LineSeries(label: "flat2", x: [1, 2, 3], y: [0.5, 0.5, 0.5], dashed: true),
        ])
        assertSane(text, svg)
        let (zeroText, zeroSVG) = render([LineSeries(label: "zero", x: [5, 5], y: [0, 0])])
        assertSane(zeroText, zeroSVG)
        let (fullText, fullSVG) = render(
            [LineSeries(label: "perfect", x: [1, 2], y: [1, 1])], percent: true)
        assertSane(fullText, fullSVG)
        XCTAssertFalse(fullSVG.texts.contains { $0.hasPrefix("11") }, "percent axis should stop at 100%")
    }

    func testAllNonFiniteAndNonPositiveOnLogAxis() {
        let (text, svg) = render([LineSeries(label: "bad", x: [1, 2, 3], y: [.nan, .nan, .infinity])])
        assertSane(text, svg)
        let (logText, logSVG) = render(
            [LineSeries(label: "zeros", x: [1, 2, 3], y: [0, -1, 0])], logY: true)
        assertSane(logText, logSVG)
        let (mixedText, mixedSVG) = render(
            [LineSeries(label: "m", x: [1, 2, 3], y: [1, 0, 0.1])], logY: true)
        assertSane(mixedText, mixedSVG)
    }

    func testMismatchedLengthsAndHugeValues() {
        let (text, svg) = render([
            LineSeries(label: "short", x: [1, 2, 3, 4], y: [1, 2]),
            LineSeries(label: "huge", x: [1, 2], y: [1e300, -1e300]),
        ])
        XCTAssertNil(svg.parseError)
        XCTAssertFalse(text.contains("nan"))
    }

    func testUnusualSizesAndSmoothing() {
        var chart = Fixtures.trainingChart(runs: 2, smoothing: .nan)
        chart.width = -5
        chart.panelHeight = .infinity
        var palette = Palette()
        XCTAssertNil(SVGInspector(chart.svg(palette: &palette)).parseError)
        chart.smoothing = 1
        chart.maximumPointsPerSeries = 0
        XCTAssertNil(SVGInspector(chart.svg(palette: &palette)).parseError)
    }
}
