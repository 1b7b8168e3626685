/// A position in a document: a 1-based line and a 1-based column.
///
/// Columns count Unicode scalars from the start of the line (a tab counts as one column), which is
/// also how libYAML counts them, so a Yams `Mark` maps onto a document column by simple addition.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Line number, starting at 1.
    public var line: Int
    /// Column number in Unicode scalars, starting at 1.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (left: SourceLocation, right: SourceLocation) -> Bool {
        (left.line, left.column) < (right.line, right.column)
    }

    /// `line:column`, as a compiler prints it.
    public var description: String { "\(line):\(column)" }
}
