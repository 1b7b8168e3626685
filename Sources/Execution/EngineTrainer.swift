import Configuration
import Datasets
import Engine
import Foundation
import Planning
import RunCache

/// What trains one planned run into the cache: the engine (``EngineTrainer``) today, a user's own
/// command next. An executor decides where and when a run trains (``LocalExecutor`` on this machine,
/// a Slurm worker on a node) and holds the run's claim (``RunCacheLock/claim(_:)``); a trainer decides
/// how, publishes the finished entry, and writes `failed/<key>.log` when it fails.
public protocol RunTrainer: Sendable {
    var store: RunStore { get }
    func train(_ run: PlannedRun, _ context: TrainingContext) -> RunOutcome
}

/// How an executor asks a trainer to run: its threads, and what to tell it while it trains.
public struct TrainingContext {
    /// Threads to start with; `threadTarget`, asked between batches, changes them while the run trains.
    public var threads: Int
    var threadTarget: (() -> Int)?
    /// A Slurm worker: an entry another process published meanwhile is kept and this run's own copy
    /// discarded (equal keys mean equal results).
    public var keepExisting = false
    /// False with `--rerun`: train from epoch 1 even when a shorter run could be continued.
    public var extend = true
    public var shouldStop: () -> Bool
    /// Told when a run continues a shorter one, or cannot.
    public var note: (String) -> Void = { _ in }
    public var onEvent: (TrainingEvent) -> Void
    /// Called every few seconds while a run that reports no steps (a command) trains: keeps its claim fresh.
    public var alive: () -> Void = {}

    public init(
        threads: Int, threadTarget: (() -> Int)? = nil, keepExisting: Bool = false, extend: Bool = true,
        shouldStop: @escaping () -> Bool, note: @escaping (String) -> Void = { _ in },
        onEvent: @escaping (TrainingEvent) -> Void, alive: @escaping () -> Void = {}
    ) {
        self.alive = alive
        self.threads = threads
        self.threadTarget = threadTarget
        self.keepExisting = keepExisting
        self.extend = extend
        self.shouldStop = shouldStop
        self.note = note
        self.onEvent = onEvent
    }
}

/// Trains one planned run with the built-in engine. This is the whole life of one run:
///
/// 1. resume from the run's kept epoch state in `.progress/<key>/`, if any; else continue the longest
///    cached run that differs only by fewer epochs (``RunExtension``), if any; else start from the
///    `init` run's checkpoint (refusing non-finite weights);
/// 2. keep the full state after every epoch there, so an interruption loses at most one epoch;
/// 3. publish the finished entry (with its final optimizer state, `state.bin`, when a longer run may
///    extend it) — or, when the loss stops being finite, the diverged entry with the epochs before it,
///    which is a result too — and drop the kept state.
public struct EngineTrainer: RunTrainer {
    public let store: RunStore
    public let data: DatasetCache
    public let machine: String

    public init(store: RunStore, data: DatasetCache, machine: String = Machine.description) {
        self.store = store
        self.data = data
        self.machine = machine
    }

    /// What the run's progress state file is called inside ``RunStore/progressDirectory(_:)``.
    public static let stateName = "state.bin"

