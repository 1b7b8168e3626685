/// The datasets the engine can train on, by the names a document uses.
public enum DatasetName: String, CaseIterable, Sendable {
    case mnist
    case fashionMNIST = "fashion_mnist"

    /// Parses a name as a person types it: `mnist`, `fashion_mnist` or the directory
    /// spelling `fashion-mnist`, in any case.
    public init?(userInput: String) {
        let normalized = userInput.lowercased().replacingOccurrences(of: "-", with: "_")
        self.init(rawValue: normalized)
    }

    /// The name for messages: "MNIST", "Fashion-MNIST".
    public var displayName: String {
        switch self {
        case .mnist: return "MNIST"
        case .fashionMNIST: return "Fashion-MNIST"
        }
    }
}
