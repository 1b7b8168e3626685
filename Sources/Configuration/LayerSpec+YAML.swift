import Engine
import Suggestions
@preconcurrency import Yams

extension LayerSpec {
    /// Parses a YAML list of layers.
    public static func list(from node: Node) throws -> [LayerSpec] {
        guard let items = node.sequence else {
            throw SettingError(
                "a model is a built-in name or a list of layers, found \(node.kindName)", node: node)
        }
        if items.isEmpty { throw SettingError("the layer list is empty", node: node) }
        return try items.map(parse)
    }

    /// Parses one item: a bare name (`relu`) or a one-key mapping (`conv: {out: 20, kernel: 5}`).
    public static func parse(_ node: Node) throws -> LayerSpec {
        let name: String
        let argument: Node?
        if let scalar = node.scalar {
            name = scalar.string
            argument = nil
        } else if let mapping = node.mapping, mapping.count == 1, let first = mapping.first,
            let key = first.key.scalar
        {
            name = key.string
            argument = first.value
        } else {
            throw SettingError(
                "a layer is a name (relu) or one key with its settings (conv: {out: 20, kernel: 5})",
                node: node)
        }
        func need<T>(_ value: T?, _ what: String) throws -> T {
            guard let value else { throw SettingError("'\(name)' needs \(what)", node: argument ?? node) }
            return value
        }
        switch name {
        case "conv":
            let args = try Arguments(
                argument, layer: name, allowed: ["out", "kernel", "stride", "padding", "bias"],
                shorthand: "out")
            let kernel = try args.int("kernel") ?? 3
            return .conv(
                out: try need(args.int("out"), "'out' (output channels)"), kernel: kernel,
                stride: try args.int("stride") ?? 1, padding: try args.int("padding", allowZero: true) ?? 0,
                bias: try args.bool("bias") ?? true)
        case "maxpool", "avgpool":
            let args = try Arguments(
                argument, layer: name, allowed: ["kernel", "stride", "padding"], shorthand: "kernel")
            let kernel = try need(args.int("kernel"), "a kernel size (maxpool: 2)")
            let stride = try args.int("stride") ?? kernel
            let padding = try args.int("padding", allowZero: true) ?? 0
            return name == "maxpool"
                ? .maxpool(kernel: kernel, stride: stride, padding: padding)
                : .avgpool(kernel: kernel, stride: stride, padding: padding)
        case "linear":
            let args = try Arguments(argument, layer: name, allowed: ["out", "bias"], shorthand: "out")
            return .linear(
                out: try need(args.int("out"), "'out' (output features)"), bias: try args.bool("bias") ?? true
            )
        case "dropout", "dropout2d":
            let args = try Arguments(argument, layer: name, allowed: ["rate"], shorthand: "rate")
            let rate = try args.rate("rate") ?? 0.5
            return name == "dropout" ? .dropout(rate) : .dropout2d(rate)
        case "residual":
            guard let argument else { throw SettingError("'residual' needs a list of layers", node: node) }
            return .residual(try list(from: argument))
        case "relu", "batchnorm", "flatten", "log_softmax", "global_avgpool":
            if let argument,
                !(argument.scalar?.string.isEmpty ?? false) && argument != Node("~") && !argument.isNull
            {
                throw SettingError("'\(name)' takes no settings", node: argument)
            }
            switch name {
            case "relu": return .relu
            case "batchnorm": return .batchnorm
            case "flatten": return .flatten
            case "global_avgpool": return .globalAvgpool
            default: return .logSoftmax
            }
        default:
            let hint = didYouMean(name, among: names)
            throw SettingError(
                "unknown layer '\(name)'\(hint); layers are \(names.joined(separator: ", "))", node: node)
        }
    }
}

/// The settings of one layer: a scalar shorthand (`linear: 50`) or a mapping (`{out: 50, bias: false}`).
private struct Arguments {
    var values: [String: Node] = [:]
    let layer: String

    init(_ node: Node?, layer: String, allowed: [String], shorthand: String) throws {
        self.layer = layer
        guard let node, !node.isNull else { return }
        if node.scalar != nil {
            values[shorthand] = node
        } else if let mapping = node.mapping {
            for (key, value) in mapping {
                let name = key.scalar?.string ?? ""
                guard allowed.contains(name) else {
                    let hint = didYouMean(name, among: allowed)
                    throw SettingError(
                        "unknown setting '\(name)' for '\(layer)'\(hint); it takes \(allowed.joined(separator: ", "))",
                        node: key)
                }
                values[name] = value
            }
        } else {
            throw SettingError("'\(layer)' takes a number or a mapping of settings", node: node)
        }
    }

    /// A size of the layer: positive (or zero), and at most `Limits.layerSize`.
    func int(_ key: String, allowZero: Bool = false) throws -> Int? {
        guard let node = values[key] else { return nil }
        let text = node.scalar?.string ?? node.kindName
        guard let value = node.int else {
            if text.first != "-", !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw SettingError(
                    "'\(key)' of '\(layer)' must be at most \(Limits.layerSize.grouped), found \(text)",
                    node: node)
            }
            throw SettingError("'\(key)' of '\(layer)' must be a whole number, found '\(text)'", node: node)
        }
        guard allowZero ? value >= 0 : value > 0 else {
            throw SettingError(
                "'\(key)' of '\(layer)' must be \(allowZero ? "zero or more" : "positive"), found \(value)",
                node: node)
        }
        guard value <= Limits.layerSize else {
            throw SettingError(
                "'\(key)' of '\(layer)' must be at most \(Limits.layerSize.grouped), found \(value)",
                node: node)
        }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let node = values[key] else { return nil }
        guard let value = node.bool else {
            throw SettingError("'\(key)' of '\(layer)' must be true or false", node: node)
        }
        return value
    }

    func rate(_ key: String) throws -> Double? {
        guard let node = values[key] else { return nil }
        guard let value = node.float, value >= 0, value <= 1 else {
            throw SettingError(
                "the rate of '\(layer)' must be a number in [0, 1], found '\(node.scalar?.string ?? node.kindName)'",
                node: node)
        }
        return value
    }
}

extension Node {
    var kindName: String {
        switch self {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    var isNull: Bool {
        scalar.map { ["", "~", "null", "Null", "NULL"].contains($0.string) && $0.style == .plain } ?? false
    }
}
