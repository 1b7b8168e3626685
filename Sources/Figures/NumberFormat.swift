import Foundation

/// Locale-independent, deterministic number formatting for coordinates and labels.
enum NumberFormat {
    /// The typographic minus sign used in tick and value labels.
    static let minus = "\u{2212}"

    /// `value` with exactly `decimals` decimal places, ASCII "-" for negatives, no "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-∞" : "∞") }
        let places = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9e15 else { return "\(value)" }
        let integer = Int64(scaled)
        if integer == 0 { return "0" }
        var digits = String(integer.magnitude)
        if places > 0 {
            if digits.count <= places {
                digits = String(repeating: "0", count: places - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return (integer < 0 ? "-" : "") + digits
    }

    /// A pixel coordinate rounded to one decimal, trailing ".0" dropped.
    static func coordinate(_ value: Double) -> String {
        tenths(pixelTenths(value))
    }

    /// A pixel coordinate as a whole number of tenths of a pixel (non-finite values give 0).
    static func pixelTenths(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int(max(min(value * 10, 1e12), -1e12).rounded())
    }

    /// A count of tenths written as a decimal: 1234 → "123.4", -5 → "-0.5", 20 → "2".
    static func tenths(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let whole = magnitude / 10
        let fraction = magnitude % 10
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// A tick label for `value`: percent of a fraction, thousands as "k", tiny values as "1e-5".
    static func tickLabel(_ value: Double, decimals: Int, percent: Bool) -> String {
        if percent {
            return typographic(fixed(value * 100, decimals: max(0, decimals - 2))) + "%"
        }
        let magnitude = abs(value)
        if magnitude >= 1e9 { return scientific(value) }
        if magnitude >= 1_000_000 {
            return typographic(trimmed(fixed(value / 1_000_000, decimals: 2))) + "M"
        }
        if magnitude >= 10_000 {
            return typographic(trimmed(fixed(value / 1_000, decimals: 1))) + "k"
        }
        if magnitude > 0 && magnitude < 1e-4 {
            return scientific(value)
        }
        return typographic(fixed(value, decimals: decimals))
    }

    /// A value label with about `significant` significant digits (for bar values).
    static func valueLabel(_ value: Double, percent: Bool, significant: Int = 3) -> String {
        guard value.isFinite else { return "n/a" }
        let shown = percent ? value * 100 : value
        let magnitude = abs(shown)
        if magnitude == 0 { return percent ? "0%" : "0" }
        if !percent && (magnitude >= 1e6 || magnitude < 1e-4) { return scientific(value) }
        let digitsBeforePoint = Int(log10(magnitude).rounded(.down)) + 1
        let decimals = max(0, significant - digitsBeforePoint)
        let text = typographic(fixed(shown, decimals: min(decimals, 8)))
        return percent ? text + "%" : text
    }

    /// `value` as mantissa and power of ten, e.g. "3e-5" or "1.5e7".
    static func scientific(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return fixed(value, decimals: 0) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / Ticks.decimal(1, exponent: exponent)
        if abs(mantissa) >= 9.995 {
            exponent += 1
            mantissa /= 10
        }
        return typographic(trimmed(fixed(mantissa, decimals: 2))) + "e" + typographic("\(exponent)")
    }

    /// Drops trailing zeros after a decimal point ("2.50" → "2.5", "3.00" → "3").
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }

    /// Replaces an ASCII hyphen-minus with the typographic minus sign.
    static func typographic(_ text: String) -> String {
        text.replacingOccurrences(of: "-", with: minus)
    }
}
