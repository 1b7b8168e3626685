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

    enum CodingKeys: String, CodingKey {
        case key, config, metrics, machine
        case engineVersion = "engine_version"
    }
}
