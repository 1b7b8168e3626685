import Datasets
import Foundation

/// Trains one network on one dataset as a `TrainingConfig` says, reporting events as it goes.
/// The same configuration, seed and thread count give bit-identical metrics.
public final class Trainer {
    public let config: TrainingConfig
    public let network: Network
    /// How many cores each batch is split across now (``setThreads(_:)`` changes it between batches).
    public private(set) var threads: Int
    let optimizer: Optimizer
    private var loss: NLLLoss
    /// The metrics of the epochs finished so far, kept when training stops early (divergence, interruption).
    public private(set) var metricsSoFar: RunMetrics?

    /// `threads` is how many cores each batch is split across.
    public init(config: TrainingConfig, threads: Int = 1) throws {
        self.config = config
        self.threads = max(1, threads)
        network = try config.makeNetwork(threads: self.threads)
        optimizer = Optimizer(settings: config.optimizerSettings, parameters: network.parameters)
        loss = NLLLoss(labelSmoothing: Float(config.labelSmoothing))
    }

    /// Splits the next batches across `threads` cores. Results are bit-identical for any count (see
    /// `Network.setThreads`), so this may be called between any two batches.
    public func setThreads(_ threads: Int) {
        let count = min(max(1, threads), Limits.threads)
        guard count != self.threads else { return }
        self.threads = count
        network.setThreads(count)
    }

    /// Follows `control.threads`, recording a change in `metrics` at global step `step`.
    private func followThreadTarget(_ control: TrainingControl, step: Int, metrics: inout RunMetrics) {
        guard let target = control.threads?() else { return }
        let before = threads
        setThreads(target)
        if threads != before {
            metrics.threadChanges =
                (metrics.threadChanges ?? []) + [ThreadChange(step: step, threads: threads)]
        }
    }

    /// Per-channel statistics for normalisation: the assignment's MNIST constants for every channel, or the
    /// dataset's own (computed once when the dataset is described).
    var normalization: [ChannelStatistics] {
        switch config.normalize {
        case .standard:
            return Array(
                repeating: ChannelStatistics(mean: 0.1307, std: 0.3081), count: config.data.shape.channels)
        case .dataset: return config.data.statistics
        }
    }

    /// Trains for `config.epochs` epochs (0: evaluation only) and returns the metrics.
    public func run(train: ImageSet, validation: ImageSet, onEvent: (TrainingEvent) -> Void = { _ in }) throws
        -> RunMetrics
    {
        try run(train: train, validation: validation, control: TrainingControl(), onEvent: onEvent)
    }

