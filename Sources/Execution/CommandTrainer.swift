import Engine
import Files
import Foundation
import Planning
import RunCache

/// Trains a run by running the author's command (`run:`), from the project root, through `/bin/sh`
/// in a process group of its own. What the command gets, in its environment:
///
/// | variable | what it is |
/// |---|---|
/// | `REPORT_METRICS` | a file to append one JSON object per epoch to: `{"epoch": 3, "loss": 0.41, "val_acc": 0.84}` |
/// | `REPORT_RUN_DIR` | a directory for checkpoints and anything else to keep; it becomes the entry's `out/` |
/// | `REPORT_SETTINGS` | a JSON file of the run's settings |
/// | `REPORT_SEED` | the `seed` setting, when the run has one |
/// | `REPORT_THREADS` | the threads it may use (also `OMP_NUM_THREADS`, `MKL_NUM_THREADS`, …) |
/// | `REPORT_INIT_DIR` | the outputs of the run it starts from (`init:`) |
/// | `REPORT_RESUME_EPOCH` | after an interruption: the last epoch kept; a script that resumes continues after it |
/// | `REPORT_RUN_ID`, `REPORT_RUN_KEY` | the run's id and cache key |
/// | `REPORT_DATA_DIR` | the build's data directory (`data_dir`, `--data-dir`), when it has one |
///
/// The epochs it reports are kept as they arrive (`.progress/<key>/`), so Ctrl-C, a timeout or a killed
/// build loses none of them. A non-finite metric ends the run as diverged (a result, as for the engine);
/// a failure keeps the command's output in `failed/<key>.log` and quotes its last lines.
public struct CommandTrainer: RunTrainer {
    public let store: RunStore
    /// Where commands run and inputs are read from.
    public let projectRoot: URL
    public let machine: String
    /// The most a run's outputs and its log may hold together.
    public var outputLimit: Int64 = CommandTrainer.defaultOutputLimit
    /// The build's data directory (`data_dir`, `--data-dir`), handed over as `REPORT_DATA_DIR`.
    public var dataDirectory: String?
    /// Seconds between SIGTERM and SIGKILL when a command is stopped.
    public var gracePeriod: Double = 10

    public static let defaultOutputLimit: Int64 = 512 << 20

    public init(store: RunStore, projectRoot: URL, machine: String = Machine.description) {
        self.store = store
        self.projectRoot = projectRoot
        self.machine = machine
    }

