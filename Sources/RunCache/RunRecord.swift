import Engine

/// What a finished run leaves in its cache entry (`metrics.json`): the configuration it trained,
/// everything it measured, and where.
public struct RunRecord: Codable {
    public var key: String
    public var config: [String: String]
    public var metrics: RunMetrics
    /// CPU model and core count of the machine that trained it.
    public var machine: String
    public var engineVersion: Int

    public init(
        key: String, config: [String: String], metrics: RunMetrics, machine: String, engineVersion: Int
    ) {
        self.key = key
        self.config = config
        self.metrics = metrics
        self.machine = machine
        self.engineVersion = engineVersion
    }

    enum CodingKeys: String, CodingKey {
        case key, config, metrics, machine
        case engineVersion = "engine_version"
    }
}
