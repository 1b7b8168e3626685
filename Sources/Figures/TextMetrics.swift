/// Estimated text widths, for laying out labels without a font engine.
///
/// The estimates follow the advance widths of Helvetica/Arial, the fonts most viewers
/// substitute for the generic sans-serif stack; they err on the wide side so that
/// layouts leave room rather than overlap.
enum TextMetrics {
    /// The estimated width of `text` set at `fontSize` pixels.
    static func width(of text: String, fontSize: Double) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars { em += advance(of: scalar) }
        return em * fontSize
    }

    /// `text`, shortened with an ellipsis if needed so that it fits in `maximumWidth`.
    static func truncated(_ text: String, toWidth maximumWidth: Double, fontSize: Double) -> String {
        guard width(of: text, fontSize: fontSize) > maximumWidth else { return text }
        let ellipsis = "…"
        var kept = ""
        var used = width(of: ellipsis, fontSize: fontSize)
        for character in text {
            let next = width(of: String(character), fontSize: fontSize)
            if used + next > maximumWidth { break }
            used += next
            kept.append(character)
        }
        return kept + ellipsis
    }

    /// `text` broken at spaces into lines no wider than `maximumWidth` (a longer word gets
    /// a line of its own).
    static func wrapped(_ text: String, toWidth maximumWidth: Double, fontSize: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if current.isEmpty || width(of: candidate, fontSize: fontSize) <= maximumWidth {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The advance of one character in ems.
    private static func advance(of scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case " ": return 0.28
        case "i", "j", "l", "!", "|", ".", ",", ":", ";", "'", "I": return 0.28
        case "f", "t", "r", "(", ")", "[", "]", "-", "/": return 0.36
        case "m", "w": return 0.84
        case "M", "W", "%", "@": return 0.9
        case "0"..."9", "$", "#", "_", "+", "=", "<", ">", "~", "?": return 0.58
        case "a"..."z": return 0.54
        case "A"..."Z": return 0.7
        default:
            // East Asian wide characters and emoji take a full em.
            return scalar.value >= 0x1100 ? 1.0 : 0.62
        }
    }
}
