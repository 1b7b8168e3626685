/// A `{{ EXPRESSION | FORMAT }}` or `{{ assert CLAIM }}` found in the prose of a document.
///
/// For example `{{ q3-lr[lr=0.1].best.val_acc | percent(1) }}` has one value reference, `q3-lr` with
/// the selector `lr=0.1` and the value path `["best", "val_acc"]`, and the format `percent` with
/// argument `1`; `{{ q9.val_acc - q8.val_acc | percent(2) }}` the difference of two values.
public struct InlineExpression: Hashable, Sendable, CustomStringConvertible {
    /// What is computed.
    public var body: ValueExpression
    /// `{{ assert … }}`: a claim that renders nothing and fails the build when false.
    public var isClaim: Bool
    /// How to print the value, when given.
    public var format: FormatSpec?
    /// Where the opening `{{` is in the document.
    public var location: SourceLocation
    /// The exact source text, from `{{` to `}}` inclusive.
    public var original: String

    public init(
        body: ValueExpression, isClaim: Bool = false, format: FormatSpec?, location: SourceLocation,
        original: String
    ) {
        self.body = body
        self.isClaim = isClaim
        self.format = format
        self.location = location
        self.original = original
    }

    /// Parses one `{{ … }}` (the text from `{{` to `}}` inclusive, on one line, starting at
    /// `location`), or returns the first syntax error in it.
    public static func parse(_ original: String, at location: SourceLocation, file: String) -> Result<
        InlineExpression, Diagnostic
    > {
        ExpressionParser.parse(original: original, location: location, file: file)
    }

    /// Every value reference in the expression, left to right.
    public var references: [ValueReference] { body.references }

    /// The value paths as written, separated by spaces: `best.val_acc`, or `val_acc val_acc` for
    /// `q9.val_acc - q8.val_acc`.
    public var valuePath: String { references.map(\.pathText).joined(separator: " ") }

    /// The expression in normalized form: `{{ assert claim }}` or `{{ expression | format(arguments) }}`.
    public var description: String {
        let formatted = format.map { " | \($0)" } ?? ""
        return "{{ \(isClaim ? "assert " : "")\(body)\(formatted) }}"
    }
}