    /// Trains as above, resuming from `control.resume`, handing `control.epochFinished` the state after each
    /// epoch, and stopping with `TrainingError.interrupted` at the first batch boundary where
    /// `control.shouldStop()` is true.
    public func run(
        train: ImageSet, validation: ImageSet, control: TrainingControl,
        onEvent: (TrainingEvent) -> Void = { _ in }
    ) throws -> RunMetrics {
        let (train, validation, test) = try splits(train: train, test: validation)
        guard validation.count > 0 else { throw TrainingError.emptyDataset("the validation set") }
        guard train.count > 0 || config.epochs == 0 else {
            throw TrainingError.emptyDataset("the training set")
        }
        for set in [validation] + (config.epochs > 0 ? [train] : []) where set.shape != config.data.shape {
            throw TrainingError.shapeMismatch(expected: config.data.shape, found: set.shape)
        }
        let stats = normalization
        var trainBatches = Batcher(set: train, statistics: stats, augment: config.augment)
        var validationBatches = Batcher(set: validation, statistics: stats, augment: Augmentation())
        var testBatches = test.map { Batcher(set: $0, statistics: stats, augment: Augmentation()) }
        /// The test set's loss and accuracy, into the last epoch's metrics (a run with a validation split).
        func addTest(_ e: inout EpochMetrics) {
            guard testBatches != nil else { return }
            let start = Date()
            // Force unwrap: checked just above.
            // swift-format-ignore: NeverForceUnwrap
            let (testLoss, testAcc) = evaluate(&testBatches!)
            e.extra["test_loss"] = testLoss
            e.extra["test_acc"] = testAcc
            e.evalSeconds = (e.evalSeconds ?? 0) + Date().timeIntervalSince(start)
        }
        let stepsPerEpoch = (train.count + config.batchSize - 1) / config.batchSize
        let totalSteps = stepsPerEpoch * config.epochs
        var metrics = RunMetrics(
            parameters: network.parameterCount, flopsPerImage: network.flopsPerImage,
            stepsPerEpoch: stepsPerEpoch, threads: threads)
        onEvent(.started(epochs: config.epochs, stepsPerEpoch: stepsPerEpoch))

        if control.resume == nil {
            var initial = evaluateBeforeTraining(&validationBatches, onEvent: onEvent)
            if config.epochs == 0 { addTest(&initial) }
            // Weights or inputs that give no finite loss before any step are a failure (nothing trains from them,
            // and JSON has no NaN to record them with).
            if let loss = initial.valLoss, !loss.isFinite {
                throw TrainingError.nonFiniteEvaluation(loss)
            }
            metrics.epochs.append(initial)
        }
        if config.epochs == 0 { return metrics }

        var order = Array(0..<train.count)
        var step = 0
        var firstEpoch = 1
        if let state = control.resume {
            try state.restore(into: self, stepsPerEpoch: stepsPerEpoch)
            metrics.epochs = state.metrics.epochs
            metrics.steps = state.metrics.steps
            metrics.threadChanges = state.metrics.threadChanges
            step = state.step
            firstEpoch = state.epoch + 1
            // Each epoch shuffles the previous epoch's order, so replay the finished epochs' shuffles.
            for epoch in 1..<firstEpoch {
                var shuffler = Random(seed: config.seed, stream: 1000 + UInt64(epoch))
                shuffler.shuffle(&order)
            }
        }
        for epoch in stride(from: firstEpoch, through: config.epochs, by: 1) {
            var shuffler = Random(seed: config.seed, stream: 1000 + UInt64(epoch))
            shuffler.shuffle(&order)
            var context = ForwardContext(
                training: true, random: Random(seed: config.seed, stream: 2000 + UInt64(epoch)))
            var augmentRandom = Random(seed: config.seed, stream: 3000 + UInt64(epoch))
            var epochLoss: Double = 0
            var epochCorrect = 0
            var windowLoss: Double = 0
            var windowCorrect = 0
            var windowCount = 0
            var windowSteps = 0
            let start = Date()
            for batchStart in stride(from: 0, to: train.count, by: config.batchSize) {
                if control.shouldStop() {
                    metricsSoFar = metrics
                    throw TrainingError.interrupted(epochs: epoch - 1)
                }
                followThreadTarget(control, step: step, metrics: &metrics)
                let indices = order[batchStart..<min(batchStart + config.batchSize, train.count)]
                let input = trainBatches.batch(indices, augmenting: true, random: &augmentRandom)
                let output = network.forward(input, context: &context)
                let result = trainBatches.labels.withUnsafeBufferPointer {
                    // Force unwrap: these buffers are never empty, so their base address is never nil.
                    // swift-format-ignore: NeverForceUnwrap
                    loss.evaluate(output, labels: $0.baseAddress!, computeGradient: true)
                }
                step += 1
                guard result.loss.isFinite else {
                    metricsSoFar = metrics
                    throw TrainingError.diverged(
                        epoch: epoch, step: step - (epoch - 1) * stepsPerEpoch, loss: result.loss)
                }
                if let gradient = result.gradient { network.backward(gradient) }
                let lr = config.schedule.learningRate(
                    base: config.resolvedLearningRate, step: step - 1, stepsPerEpoch: stepsPerEpoch,
                    totalSteps: totalSteps, stepSize: config.stepSize, gamma: config.gamma)
                optimizer.step(learningRate: lr)

                epochLoss += result.loss * Double(indices.count)
                epochCorrect += result.correct
                windowLoss += result.loss * Double(indices.count)
                windowCorrect += result.correct
                windowCount += indices.count
                windowSteps += 1
                let stepInEpoch = step - (epoch - 1) * stepsPerEpoch
                if windowSteps == config.logInterval || stepInEpoch == stepsPerEpoch {
                    let s = StepMetrics(
                        step: step, epoch: epoch, loss: windowLoss / Double(windowCount),
                        acc: Double(windowCorrect) / Double(windowCount))
                    metrics.steps.append(s)
                    windowLoss = 0
                    windowCorrect = 0
                    windowCount = 0
                    windowSteps = 0
                }
                onEvent(
                    .step(
                        epoch: epoch, step: stepInEpoch, stepsPerEpoch: stepsPerEpoch, loss: result.loss,
                        acc: Double(result.correct) / Double(indices.count)))
            }
            let trainSeconds = Date().timeIntervalSince(start)
            onEvent(.evaluating(epoch: epoch))
            followThreadTarget(control, step: step, metrics: &metrics)
            let evalStart = Date()
            let (valLoss, valAcc) = evaluate(&validationBatches)
            var e = EpochMetrics(
                epoch: epoch, loss: epochLoss / Double(train.count),
                acc: Double(epochCorrect) / Double(train.count),
                valLoss: valLoss, valAcc: valAcc, trainSeconds: trainSeconds,
                evalSeconds: Date().timeIntervalSince(evalStart))
            guard valLoss.isFinite else {
                metricsSoFar = metrics
                throw TrainingError.diverged(epoch: epoch, step: stepsPerEpoch, loss: valLoss)
            }
            if epoch == config.epochs { addTest(&e) }
            metrics.epochs.append(e)
            metricsSoFar = metrics
            if let epochFinished = control.epochFinished {
                try epochFinished(TrainingState(trainer: self, epoch: epoch, step: step, metrics: metrics))
            }
            onEvent(.epochEnded(e))
        }
        return metrics
    }

