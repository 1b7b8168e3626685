/// Writes an SVG document element by element, escaping every text and attribute value.
///
/// Attributes are written in the order given, so identical calls give identical bytes.
struct SVGWriter {
    private var head = ""
    private var body = ""
    private var indentLevel = 1
    let width: Double
    let height: Double
    /// Series colours and their dark-mode replacements, added by the chart as it draws.
    var darkColors: [String: String] = [:]

    /// Starts a document of the given size with an opaque background, an accessible title and,
    /// when not empty, a description (what the figure shows, for screen readers).
    init(width: Double, height: Double, title: String, description: String = "") {
        self.width = width
        self.height = height
        let w = NumberFormat.coordinate(width)
        let h = NumberFormat.coordinate(height)
        head += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\""
        head += " viewBox=\"0 0 \(w) \(h)\" role=\"img\""
        head += " font-family=\"\(FigureTheme.fontFamily.xmlEscaped)\">\n"
        head += " <title>\(title.xmlEscaped)</title>\n"
        if !description.isEmpty { head += " <desc>\(description.xmlEscaped)</desc>\n" }
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

    /// The finished document, with a style sheet that recolours it for a dark colour scheme.
    ///
    /// The rules match presentation attributes (`[fill="#FFFFFF"]`), which a style sheet
    /// overrides, so the light figure needs no classes and renders the same without CSS.
    func finished() -> String {
        var colors = FigureTheme.darkColors
        for (light, dark) in darkColors where colors[light] == nil { colors[light] = dark }
        var rules = ""
        for light in colors.keys.sorted() {
            guard let dark = colors[light], body.contains("\"\(light)\"") else { continue }
            for property in ["fill", "stroke"] where body.contains("\(property)=\"\(light)\"") {
                rules += "[\(property)=\"\(light)\"]{\(property):\(dark)}"
            }
        }
        var style = ""
        if !rules.isEmpty { style = " <style>@media (prefers-color-scheme: dark){\(rules)}</style>\n" }
        return head + style + body + "</svg>\n"
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
