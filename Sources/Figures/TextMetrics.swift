/// Estimated text widths, for laying out labels without a font engine.
///
/// The estimates err on the wide side, so that layouts leave room rather than overlap
/// whichever font the viewer substitutes for the generic sans-serif stack.
enum TextMetrics {
    /// The estimated width of `text` set at `fontSize` pixels (10 % more when `bold`).
    static func width(of text: String, fontSize: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars { em += advance(of: scalar) }
        return em * fontSize * (bold ? 1.1 : 1)
    }

    /// `text`, shortened with an ellipsis if needed so that it fits in `maximumWidth`.
    static func truncated(
        _ text: String, toWidth maximumWidth: Double, fontSize: Double, bold: Bool = false
    ) -> String {
        guard width(of: text, fontSize: fontSize, bold: bold) > maximumWidth else { return text }
        let ellipsis = "…"
        var kept = ""
        var used = width(of: ellipsis, fontSize: fontSize, bold: bold)
        for character in text {
            let next = width(of: String(character), fontSize: fontSize, bold: bold)
            if used + next > maximumWidth { break }
            used += next
            kept.append(character)
        }
        return kept + ellipsis
    }

    /// `text`, shortened in the middle with an ellipsis if needed to fit in `maximumWidth`.
    ///
    /// Run labels of a sweep usually differ at the end ("…lr=0.01" vs "…lr=0.001"), so
    /// keeping both ends keeps them apart where cutting the end would make them identical.
    static func truncatedInMiddle(_ text: String, toWidth maximumWidth: Double, fontSize: Double) -> String {
        guard width(of: text, fontSize: fontSize) > maximumWidth else { return text }
        let characters = Array(text)
        var head = 0
        var tail = 0
        var used = width(of: "…", fontSize: fontSize)
        // Grow the kept ends alternately, giving the end a slightly larger share.
        while head + tail < characters.count {
            let takeTail = tail <= head
            let character = takeTail ? characters[characters.count - 1 - tail] : characters[head]
            let next = width(of: String(character), fontSize: fontSize)
            if used + next > maximumWidth { break }
            used += next
            if takeTail { tail += 1 } else { head += 1 }
        }
        return String(characters[0..<head]) + "…" + String(characters[(characters.count - tail)...])
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

    /// Advance widths of printable ASCII (space through tilde) in thousandths of an em,
    /// from DejaVu Sans: the widest common fallback for "sans-serif", so estimates hold
    /// for Helvetica, Arial and the system UI fonts too.
    private static let asciiAdvances: [Int] = [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,  // space to /
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,  // 0 to ?
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,  // @ to O
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,  // P to _
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,  // ` to o
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,  // p to ~
    ]

    /// The advance of one character in ems.
    private static func advance(of scalar: Unicode.Scalar) -> Double {
        let value = Int(scalar.value)
        if value >= 32 && value <= 126 { return Double(asciiAdvances[value - 32]) / 1000 }
        // Combining marks take no room; East Asian wide characters and emoji a full em.
        if (0x300...0x36F).contains(value) { return 0 }
        if value >= 0x1100 && value != 0x2212 && value != 0x2026 && value != 0x221E { return 1.0 }
        return 0.84
    }
}
