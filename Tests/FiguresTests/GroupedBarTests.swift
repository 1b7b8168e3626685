import XCTest

@testable import Figures

/// Bars grouped by member (the seed runs of `seeds: each`), values that fit, and reference lines.
final class GroupedBarTests: XCTestCase {
    /// `members` groups of `seeds` bars each, named "1"…, with made-up accuracies.
    static func chart(members: [String], seeds: Int) -> BarChart {
        var bars: [(label: String, value: Double)] = []
        for (member, _) in members.enumerated() {
            for seed in 1...seeds { bars.append(("\(seed)", 0.1 + 0.07 * Double((member * 3 + seed) % 10))) }
        }
        var chart = BarChart(title: "Seeds", yLabel: "Validation accuracy", bars: bars, percent: true)
        chart.groups = members.map { BarGroup(label: $0, count: seeds) }
        return chart
    }

    func testPositionsLeaveASmallGapInsideAndALargerOneBetweenGroups() throws {
        let positions = GroupedBarPositions(ranges: [0..<3, 3..<6, 6..<7], from: 100, width: 400)
        // 7 bars and two gaps of 0.9 steps: 8.8 steps across 400 px.
        XCTAssertEqual(positions.step, 400 / 8.8, accuracy: 1e-9)
        XCTAssertEqual(positions.barWidth, positions.step * 0.78, accuracy: 1e-9)
        let c = positions.centers
        XCTAssertEqual(c.count, 7)
        XCTAssertEqual(c[0], 100 + positions.step / 2, accuracy: 1e-9)
        XCTAssertEqual(c[1] - c[0], positions.step, accuracy: 1e-9)
        XCTAssertEqual(c[2] - c[1], positions.step, accuracy: 1e-9)
        XCTAssertEqual(c[3] - c[2], positions.step * 1.9, accuracy: 1e-9, "the gap between groups is wider")
        XCTAssertEqual(c[6] - c[5], positions.step * 1.9, accuracy: 1e-9)
        XCTAssertEqual(c[6] + positions.step / 2, 500, accuracy: 1e-9, "the row fills the plot")
        XCTAssertEqual(positions.spans.count, 3)
        XCTAssertEqual(positions.spans[1].lowerBound, c[3] - positions.barWidth / 2, accuracy: 1e-9)
        XCTAssertEqual(positions.spans[1].upperBound, c[5] + positions.barWidth / 2, accuracy: 1e-9)
        // A label, centred under its group, reaches to the middle of the gaps beside it (so
        // neighbours never meet); the outer side of the first and last goes out to the edges given.
        let widths = positions.labelWidths(from: 0, to: 600)
        let middle = (positions.spans[1].lowerBound + positions.spans[1].upperBound) / 2
        let gapMiddle = (positions.spans[1].upperBound + positions.spans[2].lowerBound) / 2
        XCTAssertEqual(widths[1], 2 * (gapMiddle - 2 - middle), accuracy: 1e-9)
        XCTAssertLessThanOrEqual(middle + widths[1] / 2, gapMiddle)
        XCTAssertEqual(
            widths[0], 2 * ((positions.spans[0].upperBound + positions.spans[1].lowerBound) / 2 - 2 - c[1]),
            accuracy: 1e-9)
        let last = (positions.spans[2].lowerBound + positions.spans[2].upperBound) / 2
        let gapBefore = (positions.spans[1].upperBound + positions.spans[2].lowerBound) / 2 + 2
        XCTAssertEqual(
            widths[2], 2 * (last - gapBefore), accuracy: 1e-9, "centred: the nearer side limits it")
        // Few bars stay adjacent, centred, instead of spreading over a wide plot.
        let few = GroupedBarPositions(ranges: [0..<2], from: 0, width: 800)
        XCTAssertEqual(few.step, BarLayout.maximumStep)
        XCTAssertEqual((few.centers[0] + few.centers[1]) / 2, 400, accuracy: 1e-9)
    }