    public func train(_ run: PlannedRun, _ context: TrainingContext) -> RunOutcome {
        // swift-format-ignore: NeverForceUnwrap
        let command = run.command!  // Only runs with a command come here (see `RunTrainers`).
        let name = run.runIDs[0]
        let progress = store.progressDirectory(run.key)
        let outputs = progress.appendingPathComponent("out", isDirectory: true)
        let keptURL = progress.appendingPathComponent("metrics.jsonl")
        let attemptURL = progress.appendingPathComponent("attempt-metrics.jsonl")
        let logURL = progress.appendingPathComponent("output.log")
        let settingsURL = progress.appendingPathComponent("settings.json")
        let manager = FileManager.default
        var notes = "run \(run.runIDs.joined(separator: ", "))\nkey \(run.key)\n"

        do {
            try manager.createDirectory(at: outputs, withIntermediateDirectories: true)
            // A build killed with SIGKILL cannot stop its command; whatever it left still writing here goes first.
            let stopped = ChildProcess.killLeftovers(writingTo: attemptURL.path)
            if stopped > 0 {
                context.note(
                    "stopped  \(name): \(stopped) process\(stopped == 1 ? "" : "es") of a killed build still running its command"
                )
                notes += "stopped \(stopped) leftover process(es) of a killed build\n"
            }
            // What an interrupted attempt kept: the epochs the build read, then any its command wrote after
            // (a build killed with SIGKILL reads nothing more; the script's checkpoint is already past them).
            var epochs: [EpochMetrics] = []
            var seconds = 0.0
            for url in [keptURL, attemptURL] {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                // Complete lines only: one being written when the process died is not an epoch.
                for line in text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(
                    text.hasSuffix("\n") ? 0 : 1)
                {
                    guard case .success(let parsed) = MetricLine.parse(String(line)),
                        parsed.nonFinite.isEmpty,
                        parsed.epoch.epoch > (epochs.last?.epoch ?? -1)
                    else { continue }
                    epochs.append(parsed.epoch)
                }
            }
            if !epochs.isEmpty {
                try store.writer.write(epochs.map { MetricLine.text($0) }.joined(), to: keptURL)
                if let data = manager.contents(atPath: progress.appendingPathComponent("seconds").path) {
                    seconds = Double(String(decoding: data, as: UTF8.self)) ?? 0
                }
            }
            let resumeAfter = epochs.last?.epoch
            if let resumeAfter {
                context.note("resumes  \(name): after epoch \(resumeAfter), kept by an interrupted build")
                notes += "resumes after epoch \(resumeAfter)\n"
            }
            try store.writer.write(Data(), to: attemptURL)
            try store.writer.write(command.settingsJSON + "\n", to: settingsURL)
            let header = "\n==== \(ISO8601DateFormatter().string(from: Date())) \(command.commandLine)\n"
            appendLog(logURL, header)

            var environment = ProcessInfo.processInfo.environment
            environment["REPORT_METRICS"] = attemptURL.path
            environment["REPORT_RUN_DIR"] = outputs.path
            environment["REPORT_SETTINGS"] = settingsURL.path
            environment["REPORT_RUN_ID"] = name
            environment["REPORT_RUN_KEY"] = run.key
            environment["REPORT_SEED"] = command.seed.map(String.init)
            environment["REPORT_RESUME_EPOCH"] = resumeAfter.map(String.init)
            environment["REPORT_INIT_DIR"] = run.initKey.map { initDirectory($0).path }
            environment["REPORT_DATA_DIR"] = dataDirectory
            let threads = "\(max(1, context.threads))"
            for variable in [
                "REPORT_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
            ] {
                environment[variable] = threads
            }

            let started = Date()
            let process = try ChildProcess.start(
                command: command.commandLine, directory: projectRoot.path, environment: environment,
                log: logURL.path)
            context.onEvent(.started(epochs: command.epochs ?? 0, stepsPerEpoch: 0))
            var reader = LineReader(url: attemptURL)
            var firstOfAttempt = true
            var ending: Ending?
            var termination: ChildProcess.Termination?
            var stopAsked: Date?
            var lastCheck = Date.distantPast
            var restarted = false
            func take(_ line: String) throws {
                guard ending == nil else { return }
                switch MetricLine.parse(line) {
                case .failure(let problem):
                    ending = .failed(
                        "a line of $REPORT_METRICS \(problem.message): \(line.prefix(120))")
                case .success(let parsed):
                    let e = parsed.epoch
                    if firstOfAttempt, let last = epochs.last, e.epoch <= last.epoch {
                        // The script started again instead of resuming: its new epochs replace the kept ones.
                        epochs.removeAll { $0.epoch >= e.epoch }
                        restarted = true
                        context.note(
                            "warning: \(name): the command started again at epoch \(e.epoch) rather than after epoch \(last.epoch) ($REPORT_RESUME_EPOCH); the kept epochs are replaced"
                        )
                        notes += "restarted at epoch \(e.epoch) (the script does not resume)\n"
                    }
                    firstOfAttempt = false
                    if let last = epochs.last, e.epoch <= last.epoch {
                        ending = .failed(
                            "epoch \(e.epoch) comes after epoch \(last.epoch); epochs must go up")
                        return
                    }
                    if !parsed.nonFinite.isEmpty {
                        ending = .diverged(e.epoch, parsed.nonFinite)
                        return
                    }
                    epochs.append(e)
                    try store.writer.write(
                        epochs.map { MetricLine.text($0) }.joined(), to: keptURL)
                    context.onEvent(.epochEnded(e))
                }
            }
            while termination == nil {
                termination = process.poll()
                for line in reader.newLines() { try take(line) }
                if termination != nil { break }
                let now = Date()
                if ending != nil, stopAsked == nil {
                    process.signalGroup(SIGTERM)
                    stopAsked = now
                }
                if stopAsked == nil, context.shouldStop() {
                    process.signalGroup(SIGTERM)
                    stopAsked = now
                    ending = .interrupted
                }
                if stopAsked == nil, let timeout = command.timeout, now.timeIntervalSince(started) > timeout {
                    process.signalGroup(SIGTERM)
                    stopAsked = now
                    ending = .failed(
                        "timed out after \(RunLog.duration(timeout)) ('timeout'); \(epochs.count) epoch\(epochs.count == 1 ? "" : "s") kept, the next build resumes"
                    )
                }
                if now.timeIntervalSince(lastCheck) > 1 {
                    lastCheck = now
                    context.alive()
                    let size = Self.size(of: outputs) + Self.size(of: logURL)
                    if stopAsked == nil, size > outputLimit {
                        process.signalGroup(SIGTERM)
                        stopAsked = now
                        ending = .failed(
                            "its outputs and log grew past \(Self.bytes(outputLimit)), the limit for one run; write large files elsewhere"
                        )
                    }
                }
                if let asked = stopAsked, now.timeIntervalSince(asked) > gracePeriod {
                    process.signalGroup(SIGKILL)
                }
                usleep(100_000)
            }
            if let rest = reader.rest() { try take(rest) }
            seconds += Date().timeIntervalSince(started)
            try? store.writer.write(String(seconds), to: progress.appendingPathComponent("seconds"))
            // swift-format-ignore: NeverForceUnwrap
            let how = termination!  // The loop ends only when it is set.
            notes += "the command \(how.description) after \(RunLog.duration(seconds))\n"

            switch ending {
            case .interrupted?:
                let done = epochs.last?.epoch ?? 0
                return .interrupted(finished: done, of: max(command.epochs ?? done, done))
            case .failed(let message)?:
                return fail(
                    run, message, log: logURL, notes: notes, keepProgress: message.hasPrefix("timed out"))
            case .diverged(let epoch, let names)?:
                let divergence = Divergence(epoch: epoch, step: 0, loss: .nan)
                var metrics = Self.metrics(epochs, threads: context.threads)
                metrics.diverged = divergence
                try publish(
                    run, metrics: metrics, seconds: seconds, resumedAfter: restarted ? nil : resumeAfter,
                    log: logURL,
                    notes: notes
                        + "diverged at epoch \(epoch): \(names.joined(separator: ", ")) not finite\n",
                    outputs: outputs, context: context)
                return .diverged(divergence)
            case nil:
                break
            }
            guard how == .exited(0) else {
                return fail(
                    run, "the command \(how.description)", log: logURL, notes: notes, keepProgress: false)
            }
            guard !epochs.isEmpty else {
                return fail(
                    run,
                    "the command wrote no metrics: append one JSON line per epoch, like {\"epoch\": 1, \"loss\": 0.5}, to the file $REPORT_METRICS names",
                    log: logURL, notes: notes, keepProgress: false)
            }
            let metrics = Self.metrics(epochs, threads: context.threads)
            try publish(
                run, metrics: metrics, seconds: seconds, resumedAfter: restarted ? nil : resumeAfter,
                log: logURL,
                notes: notes, outputs: outputs, context: context)
            if let final = metrics.final { return .trained(final: final) }
            return .trained(final: EpochMetrics(epoch: 0))
        } catch {
            // Kept: a run that trained but could not be published (a link among its outputs, a full
            // disk) resumes from its epochs once that is fixed.
            return fail(run, "\(error)", log: logURL, notes: notes, keepProgress: true)
        }
    }