    /// The training, validation and test sets a run uses. Without `validation`, the test set is the
    /// validation set (`val_samples` of it) and there is no separate test set. With it, that part of the
    /// training data is drawn from the seed as the validation set (`val_samples` of it); the rest, in its
    /// order, is the training set (`train_samples` of it); the test set is used whole.
    func splits(train: ImageSet, test: ImageSet) throws -> (
        train: ImageSet, validation: ImageSet, test: ImageSet?
    ) {
        guard let held = config.heldOutCount(of: train.count) else {
            return (train.prefix(config.trainSamples), test.prefix(config.valSamples), nil)
        }
        guard held >= 1, held < train.count else {
            throw TrainingError.emptyDataset(
                "the validation set or the training set left (validation: \(config.validation?.clean ?? "") of \(train.count) training samples holds out \(held))"
            )
        }
        var order = Array(0..<train.count)
        var random = Random(seed: config.seed, stream: 4000)
        random.shuffle(&order)
        let validation = train.subset(order[..<held].sorted()).prefix(config.valSamples)
        let rest = train.subset(order[held...].sorted()).prefix(config.trainSamples)
        return (rest, validation, test)
    }

    /// Epoch 0: validation loss and accuracy before the first step (for an `init` run, the parent's model on
    /// this run's data). Evaluation draws from no random stream and changes no weight or statistic, so every
    /// later number is bit for bit what it would be without it.
    func evaluateBeforeTraining(_ batches: inout Batcher, onEvent: (TrainingEvent) -> Void) -> EpochMetrics {
        onEvent(.evaluating(epoch: 0))
        let start = Date()
        let (valLoss, valAcc) = evaluate(&batches)
        let e = EpochMetrics(
            epoch: 0, loss: nil, acc: nil, valLoss: valLoss, valAcc: valAcc, trainSeconds: 0,
            evalSeconds: Date().timeIntervalSince(start))
        onEvent(.epochEnded(e))
        return e
    }

    /// Mean loss (without label smoothing) and accuracy over a whole set in evaluation mode, in batches of
    /// the training batch size (so no buffer is reallocated between training and evaluation).
    func evaluate(_ batches: inout Batcher) -> (loss: Double, accuracy: Double) {
        var context = ForwardContext(training: false, random: Random(seed: 0))
        var plain = NLLLoss(labelSmoothing: 0)
        var noRandom = Random(seed: 0)
        let count = batches.set.count
        let batchSize = config.batchSize
        var total: Double = 0
        var correct = 0
        let all = Array(0..<count)
        for start in stride(from: 0, to: count, by: batchSize) {
            let indices = all[start..<min(start + batchSize, count)]
            let input = batches.batch(indices, augmenting: false, random: &noRandom)
            let output = network.forward(input, context: &context)
            let result = batches.labels.withUnsafeBufferPointer {
                // Force unwrap: these buffers are never empty, so their base address is never nil.
                // swift-format-ignore: NeverForceUnwrap
                plain.evaluate(output, labels: $0.baseAddress!, computeGradient: false)
            }
            total += result.loss * Double(indices.count)
            correct += result.correct
        }
        return (total / Double(count), Double(correct) / Double(count))
    }
}
