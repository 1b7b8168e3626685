import Engine

extension RunRecord {
    /// What is wrong with a record read from the entry of `expectedKey`, in one line; nil when it can be
    /// trusted: it is that run's, holds the configuration asked for, and every value is one training
    /// can produce (fractions in 0…1, finite non-negative losses and times, epochs 1…n in order).
    public func problem(expectedKey: String, expectedConfig: [String: String]?) -> String? {
        guard key == expectedKey else { return "it belongs to run \(key), not \(expectedKey)" }
        guard engineVersion == Engine.numericsVersion || command != nil else {
            return
                "it was trained by engine numerics version \(engineVersion); this report is version \(Engine.numericsVersion)"
        }
        if let expectedConfig, expectedConfig != config {
            let changed = Set(expectedConfig.keys).union(config.keys).sorted().filter {
                expectedConfig[$0] != config[$0]
            }
            return
                "it holds another configuration (\(changed.prefix(3).map { "\($0): \(config[$0] ?? "unset")" }.joined(separator: ", ")))"
        }
        if command != nil { return metrics.commandProblem() }
        return metrics.problem(configuredEpochs: config["epochs"].flatMap { Int($0) })
    }
}

extension RunMetrics {
    /// A command's record: epochs numbered upwards from 0 or 1, each value finite (non-finite ones end
    /// the run as diverged, before the epoch that had them).
    func commandProblem() -> String? {
        if diverged == nil, epochs.isEmpty { return "it holds no epochs" }
        for (previous, next) in zip(epochs, epochs.dropFirst()) where next.epoch <= previous.epoch {
            return "its epochs are not in order (\(next.epoch) after \(previous.epoch))"
        }
        for e in epochs {
            guard e.epoch >= 0 else { return "epoch \(e.epoch) is negative" }
            for name in e.metricNames where !(e.metric(name)?.isFinite ?? true) {
                return "\(name) at epoch \(e.epoch) is not finite"
            }
        }
        return nil
    }

    func problem(configuredEpochs: Int?) -> String? {
        func fraction(_ value: Double?, _ name: String, _ epoch: Int) -> String? {
            guard let value else { return nil }
            return value.isFinite && (0...1).contains(value)
                ? nil : "\(name) \(value) at epoch \(epoch) is not a fraction from 0 to 1"
        }
        func nonNegative(_ value: Double?, _ name: String, _ epoch: Int) -> String? {
            guard let value else { return nil }
            return value.isFinite && value >= 0
                ? nil : "\(name) \(value) at epoch \(epoch) is not a finite non-negative number"
        }
        guard parameters >= 0, flopsPerImage >= 0, stepsPerEpoch >= 0, threads >= 1 else {
            return "parameters, flops, steps per epoch and threads must be positive"
        }
        if let changes = threadChanges {
            guard changes.allSatisfy({ $0.threads >= 1 && $0.step >= 0 }),
                zip(changes, changes.dropFirst()).allSatisfy({ $0.step <= $1.step })
            else {
                return "threadChanges must give positive thread counts at steps in order"
            }
        }
        if let diverged {
            guard diverged.epoch >= 1, diverged.epoch == (epochs.last?.epoch ?? 0) + 1 else {
                return "it diverged at epoch \(diverged.epoch) but holds \(epochs.count) finished epochs"
            }
        } else if epochs.isEmpty {
            return "it holds no epochs"
        }
        let first = epochs.first?.epoch == 0 ? 0 : 1
        for (index, e) in epochs.enumerated() {
            guard e.epoch == first + index else { return "its epochs are not numbered (0,) 1, 2, … in order" }
            if let problem = fraction(e.valAcc, "val_acc", e.epoch) ?? fraction(e.acc, "acc", e.epoch)
                ?? nonNegative(e.valLoss, "val_loss", e.epoch) ?? nonNegative(e.loss, "loss", e.epoch)
                ?? nonNegative(e.trainSeconds, "train_s", e.epoch)
                ?? nonNegative(e.evalSeconds, "eval_s", e.epoch)
            {
                return problem
            }
        }
        if diverged == nil, let configuredEpochs, (epochs.last?.epoch ?? -1) != configuredEpochs {
            return "it holds \(epochs.last?.epoch ?? 0) epochs of the \(configuredEpochs) configured"
        }
        for s in steps {
            if let problem = fraction(s.acc, "step \(s.step) acc", s.epoch)
                ?? nonNegative(s.loss, "step \(s.step) loss", s.epoch)
            {
                return problem
            }
        }
        return nil
    }
}