    private enum Ending {
        case interrupted
        case failed(String)
        case diverged(Int, [String])
    }

    /// The last epoch an interrupted attempt kept in a run's progress directory, if any.
    public static func keptEpoch(in progress: URL) -> Int? {
        guard
            let text = try? String(
                contentsOf: progress.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        else { return nil }
        return text.split(separator: "\n").compactMap { line -> Int? in
            guard case .success(let parsed) = MetricLine.parse(String(line)) else { return nil }
            return parsed.epoch.epoch
        }.last
    }

    /// Where the run it starts from keeps its outputs: a command run's `out/`, an engine run's entry.
    func initDirectory(_ key: String) -> URL {
        let out = store.directory(key).appendingPathComponent("out", isDirectory: true)
        return FileManager.default.fileExists(atPath: out.path) ? out : store.directory(key)
    }

    static func metrics(_ epochs: [EpochMetrics], threads: Int) -> RunMetrics {
        RunMetrics(epochs: epochs, threads: max(1, threads))
    }

    /// Publishes the finished entry: the record, the command's log, and its outputs as `out/`.
    private func publish(
        _ run: PlannedRun, metrics: RunMetrics, seconds: Double, resumedAfter: Int?, log: URL, notes: String,
        outputs: URL, context: TrainingContext
    ) throws {
        // swift-format-ignore: NeverForceUnwrap
        let command = run.command!
        let record = RunRecord(
            key: run.key, config: run.canonicalConfig, metrics: metrics, machine: machine,
            engineVersion: Engine.numericsVersion,
            command: CommandRecord(
                commandLine: command.commandLine, seconds: seconds, resumedAfter: resumedAfter,
                environment: run.fingerprint?.environment))
        var files: [String: Data] = [:]
        files["metrics.json"] = try RunStore.encoder().encode(record)
        files[RunIdentity.fileName] = try RunIdentity(
            key: run.key, initKey: run.initKey, config: run.canonicalConfig
        ).encoded()
        var yaml = "# run \(run.key)\(run.initKey.map { ", initialised from \($0)" } ?? "")\n"
        yaml += "run: \(command.template)\n"
        for (key, value) in command.canonicalEntries { yaml += "\(key): \(value)\n" }
        files["config.yaml"] = Data(yaml.utf8)
        files["log.txt"] = Data(notes.utf8) + Self.tail(of: log, bytes: 1 << 20)
        // Checked before anything moves: a failure leaves the outputs where the next attempt finds them.
        do {
            _ = try RunStore.regularFiles(under: outputs)
        } catch FileWriteError.refused(let path, _) {
            throw CommandRunError.unsupportedOutput(String(path.dropFirst(outputs.path.count + 1)))
        }
        let entry = try store.beginEntry(run.key)
        do {
            try store.writeEntry(entry, key: run.key, files: files, outputs: outputs)
            if context.keepExisting {
                _ = try store.commitEntryUnlessPresent(entry, key: run.key)
            } else {
                try store.commitEntry(entry, key: run.key)
            }
        } catch {
            // The outputs go back where they were before the entry is dropped.
            rename(entry.appendingPathComponent("out").path, outputs.path)
            try? FileManager.default.removeItem(at: entry)
            throw error
        }
        try? FileManager.default.removeItem(at: store.progressDirectory(run.key))
    }

    /// Records a failure with the command's output; quotes its last lines in the message.
    private func fail(_ run: PlannedRun, _ message: String, log: URL, notes: String, keepProgress: Bool)
        -> RunOutcome
    {
        let output = String(decoding: Self.tail(of: log, bytes: 64 << 10), as: UTF8.self)
        let lastLines = output.split(separator: "\n", omittingEmptySubsequences: true).suffix(5)
            .filter { !$0.hasPrefix("==== ") }
        let quoted =
            lastLines.isEmpty ? "" : "; its last output:\n    " + lastLines.joined(separator: "\n    ")
        let failure = store.recordFailure(
            run.key, message + quoted, log: notes + "error: \(message)\n\n" + output)
        if !keepProgress { try? FileManager.default.removeItem(at: store.progressDirectory(run.key)) }
        return .failed(failure)
    }

    /// The last `bytes` of a file (all of it when shorter).
    static func tail(of url: URL, bytes: Int) -> Data {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return Data() }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: end > UInt64(bytes) ? end - UInt64(bytes) : 0)
        return (try? handle.readToEnd()) ?? Data()
    }

    /// Bytes under a path (a file's size, or a folder's files together); links are not followed.
    static func size(of url: URL) -> Int64 {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return 0 }
        if info.st_mode & S_IFMT != S_IFDIR { return Int64(info.st_size) }
        var total: Int64 = 0
        if let enumerator = FileManager.default.enumerator(atPath: url.path) {
            while let relative = enumerator.nextObject() as? String {
                if lstat(url.appendingPathComponent(relative).path, &info) == 0,
                    info.st_mode & S_IFMT == S_IFREG
                {
                    total += Int64(info.st_size)
                }
            }
        }
        return total
    }

    static func bytes(_ count: Int64) -> String {
        count >= 1 << 30 ? "\(count >> 30) GiB" : "\(count >> 20) MiB"
    }

    private func appendLog(_ url: URL, _ text: String) {
        if let handle = FileHandle(forWritingAtPath: url.path) {
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data(text.utf8))
            try? handle.close()
        } else {
            FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8))
        }
    }
}