    public func train(_ run: PlannedRun, _ context: TrainingContext) -> RunOutcome {
        let threads = context.threads
        let name = run.runIDs[0]
        var log = "run \(run.runIDs.joined(separator: ", "))\nkey \(run.key)\n"
        let progress = store.progressDirectory(run.key)
        let stateURL = progress.appendingPathComponent(Self.stateName)
        var temporary: URL?
        do {
            var resume: TrainingState?
            if let data = FileManager.default.contents(atPath: stateURL.path) {
                do {
                    let state = try TrainingState(decoding: data)
                    resume = state
                    log += "resumed after epoch \(state.epoch) from the state an interrupted build kept\n"
                } catch {
                    log += "ignored the kept state (\(error)); starting at epoch 1\n"
                }
            }
            // A trainer at epoch 1: the `init` run's weights, or the configuration's initialisation.
            func freshTrainer(threads: Int) throws -> Trainer {
                let trainer = try Trainer(config: run.config, threads: threads)
                if let initKey = run.initKey {
                    let start = try store.record(initKey)
                    if let diverged = start.metrics.diverged {
                        throw RunTrainingError.startDiverged(initKey, diverged.epoch)
                    }
                    try Checkpoint.load(store.checkpoint(initKey), into: trainer.network)
                    if let tensor = Checkpoint.firstNonFinite(in: trainer.network) {
                        throw RunTrainingError.nonFiniteStart(store.checkpoint(initKey).path, tensor)
                    }
                    log += "initialised from \(initKey)\n"
                }
                return trainer
            }
            // A resumed run starts with the thread count it started with (results do not depend on it).
            var trainer = try freshTrainer(threads: resume?.metrics.threads ?? threads)
            log += "threads \(trainer.threads)\n"
            var extended = false
            if resume == nil, context.extend,
                let source = RunExtension.cachedSource(of: run.config, initKey: run.initKey, in: store)
            {
                do {
                    let snapshot = try RunExtension.snapshot(source, in: store)
                    try Checkpoint.load(
                        snapshot.checkpoint, path: store.checkpoint(source.key).path, into: trainer.network)
                    resume = try snapshot.state.completed(
                        checkpointOf: trainer, metrics: snapshot.record.metrics)
                    extended = true
                    log += "extends \(source.key) from epoch \(source.epochs)\n"
                    context.note("extends  \(name): continues \(source.key) from epoch \(source.epochs)")
                } catch {
                    log += "could not extend \(source.key) (\(error)); starting at epoch 1\n"
                    context.note(
                        "warning: \(name): could not extend \(source.key) (\(error)); training from epoch 1")
                    trainer = try freshTrainer(threads: threads)
                }
            }
            let validation = try data.load(run.config.dataset, split: .test)
            let train =
                run.config.epochs > 0 || run.config.validation != nil
                ? try data.load(run.config.dataset, split: .train) : validation.prefix(0)
            let writer = store.writer
            // The state after the last epoch (a kept state may already be that: killed before publishing).
            var finalState = resume
            var control = TrainingControl(
                resume: resume, shouldStop: context.shouldStop,
                epochFinished: { state in
                    try writer.write(try state.encoded(), to: stateURL)
                    finalState = state
                }, threads: context.threadTarget)
            let events: (TrainingEvent) -> Void = { event in
                context.onEvent(event)
                if case .epochEnded(let e) = event {
                    log += RunLog.epochLine(name: name, e, epochs: run.config.epochs) + "\n"
                }
            }
            var outcome: RunOutcome
            var files: [String: Data] = [:]
            var metrics: RunMetrics
            do {
                do {
                    metrics = try trainer.run(
                        train: train, validation: validation, control: control, onEvent: events)
                } catch let error as TrainingStateError {
                    log +=
                        "ignored the \(extended ? "extended run's" : "kept") state (\(error)); starting at epoch 1\n"
                    control.resume = nil
                    if extended { trainer = try freshTrainer(threads: trainer.threads) }
                    metrics = try trainer.run(
                        train: train, validation: validation, control: control, onEvent: events)
                }
                files["checkpoint.bin"] = try Checkpoint.encode(trainer.network)
                if RunExtension.isExtendable(run.config), let finalState {
                    files[RunExtension.stateName] = try finalState.optimizerPart.encoded()
                }
                outcome = .trained(final: metrics.final)
            } catch TrainingError.diverged(let epoch, let step, let loss) {
                guard var soFar = trainer.metricsSoFar else {
                    throw TrainingError.diverged(epoch: epoch, step: step, loss: loss)
                }
                let divergence = Divergence(epoch: epoch, step: step, loss: loss)
                soFar.diverged = divergence
                metrics = soFar
                log += "\(TrainingError.diverged(epoch: epoch, step: step, loss: loss))\n"
                outcome = .diverged(divergence)
            } catch TrainingError.interrupted(let epochs) {
                return .interrupted(finished: epochs, of: run.config.epochs)
            }
            let record = RunRecord(
                key: run.key, config: run.canonicalConfig, metrics: metrics, machine: machine,
                engineVersion: Engine.numericsVersion)
            files["metrics.json"] = try RunStore.encoder().encode(record)
            files[RunIdentity.fileName] = try RunIdentity(
                key: run.key, initKey: run.initKey, config: run.canonicalConfig
            ).encoded()
            var yaml = "# run \(run.key)\(run.initKey.map { ", initialised from \($0)" } ?? "")\n"
            for (key, value) in run.config.canonicalEntries { yaml += "\(key): \(value)\n" }
            files["config.yaml"] = Data(yaml.utf8)
            files["log.txt"] = Data(log.utf8)
            let entry = try store.beginEntry(run.key)
            temporary = entry
            try store.writeEntry(entry, key: run.key, files: files)
            if context.keepExisting {
                _ = try store.commitEntryUnlessPresent(entry, key: run.key)
            } else {
                try store.commitEntry(entry, key: run.key)
            }
            try? FileManager.default.removeItem(at: progress)
            return outcome
        } catch {
            if let temporary { try? FileManager.default.removeItem(at: temporary) }
            let message = "\(error)"
            log += "error: \(message)\n"
            return .failed(store.recordFailure(run.key, message, log: log))
        }
    }
}

enum RunTrainingError: Error, CustomStringConvertible {
    case startDiverged(String, Int)
    case nonFiniteStart(String, String)

    public var description: String {
        switch self {
        case .startDiverged(let key, let epoch):
            return
                "the run it starts from (\(key)) diverged at epoch \(epoch) and has no weights to start from"
        case .nonFiniteStart(let path, let tensor):
            return "\(path): the checkpoint it starts from holds non-finite weights (\(tensor))"
        }
    }
}
