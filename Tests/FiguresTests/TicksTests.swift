import XCTest

@testable import Figures

final class TicksTests: XCTestCase {
    func testKnownRanges() {
        XCTAssertEqual(Ticks.nice(min: 0, max: 1), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        XCTAssertEqual(Ticks.nice(min: 0, max: 100), [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(Ticks.nice(min: 1, max: 20), [0, 5, 10, 15, 20])
        XCTAssertEqual(Ticks.nice(min: 0.3, max: 2.3), [0, 0.5, 1, 1.5, 2, 2.5])
        XCTAssertEqual(Ticks.nice(min: -3.7, max: 8.2), [-5, 0, 5, 10])
        XCTAssertEqual(Ticks.nice(min: 0, max: 5000), [0, 1000, 2000, 3000, 4000, 5000])
        XCTAssertEqual(Ticks.nice(min: 0.62, max: 0.91), [0.6, 0.7, 0.8, 0.9, 1.0])
    }

    func testValuesAreExactDecimals() {
        let ticks = Ticks.nice(min: 0, max: 0.9, targetCount: 10)
        XCTAssertEqual(ticks.count, 10)
        XCTAssertEqual(ticks[3], 0.3)
        XCTAssertEqual(ticks[7], 0.7)
    }

    func testStepsAreOneTwoFiveAndEncloseTheRange() {
        let ranges: [(Double, Double)] = [
            (0, 1), (0.001, 0.0042), (-7, 3), (13, 9_871), (0.5, 0.5000001), (1e-6, 3e-6), (-250, -10),
            (2, 2.9),
        ]
        for (lower, upper) in ranges {
            for target in [3, 5, 8] {
                let ticks = Ticks.nice(min: lower, max: upper, targetCount: target)
                XCTAssertGreaterThanOrEqual(ticks.count, 2, "\(lower)...\(upper)")
                XCTAssertLessThanOrEqual(ticks.first ?? .nan, lower)
                XCTAssertGreaterThanOrEqual(ticks.last ?? .nan, upper)
                let step = ticks[1] - ticks[0]
                let mantissa = step / pow(10, floor(log10(step)))
                XCTAssertTrue([1, 2, 5, 10].contains { abs($0 - mantissa) < 1e-6 }, "step \(step)")
                for (a, b) in zip(ticks, ticks.dropFirst()) {
                    XCTAssertEqual(b - a, step, accuracy: step * 1e-6)
                }
            }
        }
    }

    func testDegenerateInput() {
        XCTAssertEqual(Ticks.nice(min: .nan, max: 1), [])
        XCTAssertEqual(Ticks.nice(min: 0, max: .infinity), [])
        XCTAssertEqual(Ticks.nice(min: 1, max: 0), Ticks.nice(min: 0, max: 1))
        let equal = Ticks.nice(min: 5, max: 5)
        XCTAssertGreaterThanOrEqual(equal.count, 2)
        XCTAssertLessThan(equal.first ?? .nan, 5)
        XCTAssertGreaterThan(equal.last ?? .nan, 5)
        XCTAssertGreaterThanOrEqual(Ticks.nice(min: 0, max: 0).count, 2)
        XCTAssertGreaterThanOrEqual(Ticks.nice(min: 1, max: 1 + 1e-13).count, 2)
        XCTAssertGreaterThanOrEqual(Ticks.nice(min: 0, max: 1, targetCount: 0).count, 2)
    }

    func testWholeNumberStepForEpochs() {
        let scale = Ticks.niceScale(min: 1, max: 3, targetCount: 5, minimumStep: 1)
        XCTAssertEqual(scale?.values, [1, 2, 3])
    }

    func testLogarithmicTicks() {
        XCTAssertEqual(Ticks.logarithmic(min: 0.2, max: 0.9)?.values, [0.1, 0.2, 0.5, 1])
        XCTAssertEqual(Ticks.logarithmic(min: 0.05, max: 2.3)?.values, [0.01, 0.1, 1, 10])
        XCTAssertEqual(Ticks.logarithmic(min: 1, max: 1)?.values, [1, 2, 5, 10])
        XCTAssertEqual(Ticks.logarithmic(min: 1e-6, max: 1e6)?.values, [1e-6, 1e-4, 0.01, 1, 100, 1e4, 1e6])
        XCTAssertNil(Ticks.logarithmic(min: 0, max: 1))
    }

    func testTickLabels() {
        XCTAssertEqual(
            AxisScale(values: [0.62, 0.91], logarithmic: false, percent: true).labels,
            ["60%", "70%", "80%", "90%", "100%"])
        XCTAssertEqual(NumberFormat.tickLabel(-0.5, decimals: 1, percent: false), "\u{2212}0.5")
        XCTAssertEqual(NumberFormat.tickLabel(20_000, decimals: 0, percent: false), "20k")
        XCTAssertEqual(NumberFormat.tickLabel(2_500, decimals: 0, percent: false), "2500")
        XCTAssertEqual(NumberFormat.tickLabel(0.125, decimals: 3, percent: true), "12.5%")
        XCTAssertEqual(NumberFormat.tickLabel(0.00001, decimals: 5, percent: false), "1e\u{2212}5")
        XCTAssertEqual(NumberFormat.fixed(-0.04, decimals: 1), "0")
        XCTAssertEqual(NumberFormat.tenths(-5), "-0.5")
        XCTAssertEqual(NumberFormat.valueLabel(0.9137, percent: true), "91.4%")
        XCTAssertEqual(NumberFormat.valueLabel(0.0123, percent: false), "0.0123")
    }
}
