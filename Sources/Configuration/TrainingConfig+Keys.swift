import Datasets
import Engine
import Suggestions
@preconcurrency import Yams

/// One training setting: its name in a document (`batch_size`) and as a `report train` flag
/// (`--batch-size`), and the values it takes. `SettingKey.all` is the one table of them.
public struct SettingKey: Sendable {
    public enum Kind: Sendable {
        /// A finite number in `min...max`; `open`: `min` itself is excluded.
        case number(min: Double? = nil, max: Double? = nil, open: Bool = false)
        /// A whole number in `min...max`.
        case integer(min: Int, max: Int = .max)
        /// One of a fixed list of names.
        case choice([String])
        /// A built-in dataset's name, or the name of one the project declares (checked by the resolver,
        /// which knows the declarations).
        case dataset
        case flag
        /// A built-in model name or a list of layers.
        case model
        /// `[crop, flip]` or `{crop: 2, flip: true, erase: 0.5}`.
        case augment
    }

    public let name: String
    public let kind: Kind

    /// `batch_size` → `--batch-size`.
    public var flag: String { "--" + name.split(separator: "_").joined(separator: "-") }

    /// Every training key, in the order a document's settings are applied.
    public static let all: [SettingKey] = [
        SettingKey(name: "dataset", kind: .dataset),
        SettingKey(name: "model", kind: .model),
        SettingKey(name: "width", kind: .number(min: 0, max: 1000, open: true)),
        SettingKey(name: "dropout", kind: .number(min: 0, max: 1)),
        SettingKey(name: "conv_dropout", kind: .number(min: 0, max: 1)),
        SettingKey(name: "epochs", kind: .integer(min: 0, max: Limits.epochs)),
        SettingKey(name: "batch_size", kind: .integer(min: 1, max: Limits.batchSize)),
        SettingKey(name: "optimizer", kind: .choice(OptimizerKind.allCases.map(\.rawValue))),
        SettingKey(name: "lr", kind: .number(min: 0, open: true)),
        SettingKey(name: "momentum", kind: .number(min: 0, max: 1)),
        SettingKey(name: "nesterov", kind: .flag),
        SettingKey(name: "weight_decay", kind: .number(min: 0)),
        SettingKey(name: "beta1", kind: .number(min: 0, max: 1)),
        SettingKey(name: "beta2", kind: .number(min: 0, max: 1)),
        SettingKey(name: "alpha", kind: .number(min: 0, max: 1)),
        SettingKey(name: "eps", kind: .number(min: 0, open: true)),
        SettingKey(name: "schedule", kind: .choice(Schedule.allCases.map(\.rawValue))),
        SettingKey(name: "step_size", kind: .integer(min: 1)),
        SettingKey(name: "gamma", kind: .number(min: 0, open: true)),
        SettingKey(name: "label_smoothing", kind: .number(min: 0, max: 1)),
        SettingKey(name: "augment", kind: .augment),
        SettingKey(name: "normalize", kind: .choice(Normalization.allCases.map(\.rawValue))),
        SettingKey(name: "seed", kind: .integer(min: 0)),
        SettingKey(name: "train_samples", kind: .integer(min: 1)),
        SettingKey(name: "val_samples", kind: .integer(min: 1)),
        SettingKey(name: "validation", kind: .number(min: 0, open: true)),
        SettingKey(name: "log_interval", kind: .integer(min: 1)),
    ]

    /// Every training key's name.
    public static let names: [String] = all.map(\.name)

    public static func named(_ name: String) -> SettingKey? { all.first { $0.name == name } }
}

/// A setting's value as a plain Swift value, however it was written: YAML in a document, or a typed
/// flag of `report train`.
public enum SettingValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    /// A choice's name, or a built-in model's name.
    case text(String)
    case flag(Bool)
    case layers([LayerSpec])
    case augmentation(Augmentation)
}

/// A setting that cannot be used: what is wrong, and the YAML node it is about when it came from a
/// document (so the document pipeline can point at the exact token). Unchecked Sendable because Yams
/// does not mark `Node` Sendable, though it is a value type that nothing mutates once parsed.
public struct SettingError: Error, @unchecked Sendable, CustomStringConvertible {
    public var message: String
    /// Not Sendable in Yams (a node's `Tag` is a class that resolves its name lazily), so this is an
    /// unchecked escape: setting errors are made and read by the planning code on one thread and
    /// never handed to another; anything that must cross threads should keep `message` only.
    public nonisolated(unsafe) var node: Node?

