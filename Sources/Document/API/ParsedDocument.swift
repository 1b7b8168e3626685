/// A Markdown answers document cut into segments: verbatim text, directive blocks and inline
/// `{{ }}` expressions.
///
/// Decisions worth knowing:
/// - Only fenced blocks at the top level of the document are directives (fences may be indented
///   1–3 spaces, use backticks or tildes, and be longer than three). A directive fence inside a
///   list item or block quote stays an ordinary code block, and a warning says so.
/// - A directive whose body fails to parse stays a `.directive` with no entries; the diagnostics say
///   why. An expression with a syntax error stays `.text`.
/// - Expressions are looked for only in paragraphs and headings (which covers text in lists, block
///   quotes, emphasis, links and pipe tables), never in code spans, code blocks or HTML blocks. An
///   expression must close on the line where it opens; `\{{` is literal.
public struct ParsedDocument {
    /// The document's path, as diagnostics print it.
    public let path: String
    /// The full source text.
    public let source: String
    /// The segments in document order, covering the whole source.
    public let segments: [Segment]

    public init(path: String, source: String, segments: [Segment]) {
        self.path = path
        self.source = source
        self.segments = segments
    }

    /// Parses `source`. Never throws for problems in the document: every problem found is returned as
    /// a diagnostic, sorted by position, next to a document that is as complete as possible.
    public static func parse(source: String, path: String) -> (ParsedDocument, [Diagnostic]) {
        var parser = DocumentParser(source: source, file: path)
        let segments = parser.segments()
        return (
            ParsedDocument(path: path, source: source, segments: segments),
            DiagnosticList.sorted(parser.diagnostics)
        )
    }

    /// The longest document: far above any write-up (the bundled one is 27 KB), small enough that
    /// checking one stays within a second and a few hundred megabytes.
    public static let maximumBytes = 4 << 20

    /// The text of a document's bytes; throws a `DiagnosticError` at the line and column of the
    /// first byte that is not UTF-8 (columns count the Unicode scalars before it, as everywhere).
    /// Also refuses, at the position where it passes the limit, a document over `maximumBytes`.
    public static func decode(_ bytes: [UInt8], path: String) throws -> String {
        if bytes.count > maximumBytes {
            let location = SourceText.location(ofOffset: maximumBytes, in: bytes)
            throw DiagnosticError(diagnostics: [
                .error(
                    "the document is longer than \(maximumBytes / (1 << 20)) MiB, the limit; split it or move data out of it",
                    file: path, at: location)
            ])
        }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: break loop
            case .error:
                let location = SourceText.location(ofOffset: offset, in: bytes)
                let byte = "0x" + String(bytes[offset], radix: 16, uppercase: true)
                throw DiagnosticError(
                    diagnostics: [
                        .error(
                            "the document is not UTF-8 text: byte \(byte) here starts no character; save it as UTF-8",
                            file: path, at: location)
                    ],
                    sources: [path: String(decoding: bytes, as: UTF8.self)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The directives in document order.
    public var directives: [Directive] {
        segments.compactMap {
            if case .directive(let directive) = $0 { return directive } else { return nil }
        }
    }

    /// The well-formed inline expressions in document order.
    public var expressions: [InlineExpression] {
        segments.compactMap {
            if case .expression(let expression) = $0 { return expression } else { return nil }
        }
    }

    /// The source rebuilt from the segments' original texts; always equal to `source`.
    public var reconstructed: String {
        segments.map(\.original).joined()
    }
}
