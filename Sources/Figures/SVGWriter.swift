/// Writes an SVG document element by element, escaping every text and attribute value.
///
/// Attributes are written in the order given, so identical calls give identical bytes.
struct SVGWriter {
    private var body = ""
    private var indentLevel = 1
    let width: Double
    let height: Double

    /// Starts a document of the given size with an opaque background and an accessible title.
    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        let w = NumberFormat.coordinate(width)
        let h = NumberFormat.coordinate(height)
        body += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\""
        body += " viewBox=\"0 0 \(w) \(h)\" role=\"img\""
        body += " font-family=\"\(FigureTheme.fontFamily.xmlEscaped)\">\n"
        line("<title>\(title.xmlEscaped)</title>")
        element("rect", [("width", w), ("height", h), ("fill", FigureTheme.background)])
    }

    /// A self-closing element such as `<line .../>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        line("<\(name)\(Self.attributeText(attributes))/>")
    }

    /// Opens a container element such as `<g ...>`; close it with `close(_:)`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        line("<\(name)\(Self.attributeText(attributes))>")
        indentLevel += 1
    }

    /// Closes the container opened last.
    mutating func close(_ name: String) {
        indentLevel -= 1
        line("</\(name)>")
    }

    /// A text element whose content is `content`, escaped.
    mutating func text(_ content: String, x: Double, y: Double, _ attributes: [(String, String)] = []) {
        let position = [("x", NumberFormat.coordinate(x)), ("y", NumberFormat.coordinate(y))]
        line("<text\(Self.attributeText(position + attributes))>\(content.xmlEscaped)</text>")
    }

    /// The finished document.
    func finished() -> String {
        body + "</svg>\n"
    }

    private mutating func line(_ text: String) {
        body += String(repeating: " ", count: indentLevel) + text + "\n"
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        var text = ""
        for (name, value) in attributes { text += " \(name)=\"\(value.xmlEscaped)\"" }
        return text
    }
}