    func testEachGroupTakesOneColourAndIsNamedOnce() {
        let members = ["RMSprop, lr 0.01, momentum 0", "RMSprop, lr 0.01, momentum 0.5", "RMSprop, lr 0.001"]
        var palette = Palette()
        let svg = SVGInspector.parsed(Self.chart(members: members, seeds: 10).svg(palette: &palette))
        let bars = svg.elements(named: "rect", className: "bar")
        XCTAssertEqual(bars.count, 30)
        let fills = bars.compactMap { $0.attributes["fill"] }
        for group in 0..<3 {
            XCTAssertEqual(
                Set(fills[(group * 10)..<(group * 10 + 10)]).count, 1, "group \(group) has one colour")
        }
        XCTAssertEqual(Set(fills).count, 3, "groups differ")
        XCTAssertEqual(fills[0], palette.existingStyle(for: members[0])?.color, "the member's colour")
        XCTAssertEqual(bars[0].attributes["data-label"], "RMSprop, lr 0.01, momentum 0, seed 1")
        XCTAssertTrue(svg.elements(named: "circle").isEmpty, "no markers in grouped bars")

        let names = svg.elements(named: "g", className: "bar-names")
        XCTAssertEqual(names.count, 1)
        let texts = svg.texts
        for seed in 1...10 {
            XCTAssertEqual(texts.filter { $0 == "\(seed)" }.count, 3, "seed \(seed) under each group")
        }
        XCTAssertEqual(texts.filter { $0 == "seed" }.count, 1, "the row says what the numbers are")
        // Each member's name once, in whole words (wrapped, not cut).
        let labels = texts.filter {
            $0.hasPrefix("RMSprop") || $0.hasPrefix("momentum") || $0.hasPrefix("lr")
        }
        XCTAssertFalse(texts.contains { $0.contains("…") }, "\(texts)")
        XCTAssertEqual(labels.joined(separator: " ").components(separatedBy: "RMSprop").count - 1, 3)
    }

    func testGroupLabelsLineUpUnderTheirGroups() throws {
        var palette = Palette()
        let text = Self.chart(members: ["first", "second"], seeds: 3).svg(palette: &palette)
        let svg = SVGInspector.parsed(text)
        let bars = svg.elements(named: "rect", className: "bar")
        let centres = bars.compactMap { bar -> Double? in
            guard let x = bar.attributes["x"].flatMap(Double.init),
                let w = bar.attributes["width"].flatMap(Double.init)
            else { return nil }
            return x + w / 2
        }
        let labelX = { (name: String) -> Double? in
            svg.elements(named: "text").first { $0.text == name }?.attributes["x"].flatMap(Double.init)
        }
        XCTAssertEqual(
            try XCTUnwrap(labelX("first")), centres[1], accuracy: 0.1, "centred under its three bars")
        XCTAssertEqual(try XCTUnwrap(labelX("second")), centres[4], accuracy: 0.1)
        XCTAssertEqual(centres[1] - centres[0], centres[2] - centres[1], accuracy: 0.1)
        XCTAssertGreaterThan(centres[3] - centres[2], 1.5 * (centres[1] - centres[0]))
    }

    func testLongGroupLabelsWrapBetweenWords() {
        let label = "RMSprop at PyTorch's defaults with lr 0.01 and momentum 0 on Fashion-MNIST"
        let lines = BarLayout.groupLabelLines(label, toWidth: 120)
        XCTAssertEqual(lines.count, BarLayout.maximumGroupLabelLines)
        XCTAssertEqual(lines.last?.hasSuffix(" …"), true, "words past the last line give way to an ellipsis")
        let words = Set(label.split(separator: " ").map(String.init) + ["…"])
        for line in lines {
            XCTAssertLessThanOrEqual(TextMetrics.width(of: line, fontSize: BarLayout.labelSize), 120)
            for word in line.split(separator: " ") {
                XCTAssertTrue(words.contains(String(word)), "'\(word)' is cut")
            }
        }
        XCTAssertEqual(BarLayout.groupLabelLines("Adam", toWidth: 120), ["Adam"])
        XCTAssertEqual(
            BarLayout.groupLabelLines("lr 0.01, momentum 0.5", toWidth: 110), ["lr 0.01,", "momentum 0.5"])
    }

