import Engine

extension OptimizerKind {
    /// Every key that is a setting of some optimizer: what `optimizer: {name: …}` accepts besides `name`.
    public static let settingNames = [
        "lr", "momentum", "nesterov", "weight_decay", "beta1", "beta2", "alpha", "eps",
    ]

    /// The keys this optimizer reads, as `torch.optim` does: SGD has no betas, Adam no momentum.
    public var settingNames: [String] {
        switch self {
        case .sgd: return ["lr", "momentum", "nesterov", "weight_decay"]
        case .adam, .adamw: return ["lr", "beta1", "beta2", "eps", "weight_decay"]
        case .rmsprop: return ["lr", "alpha", "eps", "momentum", "weight_decay"]
        }
    }

    /// The value a run of this optimizer has for `key` when nothing sets it (PyTorch's, and the
    /// assignment's lr 0.01 and momentum 0.5 for SGD), as text; nil for a key it does not read.
    public func defaultValue(of key: String) -> String? {
        guard settingNames.contains(key) else { return nil }
        var config = TrainingConfig()
        config.optimizer = self
        switch key {
        case "lr": return config.resolvedLearningRate.clean
        case "momentum": return config.resolvedMomentum.clean
        case "nesterov": return "\(config.nesterov)"
        case "weight_decay": return config.resolvedWeightDecay.clean
        case "beta1": return config.beta1.clean
        case "beta2": return config.beta2.clean
        case "alpha": return config.alpha.clean
        case "eps": return config.epsilon.clean
        default: return nil
        }
    }
}

extension TrainingConfig {
    /// Keys that only training reads: a run with `epochs: 0` only evaluates, so they change nothing.
    private static let trainingOnly: Set<String> = Set(OptimizerKind.settingNames).union([
        "schedule", "step_size", "gamma", "label_smoothing", "augment", "log_interval",
    ])

    /// Why this run does not use `key`, as a clause ("adam has no momentum"); nil when the key can
    /// change what the run computes. Keys that every run reads (`dataset`, `seed`, …) are always used.
    public func unusedReason(_ key: String) -> String? {
        if epochs == 0 && Self.trainingOnly.contains(key) {
            return "the run only evaluates (epochs: 0)"
        }
        if OptimizerKind.settingNames.contains(key) && !optimizer.settingNames.contains(key) {
            return "\(optimizer.rawValue) has no \(key)"
        }
        switch key {
        case "nesterov" where resolvedMomentum == 0:
            return "Nesterov momentum needs a momentum above 0, and momentum is 0"
        case "step_size" where schedule != .step, "gamma" where schedule != .step:
            return "the schedule is \(schedule.rawValue); only 'schedule: step' reads \(key)"
        case "width", "dropout", "conv_dropout":
            guard case .builtin(let model) = model else {
                return "a model written as a list of layers sets its sizes and dropout in its layers"
            }
            if key == "dropout" && model == .noHidden { return "the no-hidden model has no dropout layer" }
            if key == "conv_dropout" && model != .batchnormDropout && model != .dropoutBatchnorm {
                return "only the batchnorm-dropout and dropout-batchnorm models have a conv dropout"
            }
            return nil
        default:
            return nil
        }
    }

    /// The canonical entries that change what the run computes (`canonicalEntries` without the keys
    /// `unusedReason` names): two runs with equal effective entries train the same thing.
    public var effectiveEntries: [(key: String, value: String)] {
        canonicalEntries.filter { unusedReason($0.key) == nil }
    }
}
