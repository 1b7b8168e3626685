import Suggestions

/// Cuts a document into segments: finds directives among cmark's top-level code blocks and
/// expressions in the raw text of paragraphs and headings, and fills the gaps with verbatim text.
struct DocumentParser {
    private let text: SourceText
    private let file: String
    private(set) var diagnostics: [Diagnostic] = []

    /// A piece of the source that is not plain text, by byte offsets.
    private struct Cutout {
        let start: Int
        let end: Int
        let segment: Segment
    }

    init(source: String, file: String) {
        self.text = SourceText(source)
        self.file = file
    }

    /// How many block quotes and list items one line may open (cmark builds a node for each, so a
    /// line of a million `> ` would cost gigabytes).
    static let maximumNesting = 100
    /// How many `{{ }}` expressions one document may hold (the bundled report has about a hundred).
    static let maximumExpressions = 20_000
    private var expressionCount = 0
    /// How many directive blocks one document may hold, and how long one block's body may be.
    static let maximumDirectives = 5_000
    static let maximumDirectiveBytes = 64 << 10
    /// How much YAML all directive blocks together may hold (parsed YAML costs about 60 times its size).
    static let maximumDirectiveBytesInAll = 1 << 20
    private var directiveCount = 0, directiveBytes = 0, reportedDirectiveBytes = false

    mutating func segments() -> [Segment] {
        if let (offset, depth) = tooDeeplyNestedLine() {
            diagnostics.append(
                .error(
                    "this line opens \(depth) block quotes or list items; the limit is \(Self.maximumNesting)",
                    file: file, at: text.location(ofOffset: offset)))
            return text.bytes.isEmpty ? [] : [.text(text.string(from: 0, to: text.bytes.count))]
        }
        var cutouts: [Cutout] = []
        for block in CommonMarkReader.leafBlocks(of: text.bytes) {
            switch block.kind {
            case .paragraph, .heading:
                cutouts += expressions(in: block)
            case .codeBlock(let info):
                if let cutout = directive(in: block, info: info) { cutouts.append(cutout) }
            case .htmlBlock, .thematicBreak:
                continue
            }
        }
        cutouts.sort { $0.start < $1.start }

        var segments: [Segment] = []
        var position = 0
        func appendText(upTo end: Int) {
            guard end > position else { return }
            let piece = text.string(from: position, to: end)
            if case .text(let previous)? = segments.last {
                segments[segments.count - 1] = .text(previous + piece)
            } else {
                segments.append(.text(piece))
            }
            position = end
        }
        for cutout in cutouts where cutout.start >= position {
            appendText(upTo: cutout.start)
            segments.append(cutout.segment)
            position = cutout.end
        }
        appendText(upTo: text.bytes.count)
        return segments
    }

