/// Metrics of one epoch. Accuracies are fractions. Epoch 0 is the evaluation before the first step, without
/// training values: an evaluation-only run (0 epochs) has only that entry, and runs cached before epoch 0 was
/// recorded start at epoch 1.
public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    public var loss: Double?
    public var acc: Double?
    public var valLoss: Double
    public var valAcc: Double
    public var trainSeconds: Double
    public var evalSeconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, loss, acc
        case valLoss = "val_loss"
        case valAcc = "val_acc"
        case trainSeconds = "train_s"
        case evalSeconds = "eval_s"
    }
}

/// Mean train loss and accuracy over the `log_interval` steps ending at global step `step`.
public struct StepMetrics: Codable, Equatable, Sendable {
    public var step: Int
    public var epoch: Int
    public var loss: Double
    public var acc: Double
}

/// Everything a run measured.
public struct RunMetrics: Codable, Equatable, Sendable {
    public var epochs: [EpochMetrics] = []
    public var steps: [StepMetrics] = []
    public var parameters: Int
    public var flopsPerImage: Int
    public var stepsPerEpoch: Int
    /// The thread count the run started with.
    public var threads: Int
    /// Where the thread count changed while the run trained (nil when it never did): from global
    /// step `step` on (that many batches were done before), `threads` threads. Results do not depend on
    /// thread counts, so neither does the run's key.
    public var threadChanges: [ThreadChange]?
    /// Set when the loss stopped being finite: the epochs above are those finished before it.
    public var diverged: Divergence?

    public var final: EpochMetrics? { epochs.last }
    /// The evaluation before the first step, when the run recorded one.
    public var initial: EpochMetrics? { epochs.first { $0.epoch == 0 } }
    /// The epochs that trained (all but epoch 0).
    public var trainedEpochs: [EpochMetrics] { epochs.filter { $0.epoch > 0 } }
    public var trainSeconds: Double { epochs.reduce(0) { $0 + $1.trainSeconds } }
}

/// A change of a running run's thread count, at a batch boundary.
public struct ThreadChange: Codable, Equatable, Sendable {
    /// Batches finished (the global step) when the change took effect.
    public var step: Int
    public var threads: Int

    public init(step: Int, threads: Int) {
        self.step = step
        self.threads = threads
    }
}

/// Where a run's loss stopped being finite. The loss is kept as text ("nan", "inf"), which JSON can hold.
public struct Divergence: Codable, Equatable, Sendable {
    public var epoch: Int
    public var step: Int
    public var loss: String

    public init(epoch: Int, step: Int, loss: Double) {
        self.epoch = epoch
        self.step = step
        self.loss = "\(loss)"
    }
}

/// What a training run reports while it runs, so a command can draw progress.
public enum TrainingEvent: Sendable {
    case started(epochs: Int, stepsPerEpoch: Int)
    case step(epoch: Int, step: Int, stepsPerEpoch: Int, loss: Double, acc: Double)
    case evaluating(epoch: Int)
    case epochEnded(EpochMetrics)
}

public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case diverged(epoch: Int, step: Int, loss: Double)
    case emptyDataset(String)
    /// Stopped at a batch boundary because it was asked to; `epochs` finished before.
    case interrupted(epochs: Int)
    /// An evaluation gave a loss that is not finite: the weights it started from are not.
    case nonFiniteEvaluation(Double)

    public var description: String {
        switch self {
        case .diverged(let epoch, let step, let loss):
            return
                "training diverged: the loss became \(loss) at epoch \(epoch), step \(step); try a lower learning rate"
        case .emptyDataset(let what): return "\(what) is empty"
        case .interrupted(let epochs):
            return "interrupted after \(epochs) finished epoch\(epochs == 1 ? "" : "s")"
        case .nonFiniteEvaluation(let loss):
            return "evaluation gave a loss of \(loss): the weights it starts from are not finite"
        }
    }
}
