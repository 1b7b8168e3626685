import XCTest

@testable import Figures

/// Reference lines, fixed ranges, off-scale marks, direct labels, descriptions and dark mode.
final class ReadabilityTests: XCTestCase {
    func testReferenceLinesAreDottedAndLabelled() {
        var palette = Palette()
        let svg = SVGInspector.parsed(GoldenFigureTests.orderedSweep().svg(palette: &palette))
        let groups = svg.elements(named: "g", className: "references")
        XCTAssertEqual(
            groups.count, 1, "uniform (ln 10) is within the loss range; chance 10% is outside 60–95%")
        XCTAssertEqual(groups.first?.attributes["stroke-dasharray"], "1.5 3")
        XCTAssertTrue(svg.texts.contains("uniform"))
        XCTAssertFalse(svg.texts.contains("chance"))
    }

    func testFixedRangeClipsAndMarksValuesOutsideIt() {
        let series = [
            LineSeries(label: "a", x: [1, 2, 3, 4], y: [0.8, 0.85, 0.87, 0.88]),
            LineSeries(label: "b", x: [1, 2, 3, 4], y: [0.1, 0.1, 0.1, 0.1]),
        ]
        var panel = LinePanel(title: "", xLabel: "Epoch", yLabel: "", series: series, percent: true)
        panel.yRange = 0.75...0.9
        var palette = Palette()
        let svg = SVGInspector.parsed(LineChart(title: "", panels: [panel]).svg(palette: &palette))
        XCTAssertTrue(svg.texts.contains("75%") && svg.texts.contains("90%"))
        XCTAssertFalse(svg.texts.contains("10%"), "the axis is not stretched to the run outside it")
        XCTAssertEqual(
            svg.elements(named: "polygon", className: "off-scale").count, 1, "one mark for one stretch below")
        // Without the range the axis reaches down to 10%.
        panel.yRange = nil
        var other = Palette()
        let plain = SVGInspector.parsed(LineChart(title: "", panels: [panel]).svg(palette: &other))
        XCTAssertEqual(plain.elements(named: "polygon", className: "off-scale").count, 0)
    }

    func testFocusScalesToTheNamedRuns() {
        let series = [
            LineSeries(label: "a", x: [1, 2, 3], y: [0.81, 0.83, 0.85]),
            LineSeries(label: "b", x: [1, 2, 3], y: [0.1, 0.1, 0.1]),
        ]
        var panel = LinePanel(title: "", xLabel: "", yLabel: "", series: series, percent: true)
        panel.focus = ["a"]
        var palette = Palette()
        let svg = SVGInspector.parsed(LineChart(title: "", panels: [panel]).svg(palette: &palette))
        XCTAssertFalse(svg.texts.contains("0%") || svg.texts.contains("10%"))
        XCTAssertFalse(svg.elements(named: "polygon", className: "off-scale").isEmpty)
    }

    func testClippingCutsAtTheEdges() {
        let points = [Point(x: 0, y: 50), Point(x: 10, y: 150), Point(x: 20, y: 160), Point(x: 30, y: 50)]
        let (segments, marks) = PanelRenderer.clipped([points], top: 0, bottom: 100)
        XCTAssertEqual(segments.count, 2)
        XCTAssertEqual(segments[0].last, Point(x: 5, y: 100))
        XCTAssertEqual(segments[1].first?.y, 100)
        XCTAssertEqual(marks, [PanelRenderer.OffScale(point: Point(x: 20, y: 100), above: false)])
        // A jump from above to below the plot crosses it as a straight piece.
        let (across, acrossMarks) = PanelRenderer.clipped(
            [[Point(x: 0, y: -50), Point(x: 10, y: 150)]], top: 0, bottom: 100)
        XCTAssertEqual(across, [[Point(x: 2.5, y: 0), Point(x: 7.5, y: 100)]])
        XCTAssertEqual(acrossMarks.map(\.above), [true, false])
    }

