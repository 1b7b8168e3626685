import Datasets
import Engine
import Foundation

/// Trains planned runs on `jobs` worker threads, starting the most expensive first and each run only
/// once the run it starts from (`init`) is finished. A failed run fails its dependents and nothing else.
/// Each run is claimed in the cache first (``RunCacheLock``): a run another process is training is
/// waited for and then read from the cache, never trained twice.
final class RunExecutor: @unchecked Sendable {
    let training: RunTraining
    let lock: RunCacheLock
    let jobs: Int
    let cores: Int
    let console: BuildObserver
    let stop: StopSignal
    /// Keys retrained even when another process finishes them meanwhile (`--rerun`).
    let forced: Set<String>

    private let condition = NSCondition()
    private var pending: [PlannedRun] = []
    private var running = 0
    /// Keys whose results are in the cache (cached before the build, or finished by it).
    private var finished: Set<String>
    /// Keys another process holds, and when to ask again.
    private var waiting: [String: Date] = [:]
    private(set) var outcomes: [String: Outcome] = [:]

    enum Outcome {
        case trained
        /// Finished by another process while this build waited for it.
        case trainedElsewhere
        case diverged(Divergence)
        case interrupted(finished: Int, of: Int)
        case notStarted
        case failed(String)
    }

    init(
        training: RunTraining, lock: RunCacheLock, jobs: Int, cores: Int, console: BuildObserver,
        stop: StopSignal, available: Set<String>, forced: Set<String>
    ) {
        self.training = training
        self.lock = lock
        self.jobs = max(1, jobs)
        self.cores = max(1, cores)
        self.console = console
        self.stop = stop
        self.forced = forced
        finished = available
    }

    /// Trains every run; returns the outcome of each key.
    func execute(_ runs: [PlannedRun]) -> [String: Outcome] {
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
                outcomes[run.key] = .failed(message)
                training.writeFailureLog(
                    run.key,
                    "run \(run.runIDs.joined(separator: ", "))\nkey \(run.key)\ninit \(initKey)\nerror: \(message)\n"
                )
                console.failed(run.runIDs[0], message)
                condition.broadcast()
                continue
            }
            running += 1
            // Two single-threaded runs beat one two-threaded run here (see README), so a run gets all
            // cores only when nothing else can run beside it (runs waiting for an `init` can't).
            let competitors = running + pending.filter { ready($0) }.count
            let threads = max(1, cores / max(1, min(jobs, competitors)))
            let alreadyWaiting = waiting[run.key] != nil
            condition.unlock()
            let outcome = claimAndTrain(run, threads: threads, alreadyWaiting: alreadyWaiting)
            condition.lock()
            running -= 1
            if let outcome {
                outcomes[run.key] = outcome
                switch outcome {
                case .trained, .trainedElsewhere, .diverged: finished.insert(run.key)
                default: break
                }
            } else {
                waiting[run.key] = Date().addingTimeInterval(1)
                pending.append(run)
            }
            condition.broadcast()
        }
        condition.unlock()
    }

    private func ready(_ run: PlannedRun) -> Bool {
        guard let initKey = run.initKey else { return true }
        return finished.contains(initKey) || outcomes[initKey] != nil
    }

    /// Why a run cannot start from `initKey`'s results, or nil when it can.
    private func startProblem(_ initKey: String) -> String? {
        switch outcomes[initKey] {
        case .failed(let message)?: return "failed (\(message))"
        case .diverged(let d)?: return "diverged at epoch \(d.epoch)"
        case .interrupted?, .notStarted?: return "did not finish"
        default: return nil
        }
    }

    /// Claims and trains one run; nil when another process holds it (ask again later).
    private func claimAndTrain(_ run: PlannedRun, threads: Int, alreadyWaiting: Bool) -> Outcome? {
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
            return .failed("\(error)")
        }
        defer { lock.release(claim) }
        if !forced.contains(run.key), training.store.isComplete(run.key) {
            console.note("cached   \(run.runIDs.joined(separator: ", ")) (trained by another build)")
            return .trainedElsewhere
        }
        console.started(name)
        var lastBeat = Date()
        let outcome = training.train(
            run, threads: threads, shouldStop: { [stop] in stop.isStopped },
            onEvent: { [self] event in
                console.event(name, event)
                if Date().timeIntervalSince(lastBeat) > RunCacheLock.heartbeatInterval {
                    lock.heartbeat(claim)
                    lastBeat = Date()
                }
            })
        switch outcome {
        case .trained(let metrics):
            console.finished(name, metrics.final)
            return .trained
        case .diverged(let d):
            console.ended(
                name, "diverged",
                "at epoch \(d.epoch) (loss \(d.loss)); kept as a result, --rerun \(name) trains it again")
            return .diverged(d)
        case .interrupted(let done, let total):
            console.ended(
                name, "stopped ", "after \(done) of \(total) epochs; the next build resumes from there")
            return .interrupted(finished: done, of: total)
        case .failed(let message):
            console.failed(name, message)
            return .failed(message)
        }
    }
}

/// The machine a run was trained on, as the report states it.
enum Machine {
    static var description: String {
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