extension MetricLine {
    /// An epoch as one metrics line (what `.progress/<key>/metrics.jsonl` keeps).
    static func text(_ e: EpochMetrics) -> String {
        var parts = ["\"epoch\":\(e.epoch)"]
        for name in e.metricNames {
            if let value = e.metric(name) { parts.append("\"\(name)\":\(value)") }
        }
        return "{" + parts.joined(separator: ",") + "}\n"
    }
}

/// Reads the complete lines appended to a file since the last call.
struct LineReader {
    let url: URL
    private var offset: UInt64 = 0
    private var partial = Data()

    init(url: URL) { self.url = url }

    /// What follows the last line break, once the writer is gone.
    mutating func rest() -> String? {
        _ = newLines()
        let line = String(decoding: partial, as: UTF8.self)
        partial = Data()
        return line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : line
    }

    mutating func newLines() -> [String] {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        guard let data = try? handle.read(upToCount: 16 << 20), !data.isEmpty else { return [] }
        offset += UInt64(data.count)
        partial.append(data)
        var lines: [String] = []
        while let newline = partial.firstIndex(of: 0x0A) {
            let line = String(decoding: partial[partial.startIndex..<newline], as: UTF8.self)
            partial.removeSubrange(partial.startIndex...newline)
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        }
        return lines
    }
}
