import Foundation

/// What a caller of `Trainer.run` can ask of a run in progress.
public struct TrainingControl {
    /// The state to continue from (the end of a finished epoch), or nil to start at epoch 1.
    public var resume: TrainingState?
    /// Asked before every batch; true stops the run with `TrainingError.interrupted`.
    public var shouldStop: () -> Bool
    /// Told the full state at the end of every epoch (only captured when set).
    public var epochFinished: ((TrainingState) throws -> Void)?
    /// Asked before every batch and evaluation: how many threads to use from there on (a scheduler
    /// raises it when cores free up). Nil keeps the count the trainer was made with.
    public var threads: (() -> Int)?

    public init(
        resume: TrainingState? = nil, shouldStop: @escaping () -> Bool = { false },
        epochFinished: ((TrainingState) throws -> Void)? = nil, threads: (() -> Int)? = nil
    ) {
        self.resume = resume
        self.shouldStop = shouldStop
        self.epochFinished = epochFinished
        self.threads = threads
    }
}

/// Everything needed to continue a run bit for bit from the end of an epoch: the weights and running
/// statistics, the optimizer's buffers and step count, the global step, and the metrics so far. The
/// random generators need no saving: each epoch's shuffling, dropout and augmentation generators are
/// derived from the seed and the epoch number, and the shuffles of finished epochs are replayed.
///
/// File layout (little-endian), like `Checkpoint`'s:
/// - 8 bytes magic `RPTSTATE`
/// - UInt32 format version (1)
/// - UInt32 header length H, then H bytes of UTF-8 JSON (`Header`)
/// - the tensors' Float32 values, in header order
/// - UInt32 CRC-32 of everything before it
public struct TrainingState: Equatable {
    /// Finished epochs.
    public var epoch: Int
    /// Global step after `epoch` epochs.
    public var step: Int
    public var optimizerSteps: Int
    public var metrics: RunMetrics
    /// The network's state tensors, then the optimizer's buffers (`optimizer.first.<i>`, `optimizer.second.<i>`).
    var tensors: [Tensor]

    struct Tensor: Equatable {
        var name: String
        var shape: [Int]
        var values: [Float]
    }

    static let magic = Array("RPTSTATE".utf8)
    static let version: UInt32 = 1

    struct Header: Codable {
        var epoch: Int
        var step: Int
        var optimizerSteps: Int
        var metrics: RunMetrics
        var tensors: [Checkpoint.Header.Tensor]
        enum CodingKeys: String, CodingKey {
            case epoch, step
            case optimizerSteps = "optimizer_steps"
            case metrics, tensors
        }
    }

    init(trainer: Trainer, epoch: Int, step: Int, metrics: RunMetrics) {
        self.epoch = epoch
        self.step = step
        self.metrics = metrics
        optimizerSteps = trainer.optimizer.steps
        tensors = Self.buffers(of: trainer).map {
            Tensor(name: $0.name, shape: $0.shape, values: $0.buffer.array)
        }
    }

    /// Every buffer the state covers, in file order.
    private static func buffers(of trainer: Trainer) -> [(name: String, shape: [Int], buffer: Buffer)] {
        var out = trainer.network.state
        for (index, buffer) in trainer.optimizer.first.enumerated() {
            out.append(("optimizer.first.\(index)", [buffer.count], buffer))
        }
        for (index, buffer) in trainer.optimizer.second.enumerated() {
            out.append(("optimizer.second.\(index)", [buffer.count], buffer))
        }
        return out
    }

    /// Puts this state into `trainer`, which must train the same model with the same batch count per epoch.
    func restore(into trainer: Trainer, stepsPerEpoch: Int) throws {
        let targets = Self.buffers(of: trainer)
        guard targets.map(\.name) == tensors.map(\.name), targets.map(\.shape) == tensors.map(\.shape) else {
            throw TrainingStateError.invalid("it holds a different model")
        }
        guard stepsPerEpoch == metrics.stepsPerEpoch, step == epoch * stepsPerEpoch,
            epoch == metrics.trainedEpochs.count,
            epoch <= trainer.config.epochs
        else {
            throw TrainingStateError.invalid("it does not fit this run (epoch \(epoch), step \(step))")
        }
        for (target, tensor) in zip(targets, tensors) { target.buffer.copy(from: tensor.values) }
        trainer.optimizer.steps = optimizerSteps
    }

    // MARK: Extending a finished run

