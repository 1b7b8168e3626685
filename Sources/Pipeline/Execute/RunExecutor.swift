import Datasets
import Engine
import Foundation

/// Trains planned runs on `jobs` worker threads, starting the most expensive first and each run only
/// once the run it starts from (`init`) is finished. A failed run fails its dependents and nothing else.
final class RunExecutor: @unchecked Sendable {
    let store: RunStore
    let data: DatasetCache
    let jobs: Int
    let cores: Int
    let console: BuildConsole
    let machine: String

    private let condition = NSCondition()
    private var pending: [PlannedRun] = []
    private var running = 0
    private var finished = Set<String>()
    private(set) var failures: [String: String] = [:]
    /// Keep an entry another process published meanwhile instead of replacing it (Slurm workers).
    var keepExisting = false

    init(store: RunStore, data: DatasetCache, jobs: Int, cores: Int, console: BuildConsole) {
        self.store = store
        self.data = data
        self.jobs = max(1, jobs)
        self.cores = max(1, cores)
        self.console = console
        machine = Machine.description
    }

    /// Trains every run; returns the failure message of each failed key.
    func execute(_ runs: [PlannedRun]) -> [String: String] {
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
        return failures
    }

    private func work() {
        condition.lock()
        while !pending.isEmpty {
            guard let index = pending.firstIndex(where: { ready($0) }) else {
                condition.wait()
                continue
            }
            let run = pending.remove(at: index)
            if let initKey = run.initKey, let failure = failures[initKey] {
                let message = "not trained: the run it starts from failed (\(failure))"
                failures[run.key] = message
                writeFailureLog(run.key, "run \(run.runIDs.joined(separator: ", "))\nkey \(run.key)\ninit \(initKey)\nerror: \(message)\n")
                console.failed(run.runIDs[0], message)
                condition.broadcast()
                continue
            }
            running += 1
            // Two single-threaded runs beat one two-threaded run here (see README), so a run gets all
            // cores only when nothing else can run beside it (runs waiting for an `init` can't).
            let competitors = running + pending.filter { ready($0) }.count
            let threads = max(1, cores / max(1, min(jobs, competitors)))
            condition.unlock()
            let failure = train(run, threads: threads)
            condition.lock()
            running -= 1
            if let failure { failures[run.key] = failure } else { finished.insert(run.key) }
            condition.broadcast()
        }
        condition.unlock()
    }

    private func ready(_ run: PlannedRun) -> Bool {
        guard let initKey = run.initKey else { return true }
        return finished.contains(initKey) || failures[initKey] != nil || store.isComplete(initKey)
    }

    /// Trains one run into a temporary entry and publishes it; returns a failure message or nil.
    /// Also the whole of a Slurm worker's job (`SlurmWorker`).
    func train(_ run: PlannedRun, threads: Int) -> String? {
        let name = run.runIDs[0]
        var log = "run \(run.runIDs.joined(separator: ", "))\nkey \(run.key)\nthreads \(threads)\n"
        var temporary: URL?
        do {
            let entry = try store.beginEntry(run.key)
            temporary = entry
            let trainer = try Trainer(config: run.config, threads: threads)
            if let initKey = run.initKey {
                try Checkpoint.load(store.checkpoint(initKey), into: trainer.network)
                log += "initialised from \(initKey)\n"
            }
            let validation = try data.load(run.config.dataset, split: .test)
            let train = run.config.epochs > 0 ? try data.load(run.config.dataset, split: .train) : validation.prefix(0)
            console.started(name)
            let metrics = try trainer.run(train: train, validation: validation) { event in
                self.console.event(name, event)
                if case .epochEnded(let e) = event { log += BuildConsole.epochLine(name: name, e, epochs: run.config.epochs) + "\n" }
            }
            try Checkpoint.save(trainer.network, to: entry.appendingPathComponent("checkpoint.bin"))
            let record = RunRecord(key: run.key, config: Dictionary(uniqueKeysWithValues: run.config.canonicalEntries.map { ($0.key, $0.value) }),
                                   metrics: metrics, machine: machine, engineVersion: Engine.numericsVersion)
            try RunStore.encoder().encode(record).write(to: entry.appendingPathComponent("metrics.json"))
            var yaml = "# run \(run.key)\(run.initKey.map { ", initialised from \($0)" } ?? "")\n"
            for (key, value) in run.config.canonicalEntries { yaml += "\(key): \(value)\n" }
            try Data(yaml.utf8).write(to: entry.appendingPathComponent("config.yaml"))
            try Data(log.utf8).write(to: entry.appendingPathComponent("log.txt"))
            if !keepExisting {
                try store.commitEntry(entry, key: run.key)
            } else if try !store.commitEntryUnlessPresent(entry, key: run.key) {
                console.note("\(name): another process published this run first; kept its entry")
            }
            console.finished(name, metrics.final)
            return nil
        } catch {
            if let temporary { try? FileManager.default.removeItem(at: temporary) }
            let message = "\(error)"
            log += "error: \(message)\n"
            writeFailureLog(run.key, log)
            console.failed(name, message)
            return message
        }
    }

    /// `failed/<key>.log`, which the build summary and the README point to.
    private func writeFailureLog(_ key: String, _ log: String) {
        let logURL = store.failureLog(key)
        try? FileManager.default.createDirectory(at: logURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(log.utf8).write(to: logURL)
    }
}

/// The machine a run was trained on, as the report states it.
enum Machine {
    static var description: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "\(model), \(cores) core\(cores == 1 ? "" : "s")"
    }
}