    /// The first line that opens more than `maximumNesting` containers (`>`, `-`, `*`, `+`, `1.`, `1)`
    /// each followed by a space, one after another), with its offset and how many it opens.
    private func tooDeeplyNestedLine() -> (Int, Int)? {
        let bytes = text.bytes
        for line in 1...text.lineCount {
            var index = text.start(ofLine: line)
            let end = text.contentEnd(ofLine: line)
            var depth = 0
            func isSpace(_ i: Int) -> Bool {
                i >= end || bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")
            }
            while index < end {
                while index < end, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                    index += 1
                }
                guard index < end else { break }
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") {
                    index += 1
                } else if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*")
                    || byte == UInt8(ascii: "+")) && isSpace(index + 1)
                {
                    index += 1
                } else if (0x30...0x39).contains(byte) {
                    var digitEnd = index
                    while digitEnd < end, digitEnd - index < 10, (0x30...0x39).contains(bytes[digitEnd]) {
                        digitEnd += 1
                    }
                    guard digitEnd < end,
                        bytes[digitEnd] == UInt8(ascii: ".") || bytes[digitEnd] == UInt8(ascii: ")"),
                        isSpace(digitEnd + 1)
                    else { break }
                    index = digitEnd + 1
                } else {
                    break
                }
                depth += 1
            }
            if depth > Self.maximumNesting { return (text.start(ofLine: line), depth) }
        }
        return nil
    }

    /// The well-formed expressions in a paragraph or heading; diagnostics for the others.
    private mutating func expressions(in block: MarkdownBlock) -> [Cutout] {
        let start = text.offset(line: block.startLine, byteColumn: block.startByteColumn)
        let end = text.contentEnd(ofLine: block.endLine)
        let scanner = ExpressionScanner(bytes: text.bytes, from: start, to: end)
        for offset in scanner.unclosed {
            diagnostics.append(
                .error(
                    "unclosed '{{'; expected '}}' on the same line (write '\\{{' for literal braces)",
                    file: file,
                    at: text.location(ofOffset: offset), length: 2))
        }
        var cutouts: [Cutout] = []
        for match in scanner.matches {
            expressionCount += 1
            guard expressionCount <= Self.maximumExpressions else {
                if expressionCount == Self.maximumExpressions + 1 {
                    diagnostics.append(
                        .error(
                            "more than \(Self.maximumExpressions) '{{ }}' expressions in one document, the limit",
                            file: file, at: text.location(ofOffset: match.start), length: 2))
                }
                continue
            }
            let original = text.string(from: match.start, to: match.end)
            let location = text.location(ofOffset: match.start)
            switch ExpressionParser.parse(original: original, location: location, file: file) {
            case .success(let expression):
                cutouts.append(Cutout(start: match.start, end: match.end, segment: .expression(expression)))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        return cutouts
    }

    /// The directive in a code block whose info string starts with a directive kind, if it is a
    /// top-level fenced block; a warning when such a block sits inside a list item or block quote.
    private mutating func directive(in block: MarkdownBlock, info: String) -> Cutout? {
        let firstWord = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        let fenceOffset = text.offset(line: block.startLine, byteColumn: block.startByteColumn)
        guard let kind = Directive.Kind(rawValue: firstWord) else {
            // ```Figure or ```experimnt is shown as code, silently, unless someone says so.
            if firstWord.count >= 4,
                let meant = suggestion(for: firstWord, among: Directive.Kind.allCases.map(\.rawValue))
            {
                diagnostics.append(
                    .warning(
                        "'\(firstWord)' is not a directive, so this block is shown as code (did you mean '\(meant)'?)",
                        file: file, at: text.location(ofOffset: fenceOffset), length: 3 + firstWord.count))
            }
            return nil
        }
        directiveCount += 1
        guard directiveCount <= Self.maximumDirectives else {
            if directiveCount == Self.maximumDirectives + 1 {
                diagnostics.append(
                    .error(
                        "more than \(Self.maximumDirectives) directive blocks in one document, the limit",
                        file: file, at: text.location(ofOffset: fenceOffset), length: 3 + firstWord.count))
            }
            return nil
        }
        let bodyBytes =
            text.start(ofLine: max(block.endLine, block.startLine)) - text.end(ofLine: block.startLine)
        guard bodyBytes <= Self.maximumDirectiveBytes else {
            diagnostics.append(
                .error(
                    "\(kind.rawValue) block is \(bodyBytes / 1024) KiB long; the limit is \(Self.maximumDirectiveBytes / 1024) KiB",
                    file: file, at: text.location(ofOffset: fenceOffset), length: 3 + firstWord.count))
            return nil
        }
        directiveBytes += max(bodyBytes, 0)
        guard directiveBytes <= Self.maximumDirectiveBytesInAll else {
            if !reportedDirectiveBytes {
                reportedDirectiveBytes = true
                diagnostics.append(
                    .error(
                        "the directive blocks up to here hold more than \(Self.maximumDirectiveBytesInAll >> 20) MiB of YAML, the limit",
                        file: file, at: text.location(ofOffset: fenceOffset), length: 3 + firstWord.count))
            }
            return nil
        }
        if let container = block.container {
            diagnostics.append(
                .warning(
                    "'\(kind.rawValue)' block inside a \(container.rawValue) is copied as an ordinary code block, "
                        + "not read as a directive; directives must start at the top level of the document",
                    file: file, at: text.location(ofOffset: fenceOffset), length: 3 + firstWord.count))
            return nil
        }
        let parser = DirectiveParser(text: text, file: file)
        guard let (directive, problems) = parser.parse(block, kind: kind, info: info) else { return nil }
        diagnostics += problems
        return Cutout(
            start: text.start(ofLine: block.startLine),
            end: text.contentEnd(ofLine: max(block.endLine, block.startLine)),
            segment: .directive(directive))
    }
}
