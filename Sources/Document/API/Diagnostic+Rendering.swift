extension Diagnostic {
    /// The diagnostic as a compiler prints it: the header, the source line, and a caret under the
    /// problem (`^~~~` when it spans several columns), followed by any notes rendered the same way.
    ///
    /// ```
    /// report/answers.md:42:7: error: unknown key 'learnig_rate' in experiment 'q3' (did you mean 'lr'?)
    ///    42 | learnig_rate: 0.1
    ///       |       ^
    /// ```
    ///
    /// - Parameter source: the full text of `file`. When the line does not exist in it, only the
    ///   header is printed.
    /// - Returns: the diagnostic as a compiler prints it, with its source line and caret.
    public func rendered(source: String) -> String {
        rendered(lines: SourceText(source))
    }

    func rendered(lines: SourceText) -> String {
        var output = description
        if lines.contains(line: location.line), location.line > 0 {
            var text = lines.text(ofLine: location.line)
            var column = location.column
            // A very long line shows a window around the column, marked with "…" where it is cut.
            let scalars = Array(text.unicodeScalars)
            if scalars.count > Self.longestShownLine {
                let start = max(
                    0, min(column - 1 - Self.longestShownLine / 2, scalars.count - Self.longestShownLine))
                let end = min(scalars.count, start + Self.longestShownLine)
                var window = String.UnicodeScalarView(scalars[start..<end])
                if start > 0 { window.insert("…", at: window.startIndex) }
                if end < scalars.count { window.append("…") }
                text = String(window)
                column = column - start + (start > 0 ? 1 : 0)
            }
            let number = String(location.line)
            let width = max(number.count, 4) + 1
            let gutter = String(repeating: " ", count: width - number.count) + number + " | "
            let emptyGutter = String(repeating: " ", count: width) + " | "
            output += "\n" + gutter + text
            output +=
                "\n" + emptyGutter + Diagnostic.marker(for: text, column: column, length: length)
        }
        for note in notes {
            output += "\n" + note.rendered(lines: lines)
        }
        return output
    }

    /// Lines longer than this many scalars are shown as a window around the column.
    static let longestShownLine = 160

    /// The caret line: the same whitespace as the source up to `column` (tabs kept as tabs so the
    /// caret lines up in a terminal), then `^` and `~` up to the end of the span or of the line.
    private static func marker(for text: String, column: Int, length: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        let before = max(column - 1, 0)
        var marker = ""
        for index in 0..<before {
            marker.unicodeScalars.append(index < scalars.count && scalars[index] == "\t" ? "\t" : " ")
        }
        let available = max(scalars.count - before, 1)
        let span = min(max(length, 1), available)
        marker += "^" + String(repeating: "~", count: span - 1)
        return marker
    }
}
