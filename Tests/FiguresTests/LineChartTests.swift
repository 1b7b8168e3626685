import XCTest

@testable import Figures

final class LineChartTests: XCTestCase {
    func testOnePathPerSeriesAndLegendNamesEveryRun() {
        var palette = Palette()
        let chart = Fixtures.trainingChart(runs: 6)
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "path", className: "series").count, 24)
        let texts = svg.texts
        for label in Fixtures.runLabels {
            XCTAssertEqual(texts.filter { $0 == label }.count, 1, "legend should name \(label) once")
        }
        XCTAssertTrue(texts.contains("train"))
        XCTAssertTrue(texts.contains("validation"))
        XCTAssertTrue(texts.contains("Cross-entropy loss"))
        XCTAssertTrue(texts.contains("MLP on MNIST: learning-rate sweep"))
        XCTAssertTrue(texts.contains("100%"))
    }

    func testTrainAndValidationShareColourAndDifferInDash() {
        var palette = Palette()
        let svg = SVGInspector.parsed(Fixtures.trainingChart(runs: 3).svg(palette: &palette))
        let paths = svg.elements(named: "path", className: "series")
        for label in Fixtures.runLabels.prefix(3) {
            let own = paths.filter { $0.attributes["data-label"] == label }
            XCTAssertEqual(own.count, 4)
            XCTAssertEqual(Set(own.compactMap { $0.attributes["stroke"] }).count, 1)
            XCTAssertEqual(own.filter { $0.attributes["stroke-dasharray"] != nil }.count, 2)
        }
        XCTAssertEqual(Set(paths.compactMap { $0.attributes["stroke"] }).count, 3)
    }

    func testSelfContainedDocument() {
        var palette = Palette()
        let text = Fixtures.trainingChart(runs: 2).svg(palette: &palette)
        let svg = SVGInspector.parsed(text)
        let root = svg.elements.first
        XCTAssertEqual(root?.name, "svg")
        XCTAssertEqual(root?.attributes["width"], "880")
        XCTAssertNotNil(root?.attributes["height"])
        XCTAssertEqual(root?.attributes["viewBox"], "0 0 880 \(root?.attributes["height"] ?? "")")
        XCTAssertTrue(root?.attributes["font-family"]?.hasSuffix("sans-serif") ?? false)
        let background = svg.elements(named: "rect").first
        XCTAssertEqual(background?.attributes["fill"], "#FFFFFF")
        for forbidden in ["<script", "href", "<image", "@import", "url(", "<foreignObject"] {
            XCTAssertFalse(text.contains(forbidden), "contains \(forbidden)")
        }
        // The one style sheet only recolours for a dark colour scheme.
        XCTAssertEqual(text.components(separatedBy: "<style>").count, 2)
        XCTAssertTrue(text.contains("<style>@media (prefers-color-scheme: dark){"))
        XCTAssertEqual(text.components(separatedBy: "http").count, 2, "only the xmlns URI")
    }

    func testDeterministic() {
        var first = Palette()
        var second = Palette()
        let chart = Fixtures.trainingChart(runs: 6, smoothing: 0.6)
        XCTAssertEqual(chart.svg(palette: &first), chart.svg(palette: &second))
        // Re-rendering with the same (already filled) palette gives the same bytes too.
        XCTAssertEqual(chart.svg(palette: &first), chart.svg(palette: &second))
    }

    func testSmoothingDrawsRawCurvesFaintlyBehind() {
        var palette = Palette()
        let svg = SVGInspector.parsed(Fixtures.trainingChart(runs: 2, smoothing: 0.8).svg(palette: &palette))
        let raw = svg.elements.filter {
            $0.name == "path" && $0.attributes["class"] == nil && $0.attributes["d"] != nil
                && $0.attributes["stroke"]?.hasPrefix("#") == true && $0.attributes["stroke"] != "#E4E4E4"
                && $0.attributes["stroke"] != "#666666"
        }
        let smoothed = svg.elements(named: "path", className: "series")
        XCTAssertEqual(raw.count, smoothed.count)
        XCTAssertNotEqual(raw.first?.attributes["d"], smoothed.first?.attributes["d"])
        XCTAssertTrue(svg.texts.contains("unsmoothed"))

        var plain = Palette()
        let unsmoothed = SVGInspector.parsed(Fixtures.trainingChart(runs: 2).svg(palette: &plain))
        XCTAssertFalse(unsmoothed.texts.contains("unsmoothed"))
        XCTAssertEqual(unsmoothed.elements(named: "g", className: "raw").count, 0)
    }

    func testDenseStepSeriesAreThinnedAndStaySmall() {
        let steps = (0..<5000).map(Double.init)
        let series = (0..<6).map { run in
            LineSeries(
                label: Fixtures.runLabels[run], x: steps, y: Fixtures.loss(run: run, count: 5000, noise: 0.2))
        }
        let chart = LineChart(
            title: "Step curves",
            panels: [LinePanel(title: "Loss", xLabel: "Step", yLabel: "Loss", series: series)],
            smoothing: 0.9)
        var palette = Palette()
        let text = chart.svg(palette: &palette)
        let svg = SVGInspector.parsed(text)
        for path in svg.elements(named: "path", className: "series") {
            let d = path.attributes["d"] ?? ""
            let numbers = d.split(whereSeparator: { " lM-".contains($0) }).count
            XCTAssertLessThanOrEqual(numbers / 2, 400)
        }
        XCTAssertTrue(svg.texts.contains("5000"))
        XCTAssertLessThan(text.utf8.count, 120_000, "dense 6-run smoothed figure is \(text.utf8.count) bytes")
    }

    func testTypicalEpochFigureIsSmall() {
        var palette = Palette()
        let text = Fixtures.trainingChart(runs: 6, epochs: 50).svg(palette: &palette)
        XCTAssertLessThan(text.utf8.count, 60_000)
    }

    func testLogScale() {
        let series = [LineSeries(label: "run", x: [1, 2, 3, 4], y: [2.3, 0.5, 0.08, 0.02])]
        let chart = LineChart(
            title: "Log",
            panels: [
                LinePanel(title: "Loss", xLabel: "Epoch", yLabel: "Loss", series: series, logY: true)
            ])
        var palette = Palette()
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        let texts = svg.texts
        for label in ["0.01", "0.1", "1", "10"] {
            XCTAssertTrue(texts.contains(label), "missing tick \(label)")
        }
        XCTAssertEqual(svg.elements(named: "path", className: "series").count, 1)
    }

    func testEverySeriesHasAMarker() {
        var palette = Palette()
        let chart = Fixtures.trainingChart(runs: 9)
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "path", className: "series").count, 36)
        XCTAssertFalse(svg.elements(named: "g", className: "markers").isEmpty)
        XCTAssertFalse(svg.elements(named: "circle").isEmpty)
    }
}
