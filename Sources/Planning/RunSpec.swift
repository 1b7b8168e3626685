import Document
import Engine

/// One training run as the document defines it, after defaults, `base` and `sweep` are applied.
public struct RunSpec {
    /// `q3-lr` for a plain experiment, `q3-lr[lr=0.1]` for a sweep member.
    public var id: String
    /// The experiment block's id (the sweep's id for members).
    var experimentID: String
    public var label: String
    public var config: TrainingConfig
    /// The run whose final weights this one starts from.
    public var initID: String?
    /// The member's address: its case's keys and values, then the swept ones, in the order written
    /// (empty for plain experiments).
    public var swept: [(key: String, value: String)]
    public var echo: Bool
    public var location: SourceLocation
    /// For a member of `cases`: its case, counted from 1 (`q4[case=2]` selects it).
    public var caseNumber: Int?
    /// How many leading entries of `swept` its case wrote (the rest are swept).
    public var caseKeys = 0
    /// The seeded member this run is one seed of (`seeds: [1, 2, 3]`); nil when its experiment has no `seeds`.
    public var member: SeededMember? = nil
    /// The author's command that trains this run (`run:`); nil for a run of the engine (`config`).
    public var command: CommandSpec? = nil
    /// What the document's ```` ```metrics ```` blocks say about the metrics a command records.
    public var metrics = MetricDeclarations.none

    /// The run's settings as its cache entry records them: the command's, or the engine configuration's.
    public var settingEntries: [(key: String, value: String)] {
        command?.canonicalEntries ?? config.canonicalEntries
    }

    /// The configuration as its cache entry records it: the engine's keys, or the command's settings and
    /// the command itself (`run`).
    public var canonicalConfig: [String: String] {
        command?.recordedConfig ?? Dictionary(settingEntries) { first, _ in first }
    }

    /// One setting as text, for tables, selectors and inline expressions.
    public func value(of key: String) -> String? {
        if let command { return command.value(of: key)?.text }
        return config.value(of: key)
    }
}

/// A sweep member (or a whole experiment) trained once per seed: values, tables and figures show
/// it as one, aggregated over its seed runs.
public struct SeededMember: Sendable, Equatable {
    /// `q8`, or `q8[lr=0.1]` for a member of a sweep: the id its seed runs share without their seed.
    public var id: String
    public var label: String
    /// This run's seed.
    public var seed: Int
}

/// An experiment block: one run, or the members of a sweep or of `cases`.
public struct ExperimentGroup {
    public var id: String
    public var runIDs: [String]
    var isSweep: Bool
    public var location: SourceLocation
    /// The experiment's `seeds`, in the order written; empty when it has none.
    public var seeds: [Int] = []
    /// Each seeded member's id → its seed runs, in seed order (empty without `seeds`).
    var seedRuns: [String: [String]] = [:]
}
