import Document
import Engine

/// One training run as the document defines it, after defaults, `base` and `sweep` are applied.
public struct RunSpec {
    /// `q3-lr` for a plain experiment, `q3-lr[lr=0.1]` for a sweep member.
    public var id: String
    /// The experiment block's id (the sweep's id for members).
    public var experimentID: String
    public var label: String
    public var config: TrainingConfig
    /// The run whose final weights this one starts from.
    public var initID: String?
    /// Swept keys and their values, in the sweep's order (empty for plain experiments).
    public var swept: [(key: String, value: String)]
    public var echo: Bool
    public var location: SourceLocation
}

/// An experiment block: one run, or the members of a sweep.
public struct ExperimentGroup {
    public var id: String
    public var runIDs: [String]
    public var isSweep: Bool
    public var location: SourceLocation
}
