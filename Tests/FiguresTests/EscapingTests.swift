import XCTest

@testable import Figures

final class EscapingTests: XCTestCase {
    private let hostile = "<script>alert(\"x\")</script> & 'quoted' \"double\" ]]> <!--"

    func testHostileLabelsAreEscapedEverywhere() {
        var chart = LineChart(
            title: hostile,
            panels: [
                LinePanel(
                    title: hostile, xLabel: hostile, yLabel: hostile,
                    series: [
                        LineSeries(label: hostile, x: [1, 2], y: [1, 2]),
                        LineSeries(label: hostile, x: [1, 2], y: [2, 3], dashed: true),
                    ])
            ],
            caption: hostile)
        chart.solidMeaning = "<train>"
        chart.dashedMeaning = "a & b"
        var palette = Palette()
        let text = chart.svg(palette: &palette)
        XCTAssertFalse(text.contains("<script"))
        XCTAssertFalse(text.contains("<!--"))
        let svg = SVGInspector.parsed(text)
        XCTAssertEqual(svg.elements(named: "script").count, 0)
        XCTAssertEqual(svg.elements(named: "title").first?.text, hostile)
        XCTAssertTrue(svg.texts.contains(hostile), "legend shows the label unchanged")
        XCTAssertTrue(svg.texts.contains("<train>"))
        XCTAssertTrue(svg.texts.contains("a & b"))
        XCTAssertEqual(
            svg.elements(named: "path", className: "series").first?.attributes["data-label"], hostile)
    }

    func testHostileBarLabels() {
        var chart = BarChart(
            title: hostile, yLabel: hostile, bars: [(hostile, 0.5), ("ok", 0.7)], percent: true)
        chart.xLabel = hostile
        chart.caption = hostile
        var palette = Palette()
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "script").count, 0)
        XCTAssertEqual(svg.elements(named: "rect", className: "bar").first?.attributes["data-label"], hostile)
    }

    func testControlCharactersAndLineBreaksAreRemoved() {
        XCTAssertEqual("a\u{0}b\u{1B}c\nd\u{FFFF}".xmlEscaped, "abc d")
        XCTAssertEqual("<&>\"'".xmlEscaped, "&lt;&amp;&gt;&quot;&apos;")
        XCTAssertEqual("naïve 学习 🙂".xmlEscaped, "naïve 学习 🙂")
        var palette = Palette()
        let chart = LineChart(
            title: "t\u{7}",
            panels: [
                LinePanel(
                    title: "p", xLabel: "x", yLabel: "y",
                    series: [LineSeries(label: "bell\u{7}\u{0}", x: [1], y: [1])])
            ])
        XCTAssertNil(SVGInspector(chart.svg(palette: &palette)).parseError)
    }
}
