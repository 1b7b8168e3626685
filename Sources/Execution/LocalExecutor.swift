import Datasets
import Engine
import Foundation
import Planning
import RunCache

/// Where planned runs train: on this machine (``LocalExecutor``) or as Slurm jobs (``SlurmExecutor``).
/// What trains each run is the executor's ``RunTrainer``, so that where and how compose freely.
public protocol RunExecutor {
    /// True when nothing trains or is submitted (`--dry-run`): no dataset is needed first, no README follows.
    var isDryRun: Bool { get }
    /// What a scheduler calls this build's jobs (Slurm: `report-<build>` names them), or nil.
    var submission: String? { get }
    /// Trains (or submits) every run, each once; returns the outcome of every key. `cached`: keys whose
    /// results are in the cache already (an `init` source need not wait); `forced`: keys trained again
    /// even when another process finishes them meanwhile (`--rerun`).
    func execute(_ runs: [PlannedRun], cached: Set<String>, forced: Set<String>) throws -> [String:
        RunOutcome]
}

/// Trains planned runs on this machine, on `jobs` worker threads (see ``LocalScheduler``).
public struct LocalExecutor: RunExecutor {
    public let trainer: any RunTrainer
    public let lock: RunCacheLock
    public let jobs: Int
    public let cores: Int
    public let console: BuildObserver
    public let stop: StopSignal
    /// Seconds the runs would take one after another, for the console's first line (nil: unknown).
    public var estimate: ([PlannedRun]) -> Double? = { _ in nil }

    public init(
        trainer: any RunTrainer, lock: RunCacheLock, jobs: Int, cores: Int, console: BuildObserver,
        stop: StopSignal, estimate: @escaping ([PlannedRun]) -> Double? = { _ in nil }
    ) {
        self.trainer = trainer
        self.lock = lock
        self.jobs = jobs
        self.cores = cores
        self.console = console
        self.stop = stop
        self.estimate = estimate
    }

    public var isDryRun: Bool { false }
    public var submission: String? { nil }

    public func execute(_ runs: [PlannedRun], cached: Set<String>, forced: Set<String>) -> [String:
        RunOutcome]
    {
        guard !runs.isEmpty else { return [:] }
        console.buildStarting(trainings: runs.count, estimate: estimate(runs), jobs: min(jobs, runs.count))
        let scheduler = LocalScheduler(
            trainer: trainer, lock: lock, jobs: jobs, cores: cores, console: console, stop: stop,
            available: cached, forced: forced)
        return scheduler.execute(runs)
    }
}

/// Trains planned runs on `jobs` worker threads, starting the most expensive first and each run only
/// once the run it starts from (`init`), or the shorter run it extends, is finished. A failed run fails
/// its `init` dependents and nothing else (a run that meant to extend it trains from epoch 1). The
/// cores are shared by ``ThreadPolicy``, again each time a run starts or ends.
/// Each run is claimed in the cache first (``RunCacheLock``): a run another process is training is
/// waited for and then read from the cache, never trained twice.
final class LocalScheduler: @unchecked Sendable {
    public let trainer: any RunTrainer
    public let lock: RunCacheLock
    public let jobs: Int
    public let cores: Int
    public let console: BuildObserver
    public let stop: StopSignal
    /// Keys retrained even when another process finishes them meanwhile (`--rerun`).
    public let forced: Set<String>

    private let condition = NSCondition()
    private var pending: [PlannedRun] = []
    /// Keys whose results are in the cache (cached before the build, or finished by it).
    private var finished: Set<String>
    /// Keys another process holds, and when to ask again.
    private var waiting: [String: Date] = [:]
    private(set) var outcomes: [String: RunOutcome] = [:]
    /// The runs in progress: the thread count each should use, and the work it has left.
    private var active: [String: (target: ThreadTarget, remaining: Double)] = [:]
    /// Keys in the order they started (so that shares are given out in a fixed order).
    private var activeOrder: [String] = []

    public init(
        trainer: any RunTrainer, lock: RunCacheLock, jobs: Int, cores: Int, console: BuildObserver,
        stop: StopSignal, available: Set<String>, forced: Set<String>
    ) {
        self.trainer = trainer
        self.lock = lock
        self.jobs = max(1, jobs)
        self.cores = max(1, cores)
        self.console = console
        self.stop = stop
        self.forced = forced
        finished = available
    }