    func testSpreadLabelsKeepsOrderSpacingAndBounds() {
        let placed = PanelRenderer.spreadLabels([50, 51, 52, 200], spacing: 14, top: 0, bottom: 300)
        XCTAssertEqual(placed?.count, 4)
        if let placed {
            for index in placed.indices.dropFirst() {
                XCTAssertGreaterThanOrEqual(placed[index] - placed[index - 1], 14 - 1e-9)
            }
            XCTAssertEqual(
                (placed[0] + placed[1] + placed[2]) / 3, 51, accuracy: 1e-9,
                "a crowded group stays centred on its curves")
            XCTAssertEqual(placed[3], 200)
        }
        let atBottom = PanelRenderer.spreadLabels([98, 99, 100], spacing: 14, top: 0, bottom: 100)
        XCTAssertEqual(atBottom?.last, 100)
        XCTAssertEqual(atBottom?.first, 72)
        XCTAssertNil(PanelRenderer.spreadLabels([1, 2, 3], spacing: 14, top: 0, bottom: 20))
    }

    func testDirectLabelsReplaceLegendEntriesWhenTheyFit() {
        var palette = Palette()
        let svg = SVGInspector.parsed(GoldenFigureTests.orderedSweep().svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "g", className: "direct-labels").count, 1)
        for label in ["lr 0.001", "lr 0.01", "lr 0.1"] {
            XCTAssertEqual(svg.texts.filter { $0 == label }.count, 1, "\(label) named once, at its curve")
        }
        var chart = GoldenFigureTests.orderedSweep()
        chart.directLabels = false
        var other = Palette()
        let legend = SVGInspector.parsed(chart.svg(palette: &other))
        XCTAssertEqual(legend.elements(named: "g", className: "direct-labels").count, 0)
        XCTAssertTrue(legend.texts.contains("lr 0.1"))
    }

    func testLongLabelsFallBackToTheLegend() {
        var palette = Palette()
        let long = ["a rather long run label that cannot fit", "another rather long run label here"]
        let series = long.map { LineSeries(label: $0, x: [1, 2], y: [1, 2]) }
        let chart = LineChart(
            title: "", panels: [LinePanel(title: "", xLabel: "", yLabel: "", series: series)])
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "g", className: "direct-labels").count, 0)
        XCTAssertTrue(svg.texts.contains(long[0]))
    }

    func testDescriptionStatesTheFinalValues() {
        var palette = Palette()
        let text = GoldenFigureTests.orderedSweep().svg(palette: &palette)
        let svg = SVGInspector.parsed(text)
        let desc = svg.elements(named: "desc").first
        XCTAssertNotNil(desc)
        let summary = GoldenFigureTests.orderedSweep().summary()
        XCTAssertTrue(summary.hasPrefix("Loss (train / validation), final: lr 0.001 "), summary)
        XCTAssertTrue(summary.contains("Validation accuracy, final: lr 0.001 "), summary)
        XCTAssertTrue(summary.contains("Reference lines: uniform 2.30; chance 10.00%."), summary)
        XCTAssertTrue(text.contains("<desc>\(summary.xmlEscaped)</desc>"))
        XCTAssertNotEqual(summary, "Learning rate")
    }

    func testDarkModeRecolorsEveryColourUsed() {
        var palette = Palette()
        let text = GoldenFigureTests.orderedSweep().svg(palette: &palette)
        XCTAssertTrue(text.contains("<style>@media (prefers-color-scheme: dark){"))
        XCTAssertTrue(text.contains("[fill=\"#FFFFFF\"]{fill:\(FigureTheme.darkBackground)}"))
        // Every colour drawn has a dark-mode rule.
        let pattern = try! NSRegularExpression(pattern: "(fill|stroke)=\"(#[0-9A-F]{6})\"")
        let body = text.components(separatedBy: "</style>").last ?? ""
        let matches = pattern.matches(in: body, range: NSRange(body.startIndex..., in: body))
        for match in matches {
            let property = String(body[Range(match.range(at: 1), in: body)!])
            let color = String(body[Range(match.range(at: 2), in: body)!])
            XCTAssertTrue(
                text.contains("[\(property)=\"\(color)\"]{\(property):"),
                "no dark rule for \(property) \(color)")
        }
    }
}
