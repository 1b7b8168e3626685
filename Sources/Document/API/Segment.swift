/// One piece of a parsed document. The `original` texts of a document's segments, in order,
/// concatenate to the exact source.
public enum Segment {
    /// Source text to copy verbatim: prose, headings, code blocks, HTML, and anything that failed to
    /// parse (an expression with a syntax error stays text; its diagnostic says why).
    case text(String)
    /// A directive block at the top level of the document.
    case directive(Directive)
    /// A well-formed `{{ ... }}` expression.
    case expression(InlineExpression)

    /// The exact source text this segment covers.
    public var original: String {
        switch self {
        case .text(let text): return text
        case .directive(let directive): return directive.original
        case .expression(let expression): return expression.original
        }
    }
}