    /// Trains every run; returns the outcome of each key.
    public func execute(_ runs: [PlannedRun]) -> [String: RunOutcome] {
        pending = runs.sorted { $0.cost > $1.cost }
        let group = DispatchGroup()
        for _ in 0..<min(jobs, runs.count) {
            group.enter()
            let thread = Thread { [self] in
                work()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return outcomes
    }

    private func work() {
        condition.lock()
        while !pending.isEmpty {
            if stop.isStopped {
                for run in pending { outcomes[run.key] = .notStarted }
                pending.removeAll()
                break
            }
            let now = Date()
            guard
                let index = pending.firstIndex(where: {
                    ready($0) && (waiting[$0.key] ?? .distantPast) <= now
                })
            else {
                _ = condition.wait(until: Date().addingTimeInterval(0.5))
                continue
            }
            let run = pending.remove(at: index)
            if let initKey = run.initKey, let problem = startProblem(initKey) {
                let message = "not trained: the run it starts from \(problem)"
                outcomes[run.key] = .failed(
                    trainer.store.recordFailure(
                        run.key, message,
                        log:
                            "run \(run.runIDs.joined(separator: ", "))\nkey \(run.key)\ninit \(initKey)\nerror: \(message)\n",
                        kind: .dependency(on: initKey)))
                console.failed(run.runIDs[0], message)
                condition.broadcast()
                continue
            }
            let target = ThreadTarget(1)
            active[run.key] = (target, run.cost)
            activeOrder.append(run.key)
            rebalance()
            let alreadyWaiting = waiting[run.key] != nil
            condition.unlock()
            let outcome = claimAndTrain(run, target: target, alreadyWaiting: alreadyWaiting)
            condition.lock()
            active[run.key] = nil
            activeOrder.removeAll { $0 == run.key }
            if let outcome {
                outcomes[run.key] = outcome
                if outcome.hasResult { finished.insert(run.key) }
            } else {
                waiting[run.key] = Date().addingTimeInterval(1)
                pending.append(run)
            }
            rebalance()
            condition.broadcast()
        }
        condition.unlock()
    }

    private func ready(_ run: PlannedRun) -> Bool {
        if let source = run.extends, run.extendsPlanned,
            !(finished.contains(source.key) || outcomes[source.key] != nil)
        {
            return false
        }
        guard let initKey = run.initKey else { return true }
        return finished.contains(initKey) || outcomes[initKey] != nil
    }

    /// Sets every run in progress to its ``ThreadPolicy`` share (holding `condition`).
    private func rebalance() {
        let now = Date()
        let readyToStart = pending.filter { ready($0) && (waiting[$0.key] ?? .distantPast) <= now }.count
        let shares = ThreadPolicy.shares(
            remaining: activeOrder.map { active[$0]?.remaining ?? 0 }, readyToStart: readyToStart,
            cores: cores, jobs: jobs)
        for (key, threads) in zip(activeOrder, shares) { active[key]?.target.threads = threads }
    }

    /// Records how much work a run in progress has left: its cost (of the epochs it trains, after those of
    /// a run it extends) times the fraction of those steps to go.
    private func progressed(_ run: PlannedRun, _ event: TrainingEvent) {
        guard case .step(let epoch, let step, let stepsPerEpoch, _, _) = event, run.config.epochs > 0 else {
            return
        }
        let first = Double((run.extends?.epochs ?? 0) * stepsPerEpoch)
        let done = Double((epoch - 1) * stepsPerEpoch + step) - first
        let total = Double(run.config.epochs * stepsPerEpoch) - first
        condition.lock()
        active[run.key]?.remaining = run.cost * min(1, max(0, 1 - done / max(1, total)))
        condition.unlock()
    }

    /// Why a run cannot start from `initKey`'s results, or nil when it can.
    private func startProblem(_ initKey: String) -> String? {
        switch outcomes[initKey] {
        case .failed(let failure)?: return "failed (\(failure.message))"
        case .diverged(let d)?: return "diverged at epoch \(d.epoch)"
        case .interrupted?, .notStarted?, .submitted?: return "did not finish"
        case .trained?, .trainedElsewhere?, nil: return nil
        }
    }

    /// Claims and trains one run; nil when another process holds it (ask again later).
    private func claimAndTrain(_ run: PlannedRun, target: ThreadTarget, alreadyWaiting: Bool) -> RunOutcome? {
        let name = run.runIDs[0]
        let claim: RunCacheLock.Claim
        do {
            switch try lock.claim(run.key) {
            case .claimed(let c): claim = c
            case .busy(let holder):
                if !alreadyWaiting { console.note("waiting  \(name): \(holder.description) is training it") }
                return nil
            }
        } catch {
            console.failed(name, "\(error)")
            return .failed(RunFailure("\(error)", kind: .cache))
        }
        defer { lock.release(claim) }
        if !forced.contains(run.key), trainer.store.isComplete(run.key) {
            console.note("cached   \(run.runIDs.joined(separator: ", ")) (trained by another build)")
            return .trainedElsewhere
        }
        console.started(name)
        var lastBeat = Date()
        /// Refreshes the claim every `heartbeatInterval`, from events or (a command) the trainer's pulse.
        func beat() {
            guard Date().timeIntervalSince(lastBeat) > RunCacheLock.heartbeatInterval else { return }
            lock.heartbeat(claim)
            lastBeat = Date()
        }
        let outcome = trainer.train(
            run,
            TrainingContext(
                threads: target.threads, threadTarget: { target.threads }, extend: !forced.contains(run.key),
                shouldStop: { [stop] in stop.isStopped }, note: { [console] in console.note($0) },
                onEvent: { [self] event in
                    console.event(name, event)
                    progressed(run, event)
                    beat()
                }, alive: beat))
        switch outcome {
        case .trained(let final):
            console.finished(name, final)
        case .diverged(let d):
            console.ended(
                name, "diverged",
                "at epoch \(d.epoch) (loss \(d.loss)); kept as a result, --rerun \(name) trains it again")
        case .interrupted(let done, let total):
            console.ended(
                name, "stopped ", "after \(done) of \(total) epochs; the next build resumes from there")
        case .failed(let failure):
            console.failed(name, failure.message)
        case .trainedElsewhere, .notStarted, .submitted:
            break
        }
        return outcome
    }
}

/// The machine a run was trained on, as the report states it.
public enum Machine {
    public static var description: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map {
                $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
                    ?? ""
            } ?? "unknown CPU"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "\(model), \(cores) core\(cores == 1 ? "" : "s")"
    }
}
