import Execution
import Foundation
import ProjectSettings

/// One line of `squeue --array --format=%F|%K|%T|%r|%N`: an array task, its state and Slurm's reason.
public struct SlurmQueueEntry: Equatable {
    public var job: String
    public var task: Int
    public var state: String
    public var reason: String
    public var node: String

    public init(job: String, task: Int, state: String, reason: String = "None", node: String = "") {
        self.job = job
        self.task = task
        self.state = state
        self.reason = reason
        self.node = node
    }

    public init?(line: String) {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard fields.count >= 4, let task = Int(fields[1]) else { return nil }
        self.init(
            job: fields[0], task: task, state: fields[2], reason: fields[3],
            node: fields.count > 4 ? fields[4] : "")
    }

    public enum Phase { case queued, running, completed, ended }

    /// Slurm's job states (squeue's long names), by what they mean for a run.
    public var phase: Phase {
        switch state {
        case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SUSPENDED",
            "STOPPED", "SIGNALING":
            return .queued
        case "RUNNING", "COMPLETING", "STAGE_OUT": return .running
        case "COMPLETED": return .completed
        // FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE, PREEMPTED, …
        default: return .ended
        }
    }
}

/// Follows the tasks of one build from successive `squeue` answers and the cache directory. The cache
/// is the truth: a run whose entry exists is done whatever Slurm says. A task resolves to
/// `.trained(final: nil)` (its entry is in the cache; the executor reads it), to a failure of kind
/// `.scheduler` (Slurm's state and reason, and the job as `job_task`), or to one of kind `.dependency`
/// (the run it starts from failed).
struct SlurmTracker {

    let tasks: [SlurmPlanFile.Task]
    /// The Slurm job id of each task's array.
    public let jobs: [String]
    /// Polls a task may be missing from `squeue`, or finished without its entry appearing in the
    /// cache (a shared filesystem can lag), before it counts as failed…
    var grace = 3
    /// …and seconds, however often the build polls (`latency_wait` in `report.yaml`; Snakemake's
    /// `--latency-wait`, Nextflow's `exitReadTimeout`).
    var latencyWait: TimeInterval = SlurmSettings.defaultLatencyWait
    /// When each task was first seen missing, or finished without its result.
    private var missingSince: [Int: Date] = [:]

    private(set) var outcomes: [Int: RunOutcome] = [:]
    private(set) var phases: [Int: SlurmQueueEntry.Phase] = [:]
    private(set) var started: [Int: Date] = [:]
    private(set) var durations: [Double] = []
    private var waiting: [Int: Int] = [:]

    public init(tasks: [SlurmPlanFile.Task], jobs: [String]) {
        self.tasks = tasks
        self.jobs = jobs
    }

    var isFinished: Bool { outcomes.count == tasks.count }

    /// Marks tasks found in the cache before anything was polled (a detached build, an earlier run).
    /// Returns the tasks newly resolved by this answer, in index order.
    public mutating func update(_ queue: [SlurmQueueEntry], isComplete: (String) -> Bool, now: Date = Date())
        -> [Int]
    {
        var byTask: [String: SlurmQueueEntry] = [:]
        for entry in queue { byTask["\(entry.job)_\(entry.task)"] = entry }
        var resolved: [Int] = []
        for (index, task) in tasks.enumerated() where outcomes[index] == nil {
            let id = "\(jobs[index])_\(index)"
            // A rerun replaces an entry that exists already: it is done once its job is.
            let entry = byTask[id]
            if isComplete(task.key) && (task.rerun != true || entry == nil || entry?.phase == .completed) {
                outcomes[index] = .trained(final: nil)
                if let start = started[index] { durations.append(now.timeIntervalSince(start)) }
                resolved.append(index)
                continue
            }
            if let parent = task.parent, let outcome = outcomes[parent], !outcome.hasResult {
                outcomes[index] = .failed(
                    RunFailure(
                        "not trained: the run it starts from failed", kind: .dependency(on: tasks[parent].key)
                    ))
                resolved.append(index)
                continue
            }
            guard let entry else {
                // Listed before and gone now, or never listed: Slurm forgot it (MinJobAge) or lost it.
                waiting[index, default: 0] += 1
                let since = missingSince[index] ?? now
                missingSince[index] = since
                if waiting[index, default: 0] > grace && now.timeIntervalSince(since) >= latencyWait {
                    outcomes[index] = Self.failed(
                        state: "GONE", reason: "no longer listed by squeue and no result in the cache",
                        job: id)
                    resolved.append(index)
                }
                continue
            }
            phases[index] = entry.phase
            switch entry.phase {
            case .queued:
                waiting[index] = 0
                missingSince[index] = nil
            case .running:
                waiting[index] = 0
                missingSince[index] = nil
                if started[index] == nil { started[index] = now }
            case .completed:
                waiting[index, default: 0] += 1
                let since = missingSince[index] ?? now
                missingSince[index] = since
                if waiting[index, default: 0] > grace && now.timeIntervalSince(since) >= latencyWait {
                    outcomes[index] = Self.failed(
                        state: "COMPLETED",
                        reason:
                            "the job ended but its result is not in the cache after \(Int(latencyWait)) s; on a slow shared filesystem raise latency_wait",
                        job: id)
                    resolved.append(index)
                }
            case .ended:
                outcomes[index] = Self.failed(state: entry.state, reason: entry.reason, job: id)
                resolved.append(index)
            }
        }
        return resolved
    }

    /// A task Slurm ended without a result; the executor adds what the task's log says.
    public static func failed(state: String, reason: String, job: String) -> RunOutcome {
        .failed(
            RunFailure(
                "Slurm job \(job) \(state) (\(reason))",
                kind: .scheduler(state: state, reason: reason, job: job)))
    }

    struct Counts: Equatable {
        var done = 0, running = 0, queued = 0, failed = 0
    }

    public var counts: Counts {
        var counts = Counts()
        for index in tasks.indices {
            switch outcomes[index] {
            case let outcome? where outcome.hasResult: counts.done += 1
            case .some: counts.failed += 1
            case nil: if phases[index] == .running { counts.running += 1 } else { counts.queued += 1 }
            }
        }
        return counts
    }

    /// Seconds until every task is done, from the mean time of finished tasks and how many ran at once;
    /// nil before the first task has finished and once none is left.
    func estimatedSeconds(concurrency: Int) -> Double? {
        guard !durations.isEmpty else { return nil }
        let mean = durations.reduce(0, +) / Double(durations.count)
        let counts = self.counts
        let remaining = Double(counts.running + counts.queued)
        guard remaining > 0 else { return nil }
        return (remaining * mean / Double(max(1, concurrency))).rounded(.up)
    }
}
