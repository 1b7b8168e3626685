import Foundation
import RunCache

/// `report.cold_build_time`: how long a build of the document would take with an empty cache, on the
/// machine that trained its runs.
///
/// The model replays the local scheduler (`RunExecutor`) over the recorded durations, without training:
/// - each distinct training (one cache key) takes what it took when it trained: the training and
///   evaluation seconds of every epoch in its `metrics.json`;
/// - as many run at once as the machine in the records has cores (the default `-j`, one run per core);
/// - the runs are taken most expensive first (images × forward FLOPs, the executor's order), and a free
///   slot takes the first waiting run whose `init` run has finished.
///
/// Not counted: reading the datasets, writing the cache, and that a run's speed depends on the threads
/// it gets (each keeps the time it had when it trained). A run without a record, or runs trained on
/// different machines, make the time unknown: it is never guessed.
public enum ColdBuildTime {
    public struct Job {
        var key: String
        var initKey: String?
        var cost: Double
        var seconds: Double
        /// The threads it trained with, when known.
        var threads: Int? = nil
        /// A name for messages: its first run id.
        var name = ""
    }

    public struct Replay {
        public var seconds: Double
        public var trainings: Int
        public var slots: Int
        public var machine: String
        /// Runs whose recorded time comes from another thread count than the replay gives them (a run
        /// retrained alone with every core): the replay keeps their time, so it is that much off.
        public var otherThreads: [String] = []
    }

    public struct Problem: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The wall-clock seconds from the first start to the last finish when `slots` run at once.
    public static func replay(_ jobs: [Job], slots: Int) -> Double {
        replay(jobs, slots: slots, cores: slots).seconds
    }

    /// The replay, and the threads each job gets as the executor gives them: every core when nothing
    /// else can run beside it, else `cores / min(slots, runs that can run)`.
    public static func replay(_ jobs: [Job], slots: Int, cores: Int) -> (
        seconds: Double, threads: [String: Int]
    ) {
        let keys = Set(jobs.map(\.key))
        var pending = jobs.sorted { $0.cost > $1.cost }
        var running: [(end: Double, key: String)] = []
        var finished = Set<String>()
        var threads: [String: Int] = [:]
        var now = 0.0
        let ready = { (job: Job) in job.initKey.map { !keys.contains($0) || finished.contains($0) } ?? true }
        while !pending.isEmpty || !running.isEmpty {
            while running.count < max(1, slots), let index = pending.firstIndex(where: ready) {
                let job = pending.remove(at: index)
                running.append((now + job.seconds, job.key))
                let competitors = running.count + pending.filter(ready).count
                threads[job.key] = max(1, cores / max(1, min(slots, competitors)))
            }
            guard let next = running.map(\.end).min() else { break }
            now = next
            for job in running where job.end == next { finished.insert(job.key) }
            running.removeAll { $0.end == next }
        }
        return (now, threads)
    }

    /// The replay of the plan's distinct trainings from their records (by run id).
    public static func estimate(plan: Plan, records: [String: RunRecord]) -> Result<Replay, Problem> {
        var jobs: [Job] = []
        var machines: [String: [String]] = [:]
        for run in plan.plannedRuns {
            guard let record = run.runIDs.lazy.compactMap({ records[$0] }).first else {
                return .failure(Problem(message: "\(run.runIDs[0]) has no recorded training time"))
            }
            let seconds = record.metrics.trainSeconds + record.metrics.evalSeconds
            jobs.append(
                Job(
                    key: run.key, initKey: run.initKey, cost: run.cost, seconds: seconds,
                    threads: record.metrics.threads, name: run.runIDs[0]))
            machines[record.machine, default: []].append(run.runIDs[0])
        }
        guard machines.count <= 1 else {
            let list = machines.keys.sorted().map { "\($0) (\(machines[$0]?.first ?? "")…)" }
            return .failure(
                Problem(
                    message: "the runs were trained on different machines: \(list.joined(separator: "; "))"))
        }
        guard let machine = machines.keys.first else {
            return .success(Replay(seconds: 0, trainings: 0, slots: 1, machine: ""))
        }
        guard let cores = cores(machine) else {
            return .failure(Problem(message: "the records do not say how many cores '\(machine)' has"))
        }
        let (seconds, threads) = replay(jobs, slots: cores, cores: cores)
        let other = jobs.filter { job in job.threads.map { $0 != threads[job.key] } ?? false }.map {
            "\($0.name) (\($0.threads ?? 0) recorded, \(threads[$0.key] ?? 0) in a cold build)"
        }
        return .success(
            Replay(
                seconds: seconds, trainings: jobs.count, slots: cores, machine: machine, otherThreads: other))
    }

    /// `AMD EPYC, 2 cores` → 2 (the form `Machine.description` records).
    public static func cores(_ machine: String) -> Int? {
        guard let comma = machine.range(of: ", ", options: .backwards) else { return nil }
        let words = machine[comma.upperBound...].split(separator: " ")
        guard words.count == 2, words[1] == "cores" || words[1] == "core", let count = Int(words[0]),
            count > 0
        else { return nil }
        return count
    }
}
