import Datasets
import Suggestions
import Yams

extension TrainingConfig {
    /// Every configuration key, as written in a document and (with dashes) as `report train` flags.
    public static let keys: [String] = [
        "dataset", "model", "width", "dropout", "conv_dropout", "epochs", "batch_size", "optimizer", "lr",
        "momentum", "nesterov", "weight_decay", "beta1", "beta2", "alpha", "eps", "schedule", "step_size",
        "gamma", "label_smoothing", "augment", "normalize", "seed", "train_samples", "val_samples", "log_interval",
    ]

    /// Sets one key from a YAML value; throws a `SpecError` that says what is accepted.
    public mutating func set(_ key: String, _ node: Node) throws {
        func number(min: Double? = nil, max: Double? = nil, open: Bool = false) throws -> Double {
            guard let v = node.float, v.isFinite else { throw SpecError("'\(key)' must be a number, found \(node.kindName)", node: node) }
            if let min, open ? v <= min : v < min { throw SpecError("'\(key)' must be \(open ? "greater than" : "at least") \(min.clean), found \(v.clean)", node: node) }
            if let max, v > max { throw SpecError("'\(key)' must be at most \(max.clean), found \(v.clean)", node: node) }
            return v
        }
        func integer(min: Int) throws -> Int {
            guard let v = node.int else { throw SpecError("'\(key)' must be a whole number, found \(node.kindName)", node: node) }
            guard v >= min else { throw SpecError("'\(key)' must be at least \(min), found \(v)", node: node) }
            return v
        }
        func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
            let text = node.scalar?.string ?? ""
            if let v = T(rawValue: text) { return v }
            let names = T.allCases.map(\.rawValue)
            let hint = suggestion(for: text, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw SpecError("unknown \(key) '\(text)'\(hint); expected one of \(names.joined(separator: ", "))", node: node)
        }
        func flag() throws -> Bool {
            guard let v = node.bool else { throw SpecError("'\(key)' must be true or false", node: node) }
            return v
        }
        switch key {
        case "dataset": dataset = try choice(DatasetName.self)
        case "model":
            if let name = node.scalar?.string {
                guard let m = BuiltinModel(rawValue: name) else {
                    let names = BuiltinModel.allCases.map(\.rawValue)
                    let hint = suggestion(for: name, among: names).map { " (did you mean '\($0)'?)" } ?? ""
                    throw SpecError("unknown model '\(name)'\(hint); built-in models are \(names.joined(separator: ", ")), or write a list of layers", node: node)
                }
                model = .builtin(m)
            } else {
                model = .layers(try LayerSpec.list(from: node))
            }
        case "width": width = try number(min: 0, open: true)
        case "dropout": dropout = try number(min: 0, max: 1)
        case "conv_dropout": convDropout = try number(min: 0, max: 1)
        case "epochs": epochs = try integer(min: 0)
        case "batch_size": batchSize = try integer(min: 1)
        case "optimizer": optimizer = try choice(OptimizerKind.self)
        case "lr": learningRate = try number(min: 0, open: true)
        case "momentum": momentum = try number(min: 0, max: 1)
        case "nesterov": nesterov = try flag()
        case "weight_decay": weightDecay = try number(min: 0)
        case "beta1": beta1 = try number(min: 0, max: 1)
        case "beta2": beta2 = try number(min: 0, max: 1)
        case "alpha": alpha = try number(min: 0, max: 1)
        case "eps": epsilon = try number(min: 0, open: true)
        case "schedule": schedule = try choice(Schedule.self)
        case "step_size": stepSize = try integer(min: 1)
        case "gamma": gamma = try number(min: 0, open: true)
        case "label_smoothing": labelSmoothing = try number(min: 0, max: 1)
        case "augment": augment = try Augmentation(node)
        case "normalize": normalize = try choice(Normalization.self)
        case "seed": seed = UInt64(try integer(min: 0))
        case "train_samples": trainSamples = try integer(min: 1)
        case "val_samples": valSamples = try integer(min: 1)
        case "log_interval": logInterval = try integer(min: 1)
        default:
            let hint = suggestion(for: key, among: Self.keys).map { " (did you mean '\($0)'?)" } ?? ""
            throw SpecError("unknown key '\(key)'\(hint)", node: node)
        }
        if nesterov && optimizer == .sgd && resolvedMomentum == 0 {
            throw SpecError("'nesterov' needs a momentum above 0", node: node)
        }
    }

