import Configuration
import Engine

/// A unit of training: one cache key, and every run id of the document that resolves to it
/// (the 1× member of a sweep and the plain default run are the same run, trained once).
public struct PlannedRun {
    public var key: String
    public var runIDs: [String]
    public var config: TrainingConfig
    public var initKey: String?
    /// Relative cost, to start the longest runs first: images × forward FLOPs.
    public var cost: Double
    /// The shorter run it will continue (see `RunExtension` in Pipeline), when a build found one; `extendsPlanned`:
    /// that run is trained by the same build first.
    public var extends: ShorterRun?
    public var extendsPlanned = false
    /// The author's command that trains it (`run:`); nil: the engine trains `config`.
    public var command: CommandSpec?
    /// What its key covers beyond the document, and its environment's output (a command run).
    public var fingerprint: CommandFingerprint?
}

extension PlannedRun {
    /// The configuration as its cache entry records it: the engine's keys, or the command's settings and
    /// the command itself (`run`).
    public var canonicalConfig: [String: String] {
        if let command { return command.recordedConfig }
        return Dictionary(uniqueKeysWithValues: config.canonicalEntries.map { ($0.key, $0.value) })
    }
}

/// A cached or planned run that a longer one can continue: it differs only by fewer epochs.
public struct ShorterRun: Equatable, Sendable {
    public var key: String
    public var epochs: Int
    /// Its configuration as its cache entry records it.
    public var config: [String: String]

    public init(key: String, epochs: Int, config: [String: String]) {
        self.key = key
        self.epochs = epochs
        self.config = config
    }
}