    public init(_ message: String, node: Node? = nil) {
        self.message = message
        self.node = node
    }

    public var description: String { message }
}

extension TrainingConfig {
    /// Sets one key from a plain value; throws a `SettingError` that says what is accepted.
    public mutating func set(_ name: String, _ value: SettingValue) throws {
        guard let key = SettingKey.named(name) else {
            let hint = didYouMean(name, among: SettingKey.names)
            throw SettingError("unknown key '\(name)'\(hint)")
        }
        switch (key.kind, value) {
        case (.number(let min, let max, let open), .number(let v)):
            guard v.isFinite else { throw SettingError("'\(name)' must be a number, found \(v)") }
            if let min, open ? v <= min : v < min {
                throw SettingError(
                    "'\(name)' must be \(open ? "greater than" : "at least") \(min.clean), found \(v.clean)")
            }
            if let max, v > max {
                throw SettingError("'\(name)' must be at most \(max.clean), found \(v.clean)")
            }
            if name == "validation", v >= 1, v != v.rounded() || v > 1e9 {
                throw SettingError(
                    "'validation' is a fraction of the training data below 1 (0.1) or a whole number of samples (5000), found \(v.clean)"
                )
            }
            setNumber(name, v)
        case (.number, .integer(let v)):
            try set(name, .number(Double(v)))
            return
        case (.integer(let min, let max), .integer(let v)):
            guard v >= min else { throw SettingError("'\(name)' must be at least \(min), found \(v)") }
            guard v <= max else { throw SettingError("'\(name)' must be at most \(max.grouped), found \(v)") }
            setInteger(name, v)
        case (.choice(let names), .text(let text)):
            guard names.contains(text) else {
                let hint = didYouMean(text, among: names)
                throw SettingError(
                    "unknown \(name) '\(text)'\(hint); expected one of \(names.joined(separator: ", "))")
            }
            setChoice(name, text)
        case (.dataset, .text(let text)):
            if let builtin = DatasetName(userInput: text) {
                dataset = DatasetID(builtin)
                data = .builtin(builtin)
            } else if DatasetID.isValidDeclaredName(text) {
                // The resolver replaces the description with the declared dataset's, or reports the name.
                dataset = DatasetID(text)
            } else {
                throw SettingError(
                    "'\(text)' is not a dataset name: use mnist, fashion_mnist or a name declared under 'datasets:' in report.yaml"
                )
            }
        case (.flag, .flag(let v)):
            nesterov = v
        case (.model, .text(let text)):
            guard let m = BuiltinModel(rawValue: text) else {
                let names = BuiltinModel.allCases.map(\.rawValue)
                let hint = didYouMean(text, among: names)
                throw SettingError(
                    "unknown model '\(text)'\(hint); built-in models are \(names.joined(separator: ", ")), or write a list of layers"
                )
            }
            model = .builtin(m)
        case (.model, .layers(let specs)):
            model = .layers(specs)
        case (.augment, .augmentation(let a)):
            augment = a
        default:
            throw SettingError("'\(name)' cannot be \(value)")
        }
        // Keys are applied in the table's order, so momentum and the optimizer are known here. Checked
        // once, at `nesterov` itself, so that the keys after it are not blamed for it too.
        if name == "nesterov" && nesterov && optimizer == .sgd && resolvedMomentum == 0 {
            nesterov = false
            throw SettingError("'nesterov' needs a momentum above 0")
        }
    }

