import Foundation
import XCTest

@testable import Figures

/// Bands around curves (the spread over seeds) and error bars on bars.
final class BandTests: XCTestCase {
    /// Three seeded learning rates: mean curves with ±1 std bands, one of them (lr 0.1) leaving the
    /// fixed range at the top, and a plain run without a band.
    static func seededChart(logY: Bool = false, smoothing: Double? = nil) -> LineChart {
        let x = (1...10).map(Double.init)
        var series: [LineSeries] = []
        for (run, label) in ["lr 0.01", "lr 0.1"].enumerated() {
            let mean = Fixtures.accuracy(run: run, count: 10, validation: true)
            let spread = (0..<10).map { 0.01 + 0.02 * Double($0) / 9 + 0.03 * Double(run) }
            series.append(
                LineSeries(
                    label: label, x: x, y: mean, dashed: true,
                    band: SeriesBand(lower: zip(mean, spread).map(-), upper: zip(mean, spread).map(+))))
        }
        series.append(
            LineSeries(
                label: "plain", x: x, y: Fixtures.accuracy(run: 2, count: 10, validation: true), dashed: true)
        )
        var panel = LinePanel(
            title: "Validation accuracy", xLabel: "Epoch", yLabel: "Accuracy", series: series, percent: true,
            logY: logY)
        if !logY { panel.yRange = 0.5...0.95 }
        var chart = LineChart(title: "Three seeds", panels: [panel], smoothing: smoothing)
        chart.bandMeaning = "shaded: ±1 std over 3 seeds"
        return chart
    }

    func testBandsAreDrawnUnderTheCurvesInTheSeriesColour() throws {
        var palette = Palette()
        let svg = Self.seededChart().svg(palette: &palette)
        let inspector = SVGInspector.parsed(svg)
        let bands = inspector.elements(named: "path", className: "band")
        XCTAssertEqual(
            bands.map { $0.attributes["data-label"] }, ["lr 0.01", "lr 0.1"], "one band per banded series")
        let styles = palette.styles(for: ["lr 0.01", "lr 0.1"])
        XCTAssertEqual(
            bands.map { $0.attributes["fill"] }, [styles["lr 0.01"]?.color, styles["lr 0.1"]?.color])
        XCTAssertTrue(bands.allSatisfy { $0.attributes["d"]?.hasSuffix("z") == true }, "closed outlines")
        let group = try XCTUnwrap(inspector.elements(named: "g", className: "bands").first)
        XCTAssertEqual(group.attributes["fill-opacity"], "0.20", "translucent")
        // Under every line: the bands come before the curves and the reference lines.
        let bandsAt = try XCTUnwrap(svg.range(of: "class=\"bands\""))
        let curvesAt = try XCTUnwrap(svg.range(of: "class=\"curves\""))
        XCTAssertLessThan(bandsAt.lowerBound, curvesAt.lowerBound)
        XCTAssertTrue(
            inspector.texts.contains("shaded: ±1 std over 3 seeds"), "the legend says what is shaded")
    }

    func testBandStaysInsideThePlotAndTheAxisEnclosesIt() throws {
        // Without a fixed range the axis encloses the band's edges, not only the means.
        var chart = Self.seededChart()
        chart.panels[0].yRange = nil
        let panel = chart.panels[0]
        let renderer = PanelRenderer(
            panel: panel, cell: Rect(x: 0, y: 0, width: 600, height: 300), smoothing: nil, maximumPoints: 400,
            styles: [:])
        let domain = renderer.yDomain()
        let upper = panel.series.compactMap { $0.band?.upper.max() }.max() ?? 0
        XCTAssertEqual(domain.max(), upper)
        // A polyline leaving the band is cut exactly at its edges.
        let clamped = PanelRenderer.clampedPolyline(
            [Point(x: 0, y: 50), Point(x: 10, y: -50), Point(x: 20, y: 250), Point(x: 30, y: 150)], top: 0,
            bottom: 200)
        let expected = [
            Point(x: 0, y: 50), Point(x: 5, y: 0), Point(x: 10, y: 0), Point(x: 11 + 2.0 / 3, y: 0),
            Point(x: 18 + 1.0 / 3, y: 200), Point(x: 20, y: 200), Point(x: 25, y: 200), Point(x: 30, y: 150),
        ]
        XCTAssertEqual(clamped.count, expected.count)
        for (point, want) in zip(clamped, expected) {
            XCTAssertEqual(point.x, want.x, accuracy: 1e-9)
            XCTAssertEqual(point.y, want.y, accuracy: 1e-9)
        }
        XCTAssertTrue(zip(clamped, clamped.dropFirst()).allSatisfy { $0.x <= $1.x })
    }

