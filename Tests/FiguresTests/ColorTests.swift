import XCTest

@testable import Figures

/// Every colour a series can get has 3:1 contrast with the background it is drawn on, and the
/// ordered ramp stays ordered in lightness (so it reads under any colour vision).
final class ColorTests: XCTestCase {
    func testContrastMatchesWCAGExamples() {
        XCTAssertEqual(ColorMath.contrast("#000000", "#FFFFFF"), 21, accuracy: 1e-9)
        XCTAssertEqual(ColorMath.contrast("#FFFFFF", "#FFFFFF"), 1, accuracy: 1e-9)
        // The issue measured Okabe–Ito orange at 2.25:1 on white.
        XCTAssertEqual(ColorMath.contrast("#E69F00", "#FFFFFF"), 2.25, accuracy: 0.01)
        XCTAssertNil(ColorMath.channels("#12345"))
        XCTAssertNil(ColorMath.channels("#GG0000"))
        XCTAssertEqual(ColorMath.mix("#000000", "#FFFFFF", amount: 0.5), "#808080")
    }

    func testEveryCategoricalColourHasThreeToOneOnWhiteAndOnDark() {
        for (color, name) in Palette.okabeIto {
            XCTAssertGreaterThanOrEqual(ColorMath.contrast(color, "#FFFFFF"), 3, "\(name) \(color) on white")
            let dark = ColorMath.darkVariant(of: color)
            XCTAssertGreaterThanOrEqual(
                ColorMath.contrast(dark, FigureTheme.darkBackground), 3, "\(name) → \(dark) on dark")
        }
        XCTAssertGreaterThanOrEqual(ColorMath.contrast(Palette.baseline.color, "#FFFFFF"), 3)
        XCTAssertGreaterThanOrEqual(
            ColorMath.contrast(Palette.baseline.darkColor, FigureTheme.darkBackground), 3)
        XCTAssertGreaterThanOrEqual(ColorMath.contrast(FigureTheme.reference, "#FFFFFF"), 3)
        XCTAssertGreaterThanOrEqual(ColorMath.contrast(FigureTheme.keyLine, "#FFFFFF"), 3)
    }

    func testOrderedRampIsReadableAndMonotoneInLightness() {
        for count in 1...9 {
            let styles = (0..<count).map { Palette.ordered($0, of: count) }
            for style in styles {
                XCTAssertGreaterThanOrEqual(
                    ColorMath.contrast(style.color, "#FFFFFF"), 3, "\(style.color) of \(count)")
                XCTAssertGreaterThanOrEqual(
                    ColorMath.contrast(style.darkColor, FigureTheme.darkBackground), 3,
                    "dark \(style.darkColor) of \(count)")
                XCTAssertNotEqual(style.marker, .none)
            }
            guard count > 1 else { continue }
            // Larger values are darker on white and brighter on dark.
            let light = styles.map { ColorMath.luminance($0.color) }
            let dark = styles.map { ColorMath.luminance($0.darkColor) }
            XCTAssertEqual(light, light.sorted(by: >), "ramp of \(count) on white")
            XCTAssertEqual(dark, dark.sorted(), "ramp of \(count) on dark")
            XCTAssertEqual(Set(styles.map(\.color)).count, count)
        }
    }

    /// Under a simulated deuteranopia or tritanopia, two categorical colours may come close, but
    /// never two with the same marker among the first seven styles.
    func testNoTwoStylesDifferByHueAlone() {
        let styles = (0..<Palette.okabeIto.count).map { Palette.style(at: $0) }
        for (i, a) in styles.enumerated() {
            XCTAssertNotEqual(a.marker, .none)
            for b in styles[(i + 1)...] where a.marker == b.marker {
                for matrix in [Self.deuteranopia, Self.tritanopia] {
                    let distance = Self.distance(
                        Self.simulate(a.color, matrix), Self.simulate(b.color, matrix))
                    XCTAssertGreaterThan(
                        distance, 0.12, "\(a.colorName) and \(b.colorName) share a marker and look alike")
                }
            }
        }
    }

    /// The grey baseline does not turn into a look-alike of the first colours under colour-vision deficiency.
    func testBaselineStaysApartFromTheFirstColours() {
        for entry in Palette.okabeIto.prefix(3) {
            for matrix in [Self.deuteranopia, Self.tritanopia] {
                let distance = Self.distance(
                    Self.simulate(entry.color, matrix), Self.simulate(Palette.baseline.color, matrix))
                XCTAssertGreaterThan(distance, 0.2, "\(entry.name) looks like the baseline grey")
            }
        }
    }

    // Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
    static let deuteranopia = [
        [0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881],
    ]
    static let tritanopia = [
        [1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900],
    ]

    static func simulate(_ hex: String, _ m: [[Double]]) -> [Double] {
        guard let c = ColorMath.channels(hex) else { return [0, 0, 0] }
        func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        let rgb = [linear(c.red), linear(c.green), linear(c.blue)]
        return m.map { row in min(max(zip(row, rgb).reduce(0) { $0 + $1.0 * $1.1 }, 0), 1) }
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        sqrt(zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
    }
}
