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
    /// For a run of the author's command: what ran and how it ended; nil for a run of the engine.
    public var command: CommandRecord?

    public init(
        key: String, config: [String: String], metrics: RunMetrics, machine: String, engineVersion: Int,
        command: CommandRecord? = nil
    ) {
        self.command = command
        self.key = key
        self.config = config
        self.metrics = metrics
        self.machine = machine
        self.engineVersion = engineVersion
    }

    enum CodingKeys: String, CodingKey {
        case key, config, metrics, machine, command
        case engineVersion = "engine_version"
    }
}

/// How a run of a command went: the command line the shell ran, its wall time, and how it ended.
public struct CommandRecord: Codable, Equatable, Sendable {
    /// The command with its settings substituted.
    public var commandLine: String
    /// Wall-clock seconds of every attempt together (an interrupted one included).
    public var seconds: Double
    /// The epoch it resumed after, when an interrupted attempt's epochs were kept and the script continued.
    public var resumedAfter: Int?
    /// The SHA-256 of the output of the experiment's `environment` command it trained under.
    public var environment: String?

    public init(commandLine: String, seconds: Double, resumedAfter: Int? = nil, environment: String? = nil) {
        self.commandLine = commandLine
        self.seconds = seconds
        self.resumedAfter = resumedAfter
        self.environment = environment
    }

    enum CodingKeys: String, CodingKey {
        case seconds, environment
        case commandLine = "command_line"
        case resumedAfter = "resumed_after"
    }
}
