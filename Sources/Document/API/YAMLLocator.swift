import Yams

/// Maps positions inside a directive's YAML body to positions in the document.
///
/// Yams reports a `Mark` (1-based line and column, columns in Unicode scalars) relative to the body
/// it was given. The body starts on the line after the opening fence, and each of its lines may have
/// lost up to three spaces of indentation when the fence was indented; the locator adds both back.
public struct YAMLLocator: Sendable, Hashable {
    /// The document line holding the body's first line.
    public let firstLine: Int
    /// For each body line, how many columns of indentation were removed before giving it to Yams.
    public let removedIndentation: [Int]
    /// Where positions go that have no mark: the opening fence.
    public let fallback: SourceLocation

    /// Yams (libyaml) also breaks lines at U+0085, U+2028 and U+2029, which editors, CommonMark and
    /// this document's line numbers do not. For each line as Yams counts them: the body line it lies
    /// on and the columns of that line before it. Empty when the body has none of those characters.
    let yamlLineBodyLines: [Int]
    let yamlLineColumnOffsets: [Int]

    public init(firstLine: Int, removedIndentation: [Int], fallback: SourceLocation, bodyLines: [String] = [])
    {
        self.firstLine = firstLine
        self.removedIndentation = removedIndentation
        self.fallback = fallback
        var lines: [Int] = []
        var offsets: [Int] = []
        var extra = false
        for (index, line) in bodyLines.enumerated() {
            lines.append(index + 1)
            offsets.append(0)
            for (column, scalar) in line.unicodeScalars.enumerated()
            where scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                lines.append(index + 1)
                offsets.append(column + 1)
                extra = true
            }
        }
        yamlLineBodyLines = extra ? lines : []
        yamlLineColumnOffsets = extra ? offsets : []
    }

    /// The document location of a Yams mark.
    public func location(of mark: Mark) -> SourceLocation {
        location(yamlLine: mark.line, column: mark.column)
    }

    /// The document location of a line and column as Yams counts them (see `yamlLineBodyLines`).
    func location(yamlLine: Int, column: Int) -> SourceLocation {
        guard !yamlLineBodyLines.isEmpty, yamlLine >= 1 else {
            return location(bodyLine: yamlLine, column: column)
        }
        guard yamlLine <= yamlLineBodyLines.count else {
            let bodyLineCount = yamlLineBodyLines.last ?? 0
            return location(bodyLine: bodyLineCount + yamlLine - yamlLineBodyLines.count, column: column)
        }
        return location(
            bodyLine: yamlLineBodyLines[yamlLine - 1], column: column + yamlLineColumnOffsets[yamlLine - 1])
    }

    /// The document location of a 1-based line and column (in Unicode scalars) of the YAML body.
    public func location(bodyLine: Int, column: Int) -> SourceLocation {
        guard bodyLine >= 1 else { return fallback }
        let removed = bodyLine <= removedIndentation.count ? removedIndentation[bodyLine - 1] : 0
        return SourceLocation(line: firstLine + bodyLine - 1, column: max(column, 1) + removed)
    }

    /// The document location where `node` starts (the opening fence when Yams gave it no mark).
    public func location(of node: Node) -> SourceLocation {
        node.mark.map { location(of: $0) } ?? fallback
    }

    /// How many columns `node` spans when it is a scalar written on one line (quotes included),
    /// 1 otherwise: the length to underline in a diagnostic.
    public func length(of node: Node) -> Int {
        guard case .scalar(let scalar) = node, !scalar.string.contains("\n") else { return 1 }
        let count = scalar.string.unicodeScalars.count
        switch scalar.style {
        case .plain, .any: return max(count, 1)
        case .singleQuoted, .doubleQuoted: return count + 2
        case .literal, .folded: return 1
        }
    }
}
