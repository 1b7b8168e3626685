extension TrainingConfig {
    /// The model as a document writes it: a built-in name, or the layer list in flow style.
    public var modelDescription: String {
        switch model {
        case .builtin(let m): return m.rawValue
        case .layers(let specs): return "[" + specs.map { "{\($0)}" }.joined(separator: ", ") + "]"
        }
    }
}

extension Augmentation: CustomStringConvertible {
    /// `{crop: 2, flip: true, erase: 0.25}`, the settings that are on.
    public var description: String {
        var parts: [String] = []
        if crop > 0 { parts.append("crop: \(crop)") }
        if flip { parts.append("flip: true") }
        if erase > 0 { parts.append("erase: \(erase.clean)") }
        return "{\(parts.joined(separator: ", "))}"
    }
}

extension Double {
    /// Shortest text that reads back as the same value, without a trailing ".0".
    public var clean: String {
        if self == rounded() && abs(self) < 1e15 { return String(Int(self)) }
        return "\(self)"
    }
}