    /// What a finished run's cache entry keeps to be extended later, beside its checkpoint (the
    /// network's tensors) and its metrics: the optimizer's buffers and step count, and the global step.
    /// Buffers that are all zero bits (RMSprop's unused momentum, SGD's second buffers) are left out;
    /// ``completed(checkpointOf:metrics:)`` puts them back as zeros, so nothing changes bit for bit.
    /// The random generators need nothing: they are derived from the seed and the epoch number.
    public var optimizerPart: TrainingState {
        var part = self
        part.metrics.epochs = []
        part.metrics.steps = []
        part.metrics.threadChanges = nil
        part.metrics.threads = 1  // the metrics' own; left out so that equal runs keep equal bytes
        part.tensors = tensors.filter {
            $0.name.hasPrefix(Self.optimizerPrefix) && $0.values.contains { $0.bitPattern != 0 }
        }
        return part
    }

    static let optimizerPrefix = "optimizer."

    /// The whole state again from an ``optimizerPart``, the network of `trainer` (holding the finished
    /// run's checkpoint) and the finished run's metrics.
    public func completed(checkpointOf trainer: Trainer, metrics: RunMetrics) throws -> TrainingState {
        var whole = self
        whole.metrics.epochs = metrics.epochs
        whole.metrics.steps = metrics.steps
        whole.metrics.threadChanges = metrics.threadChanges
        whole.metrics.threads = metrics.threads
        var saved = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        whole.tensors = []
        for target in Self.buffers(of: trainer) {
            if target.name.hasPrefix(Self.optimizerPrefix) {
                let tensor = saved.removeValue(forKey: target.name)
                guard tensor == nil || tensor?.shape == target.shape else {
                    throw TrainingStateError.invalid("\(target.name) has the wrong shape")
                }
                whole.tensors.append(
                    tensor
                        ?? Tensor(
                            name: target.name, shape: target.shape,
                            values: .init(repeating: 0, count: target.buffer.count)))
            } else {
                whole.tensors.append(
                    Tensor(name: target.name, shape: target.shape, values: target.buffer.array))
            }
        }
        guard saved.isEmpty else {
            throw TrainingStateError.invalid(
                "it holds tensors this model does not have (\(saved.keys.sorted().joined(separator: ", ")))")
        }
        return whole
    }

    // MARK: File format

    public func encoded() throws -> Data {
        let header = Header(
            epoch: epoch, step: step, optimizerSteps: optimizerSteps, metrics: metrics,
            tensors: tensors.map { .init(name: $0.name, shape: $0.shape) })
        let json = try Checkpoint.sortedEncoder().encode(header)
        var bytes = Self.magic
        Checkpoint.append(Self.version, to: &bytes)
        Checkpoint.append(UInt32(json.count), to: &bytes)
        bytes += json
        bytes.reserveCapacity(bytes.count + 4 * tensors.reduce(0) { $0 + $1.values.count } + 4)
        for tensor in tensors {
            for value in tensor.values { Checkpoint.append(value.bitPattern, to: &bytes) }
        }
        Checkpoint.append(CRC32.checksum(bytes), to: &bytes)
        return Data(bytes)
    }

    public init(decoding data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else {
            throw TrainingStateError.invalid("not a training state file")
        }
        guard CRC32.checksum(bytes[0..<(bytes.count - 4)]) == Checkpoint.read(bytes, at: bytes.count - 4)
        else {
            throw TrainingStateError.invalid("checksum mismatch: the file is damaged or truncated")
        }
        guard Checkpoint.read(bytes, at: 8) == Self.version else {
            throw TrainingStateError.invalid("unknown format version")
        }
        let headerLength = Int(Checkpoint.read(bytes, at: 12))
        guard headerLength <= bytes.count - 20,
            let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        else {
            throw TrainingStateError.invalid("unreadable header")
        }
        var offset = 16 + headerLength
        var tensors: [Tensor] = []
        for tensor in header.tensors {
            let count = tensor.shape.reduce(1) { $0.multipliedReportingOverflow(by: max($1, 0)).partialValue }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), count <= (bytes.count - 4 - offset) / 4 else {
                throw TrainingStateError.invalid("tensor data has the wrong size")
            }
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count { values[i] = Float(bitPattern: Checkpoint.read(bytes, at: offset + 4 * i)) }
            offset += 4 * count
            tensors.append(Tensor(name: tensor.name, shape: tensor.shape, values: values))
        }
        guard offset == bytes.count - 4 else {
            throw TrainingStateError.invalid("tensor data has the wrong size")
        }
        epoch = header.epoch
        step = header.step
        optimizerSteps = header.optimizerSteps
        metrics = header.metrics
        self.tensors = tensors
    }
}

public enum TrainingStateError: Error, CustomStringConvertible, Equatable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): return "unusable training state: \(why)"
        }
    }
}