    /// The resolved configuration as ordered key/value text: what a run's cache key hashes and what
    /// `echo: true` prints. Optimizer-dependent defaults are resolved; keys of other optimizers are left out.
    public var canonicalEntries: [(key: String, value: String)] {
        var e: [(String, String)] = [("dataset", dataset.rawValue)]
        switch model {
        case .builtin(let m):
            e.append(("model", m.rawValue))
            e.append(("width", width.clean))
            e.append(("dropout", dropout.clean))
            if m == .batchnormDropout || m == .dropoutBatchnorm { e.append(("conv_dropout", convDropout.clean)) }
        case .layers(let specs): e.append(("model", "[" + specs.map { "{\($0)}" }.joined(separator: ", ") + "]"))
        }
        e += [("epochs", "\(epochs)"), ("batch_size", "\(batchSize)"), ("optimizer", optimizer.rawValue),
              ("lr", resolvedLearningRate.clean), ("weight_decay", resolvedWeightDecay.clean)]
        switch optimizer {
        case .sgd: e += [("momentum", resolvedMomentum.clean), ("nesterov", "\(nesterov)")]
        case .adam, .adamw: e += [("beta1", beta1.clean), ("beta2", beta2.clean), ("eps", epsilon.clean)]
        case .rmsprop: e += [("alpha", alpha.clean), ("eps", epsilon.clean), ("momentum", resolvedMomentum.clean)]
        }
        e.append(("schedule", schedule.rawValue))
        if schedule == .step { e += [("step_size", "\(stepSize)"), ("gamma", gamma.clean)] }
        if labelSmoothing > 0 { e.append(("label_smoothing", labelSmoothing.clean)) }
        if !augment.isOff { e.append(("augment", augment.description)) }
        e += [("normalize", normalize.rawValue), ("seed", "\(seed)")]
        if let trainSamples { e.append(("train_samples", "\(trainSamples)")) }
        if let valSamples { e.append(("val_samples", "\(valSamples)")) }
        e.append(("log_interval", "\(logInterval)"))
        return e
    }

    /// The value of one key as text, for tables and inline expressions.
    public func value(of key: String) -> String? {
        canonicalEntries.first { $0.key == key }?.value
    }
}

extension Augmentation: CustomStringConvertible {
    /// `augment: {crop: 2, flip: true, erase: 0.25}`, or `augment: [crop, flip]` (crop pads 2, erase 0.5).
    init(_ node: Node) throws {
        self.init()
        if let list = node.sequence {
            for item in list {
                switch item.scalar?.string {
                case "crop": crop = 2
                case "flip": flip = true
                case "erase": erase = 0.5
                default: throw SpecError("unknown augmentation '\(item.scalar?.string ?? item.kindName)'; expected crop, flip or erase", node: item)
                }
            }
        } else if let mapping = node.mapping {
            for (key, value) in mapping {
                switch key.scalar?.string {
                case "crop":
                    guard let v = value.int, v >= 0, v <= 8 else { throw SpecError("'crop' is the padding in pixels, 0 to 8", node: value) }
                    crop = v
                case "flip":
                    guard let v = value.bool else { throw SpecError("'flip' must be true or false", node: value) }
                    flip = v
                case "erase":
                    guard let v = value.float, v >= 0, v <= 1 else { throw SpecError("'erase' is a probability in [0, 1]", node: value) }
                    erase = v
                default: throw SpecError("unknown augmentation '\(key.scalar?.string ?? "")'; expected crop, flip or erase", node: key)
                }
            }
        } else if node.bool == false || node.isNull {
            return
        } else {
            throw SpecError("'augment' takes a list like [crop, flip] or a mapping like {crop: 2, flip: true, erase: 0.5}", node: node)
        }
    }

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
