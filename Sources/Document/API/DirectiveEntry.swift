import Yams

/// One top-level `key: value` pair of a directive's YAML body, with document positions.
public struct DirectiveEntry {
    /// The key's text.
    public let key: String
    /// The key as Yams parsed it (for `YAMLLocator.length(of:)` and the like).
    public let keyNode: Node
    /// Where the key starts in the document.
    public let keyLocation: SourceLocation
    /// The value, uninterpreted; for a key with no value this is an empty null scalar.
    public let value: Node
    /// Where the value starts in the document.
    public let valueLocation: SourceLocation

    public init(
        key: String, keyNode: Node, keyLocation: SourceLocation, value: Node, valueLocation: SourceLocation
    ) {
        self.key = key
        self.keyNode = keyNode
        self.keyLocation = keyLocation
        self.value = value
        self.valueLocation = valueLocation
    }
}
