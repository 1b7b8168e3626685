import Datasets

/// Metrics of one epoch. Accuracies are fractions. Epoch 0 is the evaluation before the first step, without
/// training values: an evaluation-only run (0 epochs) has only that entry, and runs cached before epoch 0 was
/// recorded start at epoch 1. The engine records every named field; a run of a user's own command records
/// whichever metrics its script writes: those with these names in the fields, any others in `extra`
/// (`val_f1`, `bleu`), all written flat in one JSON object.
public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    public var loss: Double?
    public var acc: Double?
    public var valLoss: Double?
    public var valAcc: Double?
    public var trainSeconds: Double?
    public var evalSeconds: Double?
    /// Metrics under other names than the fields', by name.
    public var extra: [String: Double] = [:]

    public init(
        epoch: Int, loss: Double? = nil, acc: Double? = nil, valLoss: Double? = nil, valAcc: Double? = nil,
        trainSeconds: Double? = nil, evalSeconds: Double? = nil, extra: [String: Double] = [:]
    ) {
        self.epoch = epoch
        self.loss = loss
        self.acc = acc
        self.valLoss = valLoss
        self.valAcc = valAcc
        self.trainSeconds = trainSeconds
        self.evalSeconds = evalSeconds
        self.extra = extra
    }

    /// The JSON names of the fields.
    public static let fieldNames = ["epoch", "loss", "acc", "val_loss", "val_acc", "train_s", "eval_s"]

    struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        epoch = try container.decode(Int.self, forKey: Name("epoch"))
        func field(_ name: String) throws -> Double? {
            try container.decodeIfPresent(Double.self, forKey: Name(name))
        }
        loss = try field("loss")
        acc = try field("acc")
        valLoss = try field("val_loss")
        valAcc = try field("val_acc")
        trainSeconds = try field("train_s")
        evalSeconds = try field("eval_s")
        for key in container.allKeys where !Self.fieldNames.contains(key.stringValue) {
            if let value = try container.decodeIfPresent(Double.self, forKey: key) {
                extra[key.stringValue] = value
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        try container.encode(epoch, forKey: Name("epoch"))
        try container.encodeIfPresent(loss, forKey: Name("loss"))
        try container.encodeIfPresent(acc, forKey: Name("acc"))
        try container.encodeIfPresent(valLoss, forKey: Name("val_loss"))
        try container.encodeIfPresent(valAcc, forKey: Name("val_acc"))
        try container.encodeIfPresent(trainSeconds, forKey: Name("train_s"))
        try container.encodeIfPresent(evalSeconds, forKey: Name("eval_s"))
        for (name, value) in extra where !Self.fieldNames.contains(name) {
            try container.encode(value, forKey: Name(name))
        }
    }

    /// The value of a metric by its JSON name, or nil when this epoch has none.
    public func metric(_ name: String) -> Double? {
        switch name {
        case "loss": return loss
        case "acc": return acc
        case "val_loss": return valLoss
        case "val_acc": return valAcc
        case "train_s": return trainSeconds
        case "eval_s": return evalSeconds
        default: return extra[name]
        }
    }

    /// Every metric this epoch has, by JSON name (not `epoch`).
    public var metricNames: [String] {
        let fields = Self.fieldNames.dropFirst().filter { metric($0) != nil }
        return fields + extra.keys.sorted()
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
    public var trainSeconds: Double { epochs.reduce(0) { $0 + ($1.trainSeconds ?? 0) } }
    public var evalSeconds: Double { epochs.reduce(0) { $0 + ($1.evalSeconds ?? 0) } }
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
    /// The samples are not of the shape the configuration's dataset description says.
    case shapeMismatch(expected: SampleShape, found: SampleShape)
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
        case .shapeMismatch(let expected, let found):
            return
                "the samples are \(found), but the dataset was described as \(expected); run 'report data verify'"
        case .interrupted(let epochs):
            return "interrupted after \(epochs) finished epoch\(epochs == 1 ? "" : "s")"
        case .nonFiniteEvaluation(let loss):
            return
                "the evaluation before training gave a loss of \(loss): the weights it starts from, or the inputs, are not finite or too large"
        }
    }
}

extension RunMetrics {
    /// Metrics measured outside the engine (a run of the author's command): its epochs, and zero where a
    /// value is the engine's to know (parameters, FLOPs, steps).
    public init(epochs: [EpochMetrics], threads: Int) {
        self.init(
            epochs: epochs, steps: [], parameters: 0, flopsPerImage: 0, stepsPerEpoch: 0, threads: threads)
    }
}
