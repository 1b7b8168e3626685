import Document
import Engine
import Foundation
import Suggestions

/// How a value prints: `percent`, `percent(n)`, `fixed(n)`, `int`, `duration`, and `pm(n)`: a seeded
/// member's mean ± its standard deviation over seeds, each as its kind prints with n decimals
/// (`84.21 ± 0.31%`, `0.482 ± 0.004`).
public struct ValueFormat: Equatable {
    public enum Style: String, CaseIterable { case percent, fixed, int, duration, pm }
    public var style: Style
    public var digits: Int?

    public static let names = Style.allCases.map(\.rawValue)

    /// Parses a format name and its arguments; returns a message when they are not valid.
    public static func parse(name: String, arguments: [String]) -> Result<ValueFormat, LookupError> {
        guard let style = Style(rawValue: name) else {
            let hint = didYouMean(name, among: names)
            return .failure(
                LookupError(
                    "unknown format '\(name)'\(hint); formats are percent, percent(n), fixed(n), int, duration, pm(n)"
                ))
        }
        switch (style, arguments.count) {
        case (.fixed, 0):
            return .failure(LookupError("'fixed' needs its number of decimals, e.g. fixed(2)"))
        case (_, 0): return .success(ValueFormat(style: style, digits: nil))
        case (.percent, 1), (.fixed, 1), (.pm, 1):
            guard let digits = Int(arguments[0]), (0...10).contains(digits) else {
                return .failure(
                    LookupError("'\(name)' takes a number of decimals from 0 to 10, found '\(arguments[0])'"))
            }
            return .success(ValueFormat(style: style, digits: digits))
        default:
            return .failure(
                LookupError(
                    "'\(name)' takes \([.percent, .fixed, .pm].contains(style) ? "at most one argument" : "no arguments")"
                ))
        }
    }

    /// Prints a value in this format, or in the default for its kind when `format` is nil; with a
    /// `spread` (a seeded member's standard deviation), as `mean ± spread` in the same style.
    public static func render(_ value: RunValue, format: ValueFormat?, spread: Double? = nil) -> String {
        switch value {
        case .missing: return "n/a"
        case .text(let text): return text
        case .number(let number, let kind):
            guard number.isFinite else { return number.isNaN ? "NaN" : (number > 0 ? "∞" : "−∞") }
            if format == nil && kind == .plain && spread == nil { return number.clean }
            var format = format ?? defaultFormat(kind)
            if format.style == .pm {
                // pm(n): the kind's own style with n decimals.
                let base = defaultFormat(kind)
                format = ValueFormat(
                    style: base.style == .pm ? .fixed : base.style, digits: format.digits ?? base.digits)
            }
            guard let spread, spread.isFinite else { return plain(number, format: format) }
            switch format.style {
            case .percent:
                let digits = format.digits ?? 2
                return String(format: "%.\(digits)f ± %.\(digits)f%%", 100 * number, 100 * spread)
            case .int, .fixed, .duration, .pm:
                return plain(number, format: format) + " ± " + plain(spread, format: format)
            }
        }
    }

    private static func plain(_ number: Double, format: ValueFormat) -> String {
        switch format.style {
        case .percent: return String(format: "%.\(format.digits ?? 2)f%%", 100 * number)
        case .fixed, .pm: return String(format: "%.\(format.digits ?? 2)f", number)
        case .int: return grouped(Int(number.rounded()))
        case .duration: return duration(number)
        }
    }

    public static func defaultFormat(_ kind: RunValue.Kind) -> ValueFormat {
        switch kind {
        case .fraction: return ValueFormat(style: .percent, digits: 2)
        case .loss: return ValueFormat(style: .fixed, digits: 4)
        case .seconds: return ValueFormat(style: .duration, digits: nil)
        case .count: return ValueFormat(style: .int, digits: nil)
        case .plain: return ValueFormat(style: .fixed, digits: nil)
        }
    }

    /// 21840 → "21,840".
    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// 4.2 → "4.2 s", 125 → "2 min 05 s", 4000 → "1 h 06 min".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let total = Int(seconds.rounded())
        if total < 3600 { return String(format: "%d min %02d s", total / 60, total % 60) }
        return String(format: "%d h %02d min", total / 3600, (total % 3600) / 60)
    }
}
