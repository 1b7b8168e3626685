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

    public init(firstLine: Int, removedIndentation: [Int], fallback: SourceLocation) {
        self.firstLine = firstLine
        self.removedIndentation = removedIndentation
        self.fallback = fallback
    }

    /// The document location of a Yams mark.
    public func location(of mark: Mark) -> SourceLocation {
        location(bodyLine: mark.line, column: mark.column)
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
