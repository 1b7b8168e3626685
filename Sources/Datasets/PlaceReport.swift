/// What a searched place holds: nothing, a verified copy, or a copy that failed verification.
public struct PlaceReport: Sendable {
    public enum Outcome: Sendable {
        /// No copy there; the reason says what is missing.
        case absent(String)
        /// A verified copy.
        case valid(DatasetCopy)
        /// Some of the dataset's files are there, these are not.
        case incomplete(missing: [String])
        /// Files are there but at least one has the wrong content or cannot be read.
        case invalid(DatasetError)
    }

    public let place: DataPlace
    public let outcome: Outcome

    /// Why the place was not used, in one line; nil for a valid copy.
    public var problem: String? {
        switch outcome {
        case .valid: return nil
        case .absent(let reason): return reason
        case .incomplete(let missing): return "incomplete: no \(missing.joined(separator: ", "))"
        case .invalid(let error): return DataLocator.explain(error)
        }
    }

    public var isValid: Bool {
        if case .valid = outcome { return true }
        return false
    }
}
