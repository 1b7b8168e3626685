import Foundation

/// One row of a CSV file: its cells' text (quotes removed) and where each cell starts.
struct CSVRow {
    /// The row's cells, one after another.
    var text: [UInt8] = []
    var cells: [Range<Int>] = []
    /// 1-based line and column (in bytes) where each cell starts.
    var lines: [Int] = []
    var columns: [Int] = []
    /// Where the row ends (its line break, or the end of the file).
    var endLine = 0
    var endColumn = 0

    var count: Int { cells.count }

    /// The `index`th cell, without the spaces and tabs around it.
    func cell(_ index: Int) -> String {
        var range = cells[index]
        while let first = range.first, text[first] == 0x20 || text[first] == 0x09 {
            range = (first + 1)..<range.upperBound
        }
        while let last = range.last, text[last] == 0x20 || text[last] == 0x09 {
            range = range.lowerBound..<last
        }
        return String(decoding: text[range], as: UTF8.self)
    }

    /// A line with nothing on it.
    var isBlank: Bool { cells.count == 1 && cells[0].isEmpty && !quoted }
    var quoted = false

    /// "file:line:column", where cell `index` starts (the row's end when `index` is past its last cell).
    func location(_ path: String, cell index: Int) -> String {
        index < cells.count ? "\(path):\(lines[index]):\(columns[index])" : "\(path):\(endLine):\(endColumn)"
    }
}

/// Splits a CSV file (RFC 4180: commas, cells in double quotes with `""` for a quote, LF or CRLF line
/// ends, an optional UTF-8 byte order mark) into rows as it reads it, a megabyte at a time, so a file is
/// never held whole: only the current row is.
struct CSVScanner {
    private let handle: FileHandle
    private let path: String
    /// The most bytes one row may take.
    private let maxRowBytes: Int
    private var chunk: [UInt8] = []
    private var position = 0
    private var atFileStart = true
    private var finished = false
    private var line = 1
    private var column = 1
    /// A CR just ended a row: an LF right after it belongs to the same line break.
    private var afterCR = false
    private var previous: UInt8 = 0

    init(url: URL, maxRowBytes: Int) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.missing(path: url.path)
        }
        guard !isDirectory.boolValue else {
            throw DatasetError.unreadable(path: url.path, reason: "it is a folder, not a file")
        }
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        path = url.path
        self.maxRowBytes = maxRowBytes
    }

    /// The next byte, or nil at the end of the file.
    private mutating func next() throws -> UInt8? {
        if position == chunk.count {
            guard !finished else { return nil }
            do {
                chunk = [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())
            } catch {
                throw DatasetError.unreadable(path: path, reason: error.localizedDescription)
            }
            position = 0
            if chunk.isEmpty {
                finished = true
                try? handle.close()
                return nil
            }
            if atFileStart {
                atFileStart = false
                if chunk.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
                return try next()
            }
        }
        defer { position += 1 }
        return chunk[position]
    }

    private enum State {
        case cellStart
        case unquoted
        case quoted
        /// A quote inside a quoted cell: the cell's end, or the first of `""`.
        case quoteInQuoted
    }

    /// The next row, or nil at the end of the file.
    mutating func nextRow() throws -> CSVRow? {
        var row = CSVRow()
        var state = State.cellStart
        var cellStart = 0
        var quoteLine = 0
        var quoteColumn = 0
        func endCell() {
            row.cells.append(cellStart..<row.text.count)
            cellStart = row.text.count
        }
        func startCell(_ line: Int, _ column: Int) {
            row.lines.append(line)
            row.columns.append(column)
        }
        startCell(line, column)
        var sawAnything = false
        while let byte = try next() {
            if afterCR {
                afterCR = false
                if byte == 0x0A {
                    previous = byte
                    continue
                }
            }
            sawAnything = true
            let (byteLine, byteColumn) = (line, column)
            if byte == 0x0D || (byte == 0x0A && previous != 0x0D) {
                line += 1
                column = 1
            } else if byte != 0x0A {
                column += 1
            }
            previous = byte
            switch state {
            case .quoted:
                if byte == 0x22 { state = .quoteInQuoted } else { row.text.append(byte) }
            case .cellStart, .unquoted, .quoteInQuoted:
                switch byte {
                case 0x2C:  // comma
                    endCell()
                    startCell(line, column)
                    state = .cellStart
                case 0x0A, 0x0D:
                    afterCR = byte == 0x0D
                    endCell()
                    (row.endLine, row.endColumn) = (byteLine, byteColumn)
                    return row
                case 0x22 where state == .cellStart:
                    state = .quoted
                    row.quoted = true
                    (quoteLine, quoteColumn) = (byteLine, byteColumn)
                case 0x22 where state == .quoteInQuoted:
                    row.text.append(byte)
                    state = .quoted
                default:
                    guard state != .quoteInQuoted else {
                        throw DatasetError.corrupt(
                            path: "\(path):\(byteLine):\(byteColumn)",
                            reason:
                                "unexpected text after a quoted cell's closing quote (write \"\" for a quote)"
                        )
                    }
                    row.text.append(byte)
                    state = .unquoted
                }
            }
            guard row.text.count <= maxRowBytes else {
                throw DatasetError.corrupt(
                    path: "\(path):\(row.lines[0]):\(row.columns[0])",
                    reason: "a row longer than \(maxRowBytes) bytes, the limit for the whole split")
            }
        }
        guard state != .quoted else {
            throw DatasetError.corrupt(
                path: "\(path):\(quoteLine):\(quoteColumn)", reason: "a quoted cell is never closed")
        }
        guard sawAnything else { return nil }
        endCell()
        (row.endLine, row.endColumn) = (line, column)
        return row
    }
}
