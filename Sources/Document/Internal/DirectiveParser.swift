import Yams

/// Turns one top-level fenced code block into a `Directive`, reporting what is wrong with its body.
struct DirectiveParser {
    let text: SourceText
    let file: String

    /// The fence that opens a block: its character (`` ` `` or `~`), length and offset.
    private struct Fence {
        let character: UInt8
        let length: Int
        let offset: Int
    }

    /// Parses `block`, a fenced code block at the top level whose info string names `kind`.
    /// Returns nil when the block is not fenced (an indented code block).
    func parse(_ block: MarkdownBlock, kind: Directive.Kind, info: String) -> (Directive, [Diagnostic])? {
        let fenceOffset = text.offset(line: block.startLine, byteColumn: block.startByteColumn)
        guard let fence = fence(at: fenceOffset) else { return nil }
        let startLine = block.startLine
        let endLine = max(block.endLine, startLine)
        let lineStart = text.start(ofLine: startLine)
        let indentation = fence.offset - lineStart
        let isClosed = endLine > startLine && closes(fence, line: endLine)
        let lastBodyLine = isClosed ? endLine - 1 : endLine

        var bodyLines: [String] = []
        var removed: [Int] = []
        if lastBodyLine > startLine {
            for line in (startLine + 1)...lastBodyLine {
                let (content, count) = Self.strip(spaces: indentation, from: text.text(ofLine: line))
                bodyLines.append(content)
                removed.append(count)
            }
        }
        let location = text.location(ofOffset: fence.offset)
        let locator = YAMLLocator(
            firstLine: startLine + 1, removedIndentation: removed, fallback: location, bodyLines: bodyLines)
        let body = bodyLines.isEmpty ? "" : bodyLines.joined(separator: "\n") + "\n"
        let fenceLength = text.string(from: fence.offset, to: text.contentEnd(ofLine: startLine))
            .trimmingTrailingWhitespace.unicodeScalars.count

        var diagnostics: [Diagnostic] = []
        if !isClosed {
            diagnostics.append(
                .error(
                    "\(kind.rawValue) block is never closed; add a closing "
                        + "\(String(repeating: Character(Unicode.Scalar(fence.character)), count: fence.length))"
                        + " fence (everything after it was read as part of the block)",
                    file: file, at: location, length: fenceLength))
        }
        var reader = BodyReader(
            kind: kind, file: file, locator: locator, bodyLines: bodyLines, location: location)
        let entries = reader.entries(of: body, fenceLength: fenceLength)
        diagnostics += reader.diagnostics

        let directive = Directive(
            kind: kind, info: info, entries: entries, location: location,
            original: text.string(from: lineStart, to: text.contentEnd(ofLine: endLine)), body: body,
            file: file,
            locator: locator, isClosed: isClosed)
        return (directive, diagnostics)
    }

    /// The opening fence at `offset`: three or more backticks or tildes.
    private func fence(at offset: Int) -> Fence? {
        guard offset < text.bytes.count else { return nil }
        let character = text.bytes[offset]
        guard character == UInt8(ascii: "`") || character == UInt8(ascii: "~") else { return nil }
        var end = offset
        while end < text.bytes.count, text.bytes[end] == character { end += 1 }
        guard end - offset >= 3 else { return nil }
        return Fence(character: character, length: end - offset, offset: offset)
    }

    /// Whether `line` is a closing fence for `fence`: up to three spaces, at least as many of the
    /// same fence character, then only spaces or tabs.
    private func closes(_ fence: Fence, line: Int) -> Bool {
        var index = text.start(ofLine: line)
        let end = text.contentEnd(ofLine: line)
        var spaces = 0
        while index < end, text.bytes[index] == UInt8(ascii: " "), spaces < 3 {
            index += 1
            spaces += 1
        }
        var length = 0
        while index < end, text.bytes[index] == fence.character {
            index += 1
            length += 1
        }
        guard length >= fence.length else { return false }
        return text.bytes[index..<end].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// `line` with up to `spaces` leading spaces removed, and how many were removed.
    static func strip(spaces: Int, from line: String) -> (String, Int) {
        var scalars = Substring(line).unicodeScalars
        var count = 0
        while count < spaces, scalars.first == " " {
            scalars.removeFirst()
            count += 1
        }
        return (String(scalars), count)
    }
}

extension String {
    /// The string without trailing spaces and tabs.
    fileprivate var trimmingTrailingWhitespace: String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