    func testValuesShowOnlyWhereTheyFitAndTheDescriptionKeepsThemAll() {
        var palette = Palette()
        let crowded = Self.chart(members: ["a", "b", "c"], seeds: 10)
        let svg = SVGInspector.parsed(crowded.svg(palette: &palette))
        XCTAssertTrue(
            svg.elements(named: "text", className: "value").isEmpty, "30 bars leave no room for values")
        let description = crowded.summary()
        XCTAssertTrue(description.hasPrefix("Validation accuracy: a: seed 1 "), description)
        for bar in crowded.bars {
            XCTAssertTrue(
                description.contains("seed \(bar.label) " + LineChart.value(bar.value, percent: true)))
        }
        XCTAssertTrue(description.contains("; b: seed 1 "))

        let roomy = Self.chart(members: ["a", "b"], seeds: 3)
        let values = SVGInspector.parsed(roomy.svg(palette: &palette)).elements(
            named: "text", className: "value")
        XCTAssertEqual(values.count, 6)
        // Neighbouring values never overlap.
        let xs = values.compactMap { $0.attributes["x"].flatMap(Double.init) }
        let widest =
            values.map { TextMetrics.width(of: $0.text, fontSize: FigureTheme.tickLabelSize) }.max() ?? 0
        for (a, b) in zip(xs, xs.dropFirst()) { XCTAssertGreaterThan(b - a, widest) }
    }

    func testManySeedsThinTheirNamesAndAMissingValueIsMarked() {
        var chart = Self.chart(members: ["one member"], seeds: 100)
        chart.bars[5].value = .nan
        var palette = Palette()
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "rect", className: "bar").count, 99)
        let names = svg.texts.filter { Int($0) != nil }
        XCTAssertLessThan(names.count, 100)
        XCTAssertTrue(names.contains("1"))
        XCTAssertTrue(svg.texts.contains("×"), "a diverged seed's place is marked")
        XCTAssertTrue(chart.summary().contains("seed 6 n/a"))
    }

    func testGroupsThatDoNotCoverTheBarsAreIgnored() {
        var chart = Self.chart(members: ["a", "b"], seeds: 2)
        chart.groups = [BarGroup(label: "a", count: 3)]
        XCTAssertNil(chart.groupRanges)
        chart.groups = [BarGroup(label: "a", count: 4), BarGroup(label: "b", count: 0)]
        XCTAssertNil(chart.groupRanges)
        var palette = Palette()
        let svg = SVGInspector.parsed(chart.svg(palette: &palette))
        XCTAssertEqual(svg.elements(named: "rect", className: "bar").count, 4)
        XCTAssertTrue(svg.elements(named: "g", className: "bar-names").isEmpty, "drawn one by one")
    }

    func testReferenceLinesAreDrawnOnBarCharts() {
        for grouped in [true, false] {
            var chart = Self.chart(members: ["a", "b"], seeds: grouped ? 3 : 1)
            if !grouped { chart.groups = [] }
            chart.references = [
                ReferenceLine(value: 0.1, label: "chance"), ReferenceLine(value: 0.95, label: ""),
            ]
            var palette = Palette()
            let svg = SVGInspector.parsed(chart.svg(palette: &palette))
            let lines = svg.elements(named: "g", className: "references")
            XCTAssertEqual(lines.count, 1)
            XCTAssertEqual(lines.first?.attributes["stroke-dasharray"], "1.5 3")
            XCTAssertTrue(svg.texts.contains("chance"))
            XCTAssertTrue(svg.texts.contains("95.0%"), "an unlabelled line is named by its value")
            XCTAssertTrue(svg.texts.contains("100%"), "the axis reaches the line at 95%")
            XCTAssertTrue(
                chart.summary().hasSuffix("Reference lines: chance 10.00%; 95.00%."), chart.summary())
        }
        // No references, no room kept for them: a plain chart is drawn as before (see the golden file).
        var palette = Palette()
        let plain = SVGInspector.parsed(Self.chart(members: ["a"], seeds: 2).svg(palette: &palette))
        XCTAssertTrue(plain.elements(named: "g", className: "references").isEmpty)
    }
}
