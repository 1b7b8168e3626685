/// Finds `{{ ... }}` in the raw bytes of one paragraph or heading, skipping code spans.
///
/// Works on the source bytes rather than cmark's inline nodes because cmark 0.30 gives no reliable
/// positions for inlines. Code spans follow CommonMark: a run of N backticks opens a span that closes
/// at the next run of exactly N backticks; a run with no closing partner is literal text. A
/// backslash escapes the next ASCII punctuation character, so `\{{` is not an expression.
/// An expression must close on the line it opens on.
struct ExpressionScanner {
    /// A `{{ ... }}` found, as byte offsets into the document: `start` is the first `{`, `end` is just
    /// past the last `}`.
    struct Match {
        let start: Int
        let end: Int
    }

    /// Byte offsets of every unclosed `{{`.
    private(set) var unclosed: [Int] = []
    private(set) var matches: [Match] = []

    /// Scans `bytes[start..<end]`.
    init(bytes: [UInt8], from start: Int, to end: Int) {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == Self.backslash, index + 1 < end, Self.isPunctuation(bytes[index + 1]) {
                index += 2
            } else if byte == Self.backtick {
                index = Self.endOfCodeSpan(in: bytes, at: index, limit: end)
            } else if byte == Self.openBrace, index + 1 < end, bytes[index + 1] == Self.openBrace {
                if let close = Self.closingBraces(in: bytes, after: index + 2, limit: end) {
                    matches.append(Match(start: index, end: close))
                    index = close
                } else {
                    unclosed.append(index)
                    index += 2
                }
            } else {
                index += 1
            }
        }
    }

    private static let backslash = UInt8(ascii: "\\")
    private static let backtick = UInt8(ascii: "`")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")

    /// Where scanning resumes after the backtick run at `index`: past its closing run when the run
    /// opens a code span, or just past the run itself when it is literal.
    private static func endOfCodeSpan(in bytes: [UInt8], at index: Int, limit: Int) -> Int {
        let openingLength = runLength(in: bytes, at: index, limit: limit)
        var cursor = index + openingLength
        while cursor < limit {
            if bytes[cursor] == backtick {
                let length = runLength(in: bytes, at: cursor, limit: limit)
                if length == openingLength { return cursor + length }
                cursor += length
            } else {
                cursor += 1
            }
        }
        return index + openingLength
    }

    private static func runLength(in bytes: [UInt8], at index: Int, limit: Int) -> Int {
        var cursor = index
        while cursor < limit, bytes[cursor] == backtick { cursor += 1 }
        return cursor - index
    }

    /// The offset just past the first `}}` after `index` on the same line, if any.
    private static func closingBraces(in bytes: [UInt8], after index: Int, limit: Int) -> Int? {
        var cursor = index
        while cursor + 1 < limit {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return nil }
            if byte == closeBrace, bytes[cursor + 1] == closeBrace { return cursor + 2 }
            cursor += 1
        }
        return nil
    }

    private static func isPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
            || (0x7B...0x7E).contains(byte)
    }
}
