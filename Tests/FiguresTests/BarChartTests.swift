import XCTest

@testable import Figures

final class BarChartTests: XCTestCase {
    func testBarsValuesAndNames() {
        var chart = BarChart(
            title: "Final validation accuracy", yLabel: "Validation accuracy",
            bars: [("lr=0.1", 0.912), ("lr=0.01", 0.975), ("lr=0.001", 0.931)], percent: true)
        chart.xLabel = "Learning rate"
        var palette = Palette()
        let text = chart.svg(palette: &palette)
        let svg = SVGInspector.parsed(text)
        XCTAssertEqual(svg.elements(named: "rect", className: "bar").count, 3)
        let texts = svg.texts
        for expected in [
            "lr=0.1", "lr=0.01", "lr=0.001", "91.2%", "97.5%", "93.1%", "0%", "100%", "Learning rate",
        ] {
            XCTAssertTrue(texts.contains(expected), "missing \(expected)")
        }
        var again = Palette()
        XCTAssertEqual(text, chart.svg(palette: &again))
    }

    func testEdgeCases() {
        let cases: [[(label: String, value: Double)]] = [
            [],
            [("nan", .nan), ("inf", .infinity), ("ok", 0.5)],
            [("zero", 0), ("zero too", 0)],
            [("negative", -2.5), ("positive", 1)],
            [("one", 3)],
            (0..<40).map { ("a rather long run label number \($0)", Double($0)) },
        ]
        for bars in cases {
            var palette = Palette()
            let text = BarChart(title: "Edge", yLabel: "Value", bars: bars).svg(palette: &palette)
            let svg = SVGInspector.parsed(text)
            XCTAssertEqual(
                svg.elements(named: "rect", className: "bar").count, bars.filter { $0.value.isFinite }.count)
            XCTAssertFalse(text.contains("NaN"))
        }
    }

    func testLongLabelsStayDistinct() {
        let labels = (0..<4).map { "optimizer=adam, weight_decay=0.0001, batch=128, lr=\($0)e-4" }
        var palette = Palette()
        let chart = BarChart(title: "Long", yLabel: "Loss", bars: labels.map { ($0, 1) })
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        let names = svg.texts.filter { $0.contains("…") }
        XCTAssertEqual(names.count, 4)
        XCTAssertEqual(Set(names).count, 4, "truncation must keep the differing ends: \(names)")
    }
}
