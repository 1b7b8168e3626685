/// The layer vocabulary, written the same way in `report train --model`, in built-in models and in the
/// answers document: `conv: {out: 20, kernel: 5}`, `linear: 50`, `maxpool: 2`, `relu`, ...
/// Input sizes are never written: `Network` infers them.
public enum LayerSpec: Equatable, Sendable {
    case conv(out: Int, kernel: Int, stride: Int, padding: Int, bias: Bool)
    case maxpool(kernel: Int, stride: Int, padding: Int)
    case avgpool(kernel: Int, stride: Int, padding: Int)
    case globalAvgpool
    case relu
    case dropout(Double)
    case dropout2d(Double)
    case batchnorm
    case linear(out: Int, bias: Bool)
    case flatten
    case logSoftmax
    /// `residual: [layers]`: y = x + f(x); the inner layers must keep the shape.
    case residual([LayerSpec])

    /// The names accepted in YAML, for error messages and suggestions.
    public static let names = [
        "conv", "maxpool", "avgpool", "global_avgpool", "relu", "dropout", "dropout2d",
        "batchnorm", "linear", "flatten", "log_softmax", "residual",
    ]
}

extension LayerSpec: CustomStringConvertible {
    /// The compact YAML form, as `report models` prints it.
    public var description: String {
        switch self {
        case .conv(let out, let k, let s, let p, let bias):
            var parts = ["out: \(out)", "kernel: \(k)"]
            if s != 1 { parts.append("stride: \(s)") }
            if p != 0 { parts.append("padding: \(p)") }
            if !bias { parts.append("bias: false") }
            return "conv: {\(parts.joined(separator: ", "))}"
        case .maxpool(let k, let s, let p): return Self.pool("maxpool", k, s, p)
        case .avgpool(let k, let s, let p): return Self.pool("avgpool", k, s, p)
        case .globalAvgpool: return "global_avgpool"
        case .relu: return "relu"
        case .dropout(let r): return "dropout: \(r)"
        case .dropout2d(let r): return "dropout2d: \(r)"
        case .batchnorm: return "batchnorm"
        case .linear(let out, let bias): return bias ? "linear: \(out)" : "linear: {out: \(out), bias: false}"
        case .flatten: return "flatten"
        case .logSoftmax: return "log_softmax"
        case .residual(let inner): return "residual: [\(inner.map(\.description).joined(separator: ", "))]"
        }
    }

    private static func pool(_ name: String, _ k: Int, _ s: Int, _ p: Int) -> String {
        if s == k && p == 0 { return "\(name): \(k)" }
        return "\(name): {kernel: \(k), stride: \(s)\(p != 0 ? ", padding: \(p)" : "")}"
    }
}
