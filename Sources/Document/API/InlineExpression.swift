/// A `{{ REF.VALUE | FORMAT }}` expression found in the prose of a document.
///
/// For example `{{ q3-lr[lr=0.1].best.val_acc | percent(1) }}` has the reference `q3-lr` with the
/// selector `lr=0.1`, the value path `["best", "val_acc"]` and the format `percent` with argument `1`.
public struct InlineExpression: Hashable, Sendable, CustomStringConvertible {
    /// The run the value comes from.
    public var reference: RunReference
    /// The value's path, split at dots: `["val_acc"]`, `["best", "val_acc"]`.
    public var value: [String]
    /// Where the value path starts in the document.
    public var valueLocation: SourceLocation
    /// How to print the value, when given.
    public var format: FormatSpec?
    /// Where the opening `{{` is in the document.
    public var location: SourceLocation
    /// The exact source text, from `{{` to `}}` inclusive.
    public var original: String

    public init(
        reference: RunReference, value: [String], valueLocation: SourceLocation, format: FormatSpec?,
        location: SourceLocation, original: String
    ) {
        self.reference = reference
        self.value = value
        self.valueLocation = valueLocation
        self.format = format
        self.location = location
        self.original = original
    }

    /// The value path as written: `best.val_acc`.
    public var valuePath: String { value.joined(separator: ".") }

    /// The expression in normalized form: `{{ id[key=value].path | format(arguments) }}`.
    public var description: String {
        let formatted = format.map { " | \($0)" } ?? ""
        return "{{ \(reference).\(valuePath)\(formatted) }}"
    }
}
