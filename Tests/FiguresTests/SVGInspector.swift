import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed SVG document, for asserting on its elements in tests.
final class SVGInspector: NSObject, XMLParserDelegate {
    /// One element with its attributes and direct text content.
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []
    private(set) var parseError: Error?

    /// Parses `svg`; check `parseError` (or use `parsed(_:)`) for malformed input.
    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError ?? NSError(domain: "SVGInspector", code: 1) }
    }

    /// Parses `svg`, failing the test if it is not well-formed XML.
    static func parsed(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGInspector {
        let inspector = SVGInspector(svg)
        XCTAssertNil(
            inspector.parseError, "SVG does not parse: \(String(describing: inspector.parseError))",
            file: file, line: line)
        return inspector
    }

    /// Elements named `name`, optionally only those with `class` equal to `className`.
    func elements(named name: String, className: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    /// The text of every `<text>` element, in document order.
    var texts: [String] { elements(named: "text").map(\.text) }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String]
    ) {
        elements.append(Element(name: elementName, attributes: attributes, text: ""))
        open.append(elements.count - 1)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }
}
