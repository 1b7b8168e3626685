/// XML escaping for text and attribute values written into an SVG.
extension String {
    /// The string made safe to place between tags or inside a double- or single-quoted attribute.
    ///
    /// The five XML special characters become entities. Characters that XML 1.0 forbids
    /// (control characters other than tab, line feed and carriage return, and the
    /// non-characters U+FFFE and U+FFFF) are dropped, and line breaks become spaces,
    /// because an SVG text element shows a label on one line.
    var xmlEscaped: String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n", "\r", "\t": result += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    continue
                }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
