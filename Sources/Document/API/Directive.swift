import Yams

/// A fenced block whose info string starts with a directive kind: ```` ```experiment ````,
/// ```` ```figure ````, ```` ```table ````, ```` ```defaults ```` or ```` ```metrics ````, with a YAML mapping
/// as its body.
///
/// Only blocks at the top level of the document are directives; see `ParsedDocument`.
public struct Directive {
    /// The kinds of directive, named by the first word of the fence's info string.
    public enum Kind: String, CaseIterable, Sendable {
        case experiment, figure, table, defaults, metrics
    }

    public let kind: Kind
    /// The whole info string after the fence (`experiment`, or `experiment extra words`).
    public let info: String
    /// The body's top-level keys in the order written. Empty when the body failed to parse (a
    /// diagnostic says why).
    public let entries: [DirectiveEntry]
    /// Where the opening fence starts.
    public let location: SourceLocation
    /// The exact source text, from the start of the opening fence's line (indentation included) to
    /// the end of the closing fence, without the line break after it.
    public let original: String
    /// The YAML given to Yams: the lines between the fences, fence indentation removed.
    public let body: String
    /// The document's path, for diagnostics.
    public let file: String
    /// Maps Yams marks in `body` to document positions.
    public let locator: YAMLLocator
    /// False when the block runs to the end of the document (or its container) without a closing fence.
    public let isClosed: Bool

    public init(
        kind: Kind, info: String, entries: [DirectiveEntry], location: SourceLocation, original: String,
        body: String, file: String, locator: YAMLLocator, isClosed: Bool = true
    ) {
        self.kind = kind
        self.info = info
        self.entries = entries
        self.location = location
        self.original = original
        self.body = body
        self.file = file
        self.locator = locator
        self.isClosed = isClosed
    }

    /// The entry for `key`, if the body has it.
    public subscript(key: String) -> DirectiveEntry? {
        entries.first { $0.key == key }
    }

    /// The `id` value when it is a scalar.
    public var id: String? {
        guard case .scalar(let scalar)? = self["id"]?.value, !scalar.string.isEmpty else { return nil }
        return scalar.string
    }

    /// How messages name this directive: `experiment 'q3'`, or `figure` when it has no id.
    public var displayName: String {
        id.map { "\(kind.rawValue) '\($0)'" } ?? kind.rawValue
    }

    /// The document location of any node in the body (nested ones included).
    public func location(of node: Node) -> SourceLocation {
        locator.location(of: node)
    }

    /// A diagnostic pointing at `node` and underlining it when it is a one-line scalar.
    public func diagnostic(_ message: String, at node: Node, severity: Diagnostic.Severity = .error)
        -> Diagnostic
    {
        Diagnostic(
            file: file, location: locator.location(of: node), length: locator.length(of: node),
            severity: severity,
            message: message)
    }
}
