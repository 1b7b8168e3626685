import Foundation

/// sRGB arithmetic on `#RRGGBB` colours: relative luminance and contrast as WCAG 2 defines
/// them, mixing, and the lighter variant a colour takes on a dark background.
public enum ColorMath {
    /// The red, green and blue channels of `#RRGGBB` in 0...1, or `nil` for anything else.
    public static func channels(_ hex: String) -> (red: Double, green: Double, blue: Double)? {
        let digits = Array(hex.utf8)
        guard digits.count == 7, digits[0] == UInt8(ascii: "#") else { return nil }
        var values: [Double] = []
        for start in stride(from: 1, to: 7, by: 2) {
            guard let byte = UInt8(String(decoding: digits[start..<start + 2], as: UTF8.self), radix: 16)
            else {
                return nil
            }
            values.append(Double(byte) / 255)
        }
        return (values[0], values[1], values[2])
    }

    /// `#RRGGBB` for channels in 0...1 (clamped).
    public static func hex(red: Double, green: Double, blue: Double) -> String {
        func byte(_ value: Double) -> String {
            let scaled = Int((min(max(value, 0), 1) * 255).rounded())
            let text = String(scaled, radix: 16, uppercase: true)
            return text.count == 1 ? "0" + text : text
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    /// The WCAG 2 relative luminance, 0 for black and 1 for white.
    public static func luminance(_ hex: String) -> Double {
        guard let c = channels(hex) else { return 0 }
        func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(c.red) + 0.7152 * linear(c.green) + 0.0722 * linear(c.blue)
    }

    /// The WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white).
    public static func contrast(_ first: String, _ second: String) -> Double {
        let a = luminance(first)
        let b = luminance(second)
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// `first` moved the fraction `amount` of the way towards `second`, channel by channel.
    public static func mix(_ first: String, _ second: String, amount: Double) -> String {
        guard let a = channels(first), let b = channels(second) else { return first }
        let t = min(max(amount, 0), 1)
        return hex(
            red: a.red + (b.red - a.red) * t, green: a.green + (b.green - a.green) * t,
            blue: a.blue + (b.blue - a.blue) * t)
    }

    /// `color` on a dark background: unchanged when it already has 3:1 contrast there,
    /// otherwise mixed towards white in 5 % steps until it does. Near-black becomes near-white,
    /// so that black keeps standing apart from the greys.
    public static func darkVariant(of color: String, background: String = "#0D1117") -> String {
        guard channels(color) != nil else { return color }
        if luminance(color) < 0.01, let c = channels(color),
            max(c.red, c.green, c.blue) - min(c.red, c.green, c.blue) < 0.05
        {
            return "#E6E6E6"
        }
        var amount = 0.0
        var result = color
        while contrast(result, background) < 3 && amount < 1 {
            amount += 0.05
            result = mix(color, "#FFFFFF", amount: amount)
        }
        return result
    }
}