    func testBandSurvivesLogAxisSmoothingAndThinning() throws {
        // An error curve whose spread reaches below zero on a log axis: the band runs along the bottom.
        let x = (0..<5000).map(Double.init)
        let mean = x.map { 0.5 * exp(-$0 / 1500) + 0.02 }
        let series = LineSeries(
            label: "seeded", x: x, y: mean,
            band: SeriesBand(lower: mean.map { $0 - 0.05 }, upper: mean.map { $0 + 0.03 }))
        let panel = LinePanel(
            title: "Error", xLabel: "Step", yLabel: "Error", series: [series], percent: true, logY: true)
        var palette = Palette()
        let svg = LineChart(title: "", panels: [panel], smoothing: 0.9).svg(palette: &palette)
        let band = try XCTUnwrap(SVGInspector.parsed(svg).elements(named: "path", className: "band").first)
        let data = try XCTUnwrap(band.attributes["d"])
        // Thinned like a curve: a few hundred vertices per edge, not 5,000.
        let vertices = data.split { " l-M".contains($0) }.count / 2
        XCTAssertLessThan(vertices, 1300)
        XCTAssertGreaterThan(vertices, 100)
        XCTAssertFalse(data.contains("nan") || data.contains("inf"))

        // Smoothing applies to the edges as to the curve.
        let renderer = PanelRenderer(
            panel: panel, cell: Rect(x: 0, y: 0, width: 600, height: 300), smoothing: 0.9, maximumPoints: 400,
            styles: [:])
        let axis = AxisScale(values: renderer.yDomain(), logarithmic: true, percent: true)
        let xAxis = AxisScale(values: x, logarithmic: false, percent: false)
        let plot = Rect(x: 0, y: 0, width: 600, height: 300)
        let stretches = renderer.bandStretches(
            series, band: try XCTUnwrap(series.band), plot: plot, xAxis: xAxis, yAxis: axis)
        XCTAssertEqual(stretches.count, 1, "a lower edge at or below zero is no gap on a log axis")
        let smoothedUpper = Smoothing.exponentialMovingAverage(mean.map { $0 + 0.03 }, weight: 0.9)
        let expected = plot.maxY - (axis.fraction(of: smoothedUpper[2500]) ?? 0) * plot.height
        XCTAssertEqual(stretches[0].upper[2500].y, expected, accuracy: 1e-9)
        XCTAssertGreaterThan(stretches[0].lower.last?.y ?? 0, plot.maxY, "below the axis, clamped when drawn")
    }

    func testBarsCarryErrorBars() throws {
        var chart = BarChart(
            title: "Final accuracy", yLabel: "Validation accuracy",
            bars: [("SGD", 0.8154), ("Adam", 0.8843), ("RMSprop", 0.4)], percent: true)
        chart.errors = [0.0031, nil, 0.3]
        var palette = Palette()
        let svg = chart.svg(palette: &palette)
        let bars = SVGInspector.parsed(svg).elements(named: "path", className: "error-bar")
        XCTAssertEqual(bars.map { $0.attributes["data-label"] }, ["SGD", "RMSprop"])
        XCTAssertTrue(chart.summary().contains("SGD 81.54% ± 0.31%; Adam 88.43%; RMSprop 40.00% ± 30.00%"))
    }
}
