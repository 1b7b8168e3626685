import Engine

// The cache identity of an engine run: the key names are this target's key table's (a test in
// ConfigurationTests checks that they agree), and Engine itself never needs them.
extension TrainingConfig {
    /// The resolved configuration as ordered key/value text: what a run's cache key hashes and what
    /// `echo: true` prints. Optimizer-dependent defaults are resolved; keys of other optimizers are left out.
    public var canonicalEntries: [(key: String, value: String)] {
        var e: [(String, String)] = [("dataset", dataset.rawValue)]
        switch model {
        case .builtin(let m):
            e.append(("model", modelDescription))
            e.append(("width", width.clean))
            e.append(("dropout", dropout.clean))
            if m == .batchnormDropout || m == .dropoutBatchnorm {
                e.append(("conv_dropout", convDropout.clean))
            }
        case .layers: e.append(("model", modelDescription))
        }
        e += [
            ("epochs", "\(epochs)"), ("batch_size", "\(batchSize)"), ("optimizer", optimizer.rawValue),
            ("lr", resolvedLearningRate.clean), ("weight_decay", resolvedWeightDecay.clean),
        ]
        switch optimizer {
        case .sgd: e += [("momentum", resolvedMomentum.clean), ("nesterov", "\(nesterov)")]
        case .adam, .adamw: e += [("beta1", beta1.clean), ("beta2", beta2.clean), ("eps", epsilon.clean)]
        case .rmsprop:
            e += [("alpha", alpha.clean), ("eps", epsilon.clean), ("momentum", resolvedMomentum.clean)]
        }
        e.append(("schedule", schedule.rawValue))
        if schedule == .step { e += [("step_size", "\(stepSize)"), ("gamma", gamma.clean)] }
        if labelSmoothing > 0 { e.append(("label_smoothing", labelSmoothing.clean)) }
        if !augment.isOff { e.append(("augment", augment.description)) }
        e += [("normalize", normalize.rawValue), ("seed", "\(seed)")]
        if let trainSamples { e.append(("train_samples", "\(trainSamples)")) }
        if let valSamples { e.append(("val_samples", "\(valSamples)")) }
        if let validation { e.append(("validation", validation.clean)) }
        e.append(("log_interval", "\(logInterval)"))
        return e
    }

    /// The value of one key as text, for tables and inline expressions.
    public func value(of key: String) -> String? {
        canonicalEntries.first { $0.key == key }?.value
    }
}
