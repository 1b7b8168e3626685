/// The raw bytes of a document, split into lines the way CommonMark splits them.
///
/// A line ends at `\n`, `\r\n` or a lone `\r`. Offsets are UTF-8 byte offsets into `bytes`; slicing at
/// line boundaries or at ASCII characters always yields valid UTF-8, so text cut out of the document
/// concatenates back to the exact input.
struct SourceText {
    /// The document's UTF-8 bytes.
    let bytes: [UInt8]
    /// Byte offset where each line starts; index 0 is line 1.
    private(set) var lineStarts: [Int] = []
    /// Byte offset where each line's content ends (before its line terminator).
    private(set) var lineContentEnds: [Int] = []
    /// Byte offset just past each line's terminator (equal to the content end on the last line).
    private(set) var lineEnds: [Int] = []
    /// Whether the document starts with a UTF-8 byte order mark (cmark skips it when counting columns).
    let hasByteOrderMark: Bool
    /// Scalars (bytes that start one) before each multiple of `checkpointStride` bytes: a column is
    /// found by counting at most that many bytes, so a 4 MB line with many expressions stays linear.
    private var scalarCheckpoints: [Int] = [0]
    private static let checkpointStride = 1024

    init(_ source: String) {
        bytes = Array(source.utf8)
        hasByteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        var scalars = 0
        for (index, byte) in bytes.enumerated() {
            if (byte & 0xC0) != 0x80 { scalars += 1 }
            if (index + 1) % Self.checkpointStride == 0 { scalarCheckpoints.append(scalars) }
        }
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                let contentEnd = index
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n")
                {
                    index += 1
                }
                index += 1
                lineStarts.append(start)
                lineContentEnds.append(contentEnd)
                lineEnds.append(index)
                start = index
            } else {
                index += 1
            }
        }
        // The last line: text without a terminator, or an empty line after a final terminator.
        lineStarts.append(start)
        lineContentEnds.append(bytes.count)
        lineEnds.append(bytes.count)
    }

    /// Number of lines (a final line terminator starts one more, empty, line).
    var lineCount: Int { lineStarts.count }

    /// Whether `line` (1-based) exists.
    func contains(line: Int) -> Bool { line >= 1 && line <= lineCount }

    /// Byte offset where `line` starts.
    func start(ofLine line: Int) -> Int { lineStarts[clamped(line) - 1] }

    /// Byte offset where `line`'s content ends, before its terminator.
    func contentEnd(ofLine line: Int) -> Int { lineContentEnds[clamped(line) - 1] }

    /// Byte offset just past `line`'s terminator.
    func end(ofLine line: Int) -> Int { lineEnds[clamped(line) - 1] }

    /// The content of `line`, without its terminator.
    func text(ofLine line: Int) -> String {
        guard contains(line: line) else { return "" }
        return string(from: start(ofLine: line), to: contentEnd(ofLine: line))
    }

    /// The bytes in `start..<end` as a string.
    func string(from start: Int, to end: Int) -> String {
        String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// Byte offset of a cmark position: cmark columns count bytes from 1 and skip a leading BOM.
    func offset(line: Int, byteColumn: Int) -> Int {
        let bom = (line == 1 && hasByteOrderMark) ? 3 : 0
        return min(start(ofLine: line) + max(byteColumn - 1, 0) + bom, contentEnd(ofLine: line))
    }

    /// The document location (line, column in Unicode scalars) of a byte offset.
    func location(ofOffset offset: Int) -> SourceLocation {
        // Binary search for the last line starting at or before `offset`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let lineStart = lineStarts[low]
        let scalars = scalarsBefore(min(offset, bytes.count)) - scalarsBefore(lineStart)
        return SourceLocation(line: low + 1, column: scalars + 1)
    }

    /// Bytes that start a scalar (not a 10xxxxxx continuation byte) in `0..<offset`.
    private func scalarsBefore(_ offset: Int) -> Int {
        let checkpoint = offset / Self.checkpointStride
        return bytes[(checkpoint * Self.checkpointStride)..<offset].reduce(scalarCheckpoints[checkpoint]) {
            count, byte in
            (byte & 0xC0) == 0x80 ? count : count + 1
        }
    }

    /// The line and column of `offset` in raw bytes that may not be UTF-8 after `offset`: lines end
    /// at `\n`, `\r\n` or `\r`; columns count the scalars (bytes that are not continuation bytes).
    static func location(ofOffset offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < end, bytes[index + 1] == UInt8(ascii: "\n") {
                    index += 1
                }
                line += 1
                column = 1
            } else if (byte & 0xC0) != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(line: line, column: column)
    }

    private func clamped(_ line: Int) -> Int { min(max(line, 1), lineCount) }
}
