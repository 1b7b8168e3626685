import Configuration
import Engine
import Foundation
import Planning
import RunCache

/// Extending a finished run instead of training from scratch. A run whose configuration differs from
/// a cached run's only by more `epochs`, and whose learning rate does not depend on the total number of
/// epochs (`constant`, `step`), continues from the cached run's final state: its checkpoint, metrics and
/// `state.bin` (the optimizer's buffers and step count, see `TrainingState.optimizerPart`). Shuffling,
/// dropout and augmentation draw from generators derived from the seed and the epoch number, so the
/// result is bit for bit what training from epoch 1 gives. The new run keeps its own key and entry.
public enum RunExtension {
    /// What a cache entry keeps for extension, beside `checkpoint.bin` and `metrics.json`.
    public static let stateName = "state.bin"

    /// Whether a run of this configuration can continue a shorter one, and whether its entry keeps
    /// the state a longer one continues from: its schedule ignores the total number of epochs.
    public static func isExtendable(_ config: TrainingConfig) -> Bool {
        switch config.schedule {
        case .constant, .step: return config.epochs > 0
        case .cosine, .onecycle: return false
        }
    }

    /// Runs by everything but their epochs: the cache's entries (from their ``RunIdentity``, one small
    /// file each, read once) and the runs a build plans, so that finding the shorter runs of a run
    /// costs one lookup, not one key per epoch count below its own.
    public struct Index {
        /// Family (configuration without `epochs`, and the `init` key) → epochs → keys.
        private var runs: [String: [Int: Set<String>]] = [:]

        /// The entries of `store`. Only an index: a candidate is checked in full before it is used.
        public init(store: RunStore) {
            for key in store.allKeys() {
                guard let identity = RunIdentity.read(in: store.directory(key)), identity.key == key,
                    let epochs = identity.config["epochs"].flatMap({ Int($0) })
                else { continue }
                add(key: key, epochs: epochs, family: Self.family(identity.config, initKey: identity.initKey))
            }
        }

        public mutating func add(_ run: PlannedRun) {
            add(
                key: run.key, epochs: run.config.epochs,
                family: Self.family(run.canonicalConfig, initKey: run.initKey))
        }

        private mutating func add(key: String, epochs: Int, family: String) {
            runs[family, default: [:]][epochs, default: []].insert(key)
        }

        static func family(_ config: [String: String], initKey: String?) -> String {
            config.filter { $0.key != "epochs" }.sorted { $0.key < $1.key }.reduce(
                "init: \(initKey ?? "none")\n"
            ) {
                $0 + "\($1.key): \($1.value)\n"
            }
        }

        /// The runs of the index that are this run with fewer epochs (its key recomputed for each, so that
        /// another dataset or engine version never matches), longest first.
        public func shorterRuns(of config: TrainingConfig, initKey: String?) -> [Source] {
            guard isExtendable(config), config.epochs > 1 else { return [] }
            let canonical = Dictionary(
                uniqueKeysWithValues: config.canonicalEntries.map { ($0.key, $0.value) })
            let family = runs[Self.family(canonical, initKey: initKey)] ?? [:]
            return family.keys.filter { $0 >= 1 && $0 < config.epochs }.sorted(by: >).compactMap { epochs in
                var shorter = config
                shorter.epochs = epochs
                let key = RunKey.make(config: shorter, initKey: initKey)
                guard family[epochs]?.contains(key) == true else { return nil }
                return Source(
                    key: key, epochs: epochs,
                    config: Dictionary(
                        uniqueKeysWithValues: shorter.canonicalEntries.map { ($0.key, $0.value) }))
            }
        }
    }

    /// A shorter run to continue from.
    public typealias Source = ShorterRun

    /// Whether the entry of `source` is a finished run that keeps its final state.
    public static func canExtend(from source: Source, in store: RunStore) -> Bool {
        guard let record = store.entry(source.key, config: source.config).record,
            record.metrics.diverged == nil
        else { return false }
        return FileManager.default.fileExists(
            atPath: store.directory(source.key).appendingPathComponent(stateName).path)
    }

    /// The longest shorter run the cache holds with its final state, or nil.
    static func cachedSource(of config: TrainingConfig, initKey: String?, in store: RunStore) -> Source? {
        guard isExtendable(config), config.epochs > 1 else { return nil }
        return Index(store: store).shorterRuns(of: config, initKey: initKey).first {
            canExtend(from: $0, in: store)
        }
    }

    /// The files of one entry, read once and checked against its manifest together, so that an entry
    /// replaced meanwhile by another process (`--rerun` elsewhere) is never read half old, half new.
    struct Snapshot {
        var record: RunRecord
        var checkpoint: Data
        var state: TrainingState
    }

    static func snapshot(_ source: Source, in store: RunStore) throws -> Snapshot {
        let folder = store.directory(source.key)
        func read(_ name: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
            else {
                throw RunExtensionError("\(name) cannot be read")
            }
            return data
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: try read(RunStore.manifestName))
        var files: [String: Data] = [:]
        for name in ["metrics.json", "checkpoint.bin", stateName] {
            let data = try read(name)
            guard manifest.key == source.key, manifest.files[name] == RunStore.sha256(data) else {
                throw RunExtensionError("\(name) does not match the entry's manifest")
            }
            files[name] = data
        }
        let record = try JSONDecoder().decode(RunRecord.self, from: files["metrics.json"] ?? Data())
        if let problem = record.problem(expectedKey: source.key, expectedConfig: source.config) {
            throw RunExtensionError("metrics.json: \(problem)")
        }
        guard record.metrics.diverged == nil else { throw RunExtensionError("it diverged") }
        let state = try TrainingState(decoding: files[stateName] ?? Data())
        guard state.epoch == source.epochs, state.step == source.epochs * record.metrics.stepsPerEpoch else {
            throw RunExtensionError(
                "\(stateName) holds epoch \(state.epoch), step \(state.step), not the end of epoch \(source.epochs)"
            )
        }
        return Snapshot(record: record, checkpoint: files["checkpoint.bin"] ?? Data(), state: state)
    }
}

struct RunExtensionError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
