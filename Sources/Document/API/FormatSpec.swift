/// The format part of an inline expression, after `|`: `percent`, `percent(1)`, `fixed(3)`.
///
/// Parsed generically: the name and its arguments as written. Which names exist and what arguments
/// they take is decided by whoever renders the value.
public struct FormatSpec: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// Arguments between the parentheses, trimmed; empty when there are no parentheses.
    public var arguments: [String]
    /// Where the format name starts in the document.
    public var location: SourceLocation

    public init(name: String, arguments: [String] = [], location: SourceLocation) {
        self.name = name
        self.arguments = arguments
        self.location = location
    }

    /// The format as it would be written: `name` or `name(argument, argument)`.
    public var description: String {
        arguments.isEmpty ? name : name + "(" + arguments.joined(separator: ", ") + ")"
    }
}
