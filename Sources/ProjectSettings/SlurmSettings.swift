import Foundation
import Suggestions
import Yams

/// How `--executor slurm` submits runs: the `slurm:` block of `report.yaml`, overridden by
/// `report build --slurm-…` options. Unset values are left to the cluster's defaults.
public struct SlurmSettings: Sendable, Equatable {
    public var partition: String?
    public var account: String?
    public var qos: String?
    /// `sbatch --time`, per run: `MM`, `HH:MM:SS` or `D-HH`.
    public var time: String?
    /// CPUs of each task, and the threads its run trains with.
    public var cpusPerTask = 1
    /// `sbatch --mem`, per task: `4G`, `500M`.
    public var memory: String?
    /// `sbatch --gres`, per task: `gpu:1` (a run of a command that uses a GPU).
    public var gres: String?
    /// The array throttle (`--array=…%N`): at most this many runs of one array at once.
    public var maxRunning: Int?
    /// Appended to every `sbatch` command as they are (one argument each).
    public var sbatchArguments: [String] = []
    /// Shell lines run in each job before `report worker` (module loads, a virtual environment).
    public var setup: [String] = []
    /// Seconds between two `squeue` calls.
    public var pollInterval: Double = 10
    /// Seconds a finished run's result may take to appear on a shared filesystem before it counts as
    /// failed.
    public var latencyWait: Double = Self.defaultLatencyWait
    public static let defaultLatencyWait: Double = 60
    /// The `report` executable the jobs run (default: the one running the build). It and the project
    /// must be on a filesystem every node sees.
    public var command: String?

    public init() {}

    /// The keys of the `slurm:` block, as written in `report.yaml`.
    public static let keys = [
        "partition", "account", "qos", "time", "cpus_per_task", "memory", "gres", "max_running",
        "sbatch_args", "setup", "poll_interval", "latency_wait", "command",
    ]

    mutating func set(_ key: String, _ node: Node) throws {
        func text() throws -> String {
            guard let value = node.scalar?.string, !value.isEmpty, !value.contains("\n") else {
                throw ProjectSettingError(message: "'\(key)' must be one line of text")
            }
            return value
        }
        func lines() throws -> [String] {
            if let single = node.scalar?.string { return [single] }
            guard let items = node.sequence else {
                throw ProjectSettingError(message: "'\(key)' must be a list of strings")
            }
            return try items.map { item in
                guard let value = item.scalar?.string, !value.contains("\n") else {
                    throw ProjectSettingError(message: "'\(key)' must be a list of one-line strings")
                }
                return value
            }
        }
        func positive() throws -> Int {
            guard let value = node.int, value >= 1 else {
                throw ProjectSettingError(message: "'\(key)' must be a whole number of at least 1")
            }
            return value
        }
        switch key {
        case "partition": partition = try text()
        case "account": account = try text()
        case "qos": qos = try text()
        case "time": time = try text()
        case "cpus_per_task": cpusPerTask = try positive()
        case "memory": memory = try text()
        case "gres": gres = try text()
        case "max_running": maxRunning = try positive()
        case "sbatch_args": sbatchArguments = try lines()
        case "setup": setup = try lines()
        case "poll_interval":
            guard let value = node.float, value.isFinite, value >= 0.05 else {
                throw ProjectSettingError(
                    message: "'poll_interval' must be a number of seconds, at least 0.05")
            }
            pollInterval = value
        case "latency_wait":
            guard let value = node.float, value.isFinite, value >= 0 else {
                throw ProjectSettingError(message: "'latency_wait' must be a number of seconds, at least 0")
            }
            latencyWait = value
        case "command": command = try text()
        default:
            let hint = didYouMean(key, among: Self.keys)
            throw ProjectSettingError(
                message:
                    "unknown key '\(key)' in slurm\(hint); expected one of \(Self.keys.joined(separator: ", "))",
                atKey: true)
        }
    }
}
