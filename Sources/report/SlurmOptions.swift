import ArgumentParser
import Pipeline
import ProjectSettings

/// `report build`'s Slurm options; each one set here overrides the `slurm:` block of `report.yaml`.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Partition (sbatch --partition).") var partition: String?
    @Option(help: "Account to charge (sbatch --account).") var account: String?
    @Option(help: "Quality of service (sbatch --qos).") var qos: String?
    @Option(help: "Time limit per run (sbatch --time), e.g. 30 or 0:30:00.") var time: String?
    @Option(
        name: .customLong("cpus-per-task"), help: "CPUs per run, and the threads it trains with (default 1).")
    var cpusPerTask: Int?
    @Option(name: .customLong("mem"), help: "Memory per run (sbatch --mem), e.g. 2G.") var memory: String?
    @Option(help: "Generic resources per run (sbatch --gres), e.g. gpu:1.") var gres: String?
    @Option(
        name: .customLong("max-running"), help: "At most this many runs of one array at once (--array=…%N).")
    var maxRunning: Int?
    @Option(
        name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue,
        help: "An extra sbatch argument, e.g. --sbatch-arg=--constraint=avx2; repeatable.")
    var sbatchArguments: [String] = []
    @Option(
        name: .customLong("setup"),
        help: "A shell line each job runs before report (a module load); repeatable.") var setup: [String] =
            []
    @Option(name: .customLong("poll-interval"), help: "Seconds between two squeue calls (default 10).")
    var pollInterval: Double?
    @Flag(
        help:
            "Submit and return without waiting; `report status` shows the queue, a later `report build` writes the README."
    ) var detach = false
    @Flag(
        name: .customLong("dry-run"), help: "Print the sbatch commands and the batch script; submit nothing.")
    var dryRun = false

    /// The first Slurm option given, to refuse it with the local executor.
    var givenFlag: String? {
        let given: [(Bool, String)] = [
            (partition != nil, "--partition"), (account != nil, "--account"), (qos != nil, "--qos"),
            (time != nil, "--time"),
            (cpusPerTask != nil, "--cpus-per-task"), (memory != nil, "--mem"), (gres != nil, "--gres"),
            (maxRunning != nil, "--max-running"),
            (!sbatchArguments.isEmpty, "--sbatch-arg"), (!setup.isEmpty, "--setup"),
            (pollInterval != nil, "--poll-interval"),
            (detach, "--detach"), (dryRun, "--dry-run"),
        ]
        return given.first { $0.0 }?.1
    }

    func apply(to base: SlurmSettings) throws -> SlurmSettings {
        var settings = base
        if let partition { settings.partition = partition }
        if let account { settings.account = account }
        if let qos { settings.qos = qos }
        if let time { settings.time = time }
        if let cpusPerTask {
            guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1") }
            settings.cpusPerTask = cpusPerTask
        }
        if let memory { settings.memory = memory }
        if let gres { settings.gres = gres }
        if let maxRunning {
            guard maxRunning >= 1 else { throw ValidationError("--max-running must be at least 1") }
            settings.maxRunning = maxRunning
        }
        if !sbatchArguments.isEmpty { settings.sbatchArguments = sbatchArguments }
        if !setup.isEmpty { settings.setup = setup }
        if let pollInterval {
            guard pollInterval >= 0.05, pollInterval.isFinite else {
                throw ValidationError("--poll-interval must be at least 0.05 seconds")
            }
            settings.pollInterval = pollInterval
        }
        return settings
    }
}