    /// Sets one key from a YAML value; a `SettingError` carries the node it is about.
    public mutating func set(_ name: String, _ node: Node) throws {
        guard let key = SettingKey.named(name) else {
            let hint = didYouMean(name, among: SettingKey.names)
            throw SettingError("unknown key '\(name)'\(hint)", node: node)
        }
        let value: SettingValue
        switch key.kind {
        case .number:
            guard let v = node.float, v.isFinite else {
                throw SettingError("'\(name)' must be a number, found \(node.kindName)", node: node)
            }
            value = .number(v)
        case .integer(_, let max):
            guard let v = node.int else {
                if let text = node.scalar?.string, text.first != "-", text.count > 1,
                    text.drop(while: { $0 == "+" }).allSatisfy({ $0.isASCII && $0.isNumber })
                {
                    throw SettingError("'\(name)' must be at most \(max.grouped), found \(text)", node: node)
                }
                throw SettingError("'\(name)' must be a whole number, found \(node.kindName)", node: node)
            }
            value = .integer(v)
        case .choice, .dataset:
            value = .text(node.scalar?.string ?? "")
        case .flag:
            guard let v = node.bool else { throw SettingError("'\(name)' must be true or false", node: node) }
            value = .flag(v)
        case .model:
            if let text = node.scalar?.string {
                value = .text(text)
            } else {
                value = .layers(try LayerSpec.list(from: node))
            }
        case .augment:
            value = .augmentation(try Augmentation.decode(node))
        }
        do {
            try set(name, value)
        } catch var error as SettingError {
            if error.node == nil { error.node = node }
            throw error
        }
    }

    private mutating func setNumber(_ name: String, _ v: Double) {
        switch name {
        case "width": width = v
        case "dropout": dropout = v
        case "conv_dropout": convDropout = v
        case "lr": learningRate = v
        case "momentum": momentum = v
        case "weight_decay": weightDecay = v
        case "beta1": beta1 = v
        case "beta2": beta2 = v
        case "alpha": alpha = v
        case "eps": epsilon = v
        case "gamma": gamma = v
        case "label_smoothing": labelSmoothing = v
        case "validation": validation = v
        default: preconditionFailure("'\(name)' is not a number key")
        }
    }

    private mutating func setInteger(_ name: String, _ v: Int) {
        switch name {
        case "epochs": epochs = v
        case "batch_size": batchSize = v
        case "step_size": stepSize = v
        case "seed": seed = UInt64(v)
        case "train_samples": trainSamples = v
        case "val_samples": valSamples = v
        case "log_interval": logInterval = v
        default: preconditionFailure("'\(name)' is not a whole-number key")
        }
    }

    private mutating func setChoice(_ name: String, _ text: String) {
        switch name {
        case "optimizer": optimizer = OptimizerKind(rawValue: text) ?? optimizer
        case "schedule": schedule = Schedule(rawValue: text) ?? schedule
        case "normalize": normalize = Normalization(rawValue: text) ?? normalize
        default: preconditionFailure("'\(name)' is not a choice key")
        }
    }
}

extension Augmentation {
    /// `augment: {crop: 2, flip: true, erase: 0.25}`, or `augment: [crop, flip]` (crop pads 2, erase 0.5).
    static func decode(_ node: Node) throws -> Augmentation {
        var a = Augmentation()
        if let list = node.sequence {
            for item in list {
                switch item.scalar?.string {
                case "crop": a.crop = 2
                case "flip": a.flip = true
                case "erase": a.erase = 0.5
                default:
                    throw SettingError(
                        "unknown augmentation '\(item.scalar?.string ?? item.kindName)'; expected crop, flip or erase",
                        node: item)
                }
            }
        } else if let mapping = node.mapping {
            for (key, value) in mapping {
                switch key.scalar?.string {
                case "crop":
                    guard let v = value.int, v >= 0, v <= 8 else {
                        throw SettingError("'crop' is the padding in pixels, 0 to 8", node: value)
                    }
                    a.crop = v
                case "flip":
                    guard let v = value.bool else {
                        throw SettingError("'flip' must be true or false", node: value)
                    }
                    a.flip = v
                case "erase":
                    guard let v = value.float, v >= 0, v <= 1 else {
                        throw SettingError("'erase' is a probability in [0, 1]", node: value)
                    }
                    a.erase = v
                default:
                    throw SettingError(
                        "unknown augmentation '\(key.scalar?.string ?? "")'; expected crop, flip or erase",
                        node: key)
                }
            }
        } else if node.bool == false || node.isNull {
            return a
        } else {
            throw SettingError(
                "'augment' takes a list like [crop, flip] or a mapping like {crop: 2, flip: true, erase: 0.5}",
                node: node)
        }
        return a
    }
}
