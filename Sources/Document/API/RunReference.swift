/// The run part of an inline expression: `fmnist-sgd`, or one run of a sweep chosen by selectors,
/// `q3-lr[lr=0.1]` or `q4[lr=0.1,optimizer=adam]`.
public struct RunReference: Hashable, Sendable, CustomStringConvertible {
    /// The experiment id.
    public var id: String
    /// `key=value` selectors in the order written; values are kept as written (`0.1`, `adam`, `1e-3`).
    public var selectors: [(key: String, value: String)]
    /// Where the id starts in the document.
    public var location: SourceLocation

    public init(id: String, selectors: [(key: String, value: String)] = [], location: SourceLocation) {
        self.id = id
        self.selectors = selectors
        self.location = location
    }

    /// The reference as it would be written: `id` or `id[key=value,key=value]`.
    public var description: String {
        guard !selectors.isEmpty else { return id }
        return id + "[" + selectors.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "]"
    }

    public static func == (left: RunReference, right: RunReference) -> Bool {
        left.id == right.id && left.location == right.location
            && left.selectors.map(\.key) == right.selectors.map(\.key)
            && left.selectors.map(\.value) == right.selectors.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(location)
        for selector in selectors {
            hasher.combine(selector.key)
            hasher.combine(selector.value)
        }
    }
}
