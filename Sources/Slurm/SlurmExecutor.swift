import Datasets
import Execution
import Foundation
import Planning
import ProjectSettings
import RunCache

/// Trains planned runs as Slurm job arrays: writes the build's plan and batch script under
/// `<runs>/.slurm/<build>/`, submits one array per group of runs that start the same way, then waits
/// with one `squeue` call per interval (plus a look at the cache) until every run is done or failed.
/// Each task runs `report worker <plan> <index>`, which trains into the shared cache as a local run does.
public final class SlurmExecutor: RunExecutor {
    public enum Mode { case wait, detach, dryRun }

    /// What `jobs.json` records of a submitted build: the Slurm job id of each plan index, filled in as
    /// the arrays are submitted. A build still in the queue blocks new submissions.
    public struct JobsRecord: Codable {
        public var build: String
        public var jobs: [String]
    }

    public let store: RunStore
    public let settings: SlurmSettings
    public let commands: SlurmCommands
    public let console: BuildObserver
    /// The `report` executable the jobs run.
    public let command: String
    public let projectRoot: URL
    public let dataDirectory: String?
    /// The project's declared datasets, for the workers.
    public var datasets: [DatasetDeclaration] = []
    /// The document the workers read their runs from (as the plan names it), and its text.
    public let document: String
    public let source: String
    public let mode: Mode
    /// Names the build's directory and jobs (`report-<build>`).
    public var build = SlurmSubmission.newBuildID()
    /// Where `--dry-run` prints.
    public var output: (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }

    public init(
        store: RunStore, settings: SlurmSettings, commands: SlurmCommands, console: BuildObserver,
        command: String, projectRoot: URL, dataDirectory: String?, document: String, source: String,
        mode: Mode
    ) {
        self.document = document
        self.source = source
        self.mode = mode
        self.store = store
        self.settings = settings
        self.commands = commands
        self.console = console
        self.command = command
        self.projectRoot = projectRoot
        self.dataDirectory = dataDirectory
    }

    public static func buildsDirectory(_ store: RunStore) -> URL {
        store.root.appendingPathComponent(".slurm", isDirectory: true)
    }

    public var isDryRun: Bool { mode == .dryRun }
    public var submission: String? { build }

    /// Submits the runs; with `.wait`, waits until every one is done or failed. `cached` is not needed:
    /// a task's `init` dependency is on the job of a run this build submits, or on nothing.
    public func execute(_ runs: [PlannedRun], cached: Set<String> = [], forced rerun: Set<String> = []) throws
        -> [String: RunOutcome]
    {
        if runs.isEmpty {
            if mode == .dryRun { console.note("nothing to submit: every run is cached") }
            return [:]
        }
        let submission = SlurmSubmission(
            settings: settings, build: build,
            directory: Self.buildsDirectory(store).appendingPathComponent(build))
        let tasks = SlurmPlanFile.tasks(for: runs, rerun: rerun)
        let plan = SlurmPlanFile(
            build: build, document: document, source: source, projectRoot: projectRoot.path,
            runs: store.root.path,
            dataDirectory: dataDirectory.map {
                $0.hasPrefix("/") ? $0 : projectRoot.appendingPathComponent($0).path
            },
            threads: settings.cpusPerTask, tasks: tasks, datasets: datasets.isEmpty ? nil : datasets)
        let arrays = SlurmSubmission.arrays(tasks)
        let script = submission.script(command: command, projectRoot: projectRoot)
        let submitted = Dictionary(tasks.map { ($0.key, RunOutcome.submitted(build: build)) }) { a, _ in a }

        if mode == .dryRun {
            output(
                "# plan \(submission.planURL.path): \(tasks.count) run\(tasks.count == 1 ? "" : "s") (not written: --dry-run)"
            )
            output("# batch script \(submission.scriptURL.path):")
            output(
                script.split(separator: "\n", omittingEmptySubsequences: false).map { "#   " + $0 }.joined(
                    separator: "\n"))
            for (number, array) in arrays.enumerated() {
                let names = array.indices.map { tasks[$0].runIDs[0] }.joined(separator: ", ")
                let after =
                    array.parent.map {
                        " after \(tasks[$0].runIDs[0]) (array \(arrayNumber(of: $0, in: arrays)), task \($0))"
                    } ?? ""
                output("# array \(number + 1) of \(arrays.count)\(after): \(names)")
                let parentJob = array.parent.map { "<job of array \(arrayNumber(of: $0, in: arrays))>" }
                output(
                    (["sbatch"] + submission.arguments(array, parentJob: parentJob)).map(
                        SlurmSubmission.quoted
                    ).joined(separator: " "))
            }
            return submitted
        }

        try FileManager.default.createDirectory(
            at: submission.logDirectory, withIntermediateDirectories: true)
        try plan.write(to: submission.planURL)
        try store.writer.write(script, to: submission.scriptURL)
        chmod(submission.scriptURL.path, 0o755)

        // From the first submission on, Ctrl-C cancels what this build submitted.
        let interrupt = SlurmInterrupt()
        var jobs = JobsRecord(build: build, jobs: [])
        for array in arrays {
            if interrupt.wasInterrupted {
                try? commands.cancel(Array(Set(jobs.jobs)).sorted())
                markFinished(submission.directory)
                throw SlurmError.interrupted(cancelled: jobs.jobs.count)
            }
            do {
                let id = try commands.submit(
                    submission.arguments(array, parentJob: array.parent.map { jobs.jobs[$0] }))
                jobs.jobs += Array(repeating: id, count: array.indices.count)
                try saveJobs(jobs, in: submission.directory)
            } catch {
                try? commands.cancel(Array(Set(jobs.jobs)))
                markFinished(submission.directory)
                throw error
            }
        }
        if interrupt.wasInterrupted {
            try? commands.cancel(Array(Set(jobs.jobs)).sorted())
            markFinished(submission.directory)
            throw SlurmError.interrupted(cancelled: jobs.jobs.count)
        }
        let arrayCount = arrays.count
        console.note(
            "submitted \(tasks.count) run\(tasks.count == 1 ? "" : "s") as \(arrayCount) Slurm job array\(arrayCount == 1 ? "" : "s") "
                + "named \(submission.jobName) (jobs \(Array(Set(jobs.jobs)).sorted().joined(separator: ", "))); logs in \(relative(submission.logDirectory))"
        )
        if mode == .detach {
            console.note(
                "detached: `report status` shows the runs in the queue; run `report build` again once they finish"
            )
            return submitted
        }
        let outcomes = try wait(
            tasks: tasks, jobs: jobs.jobs, submission: submission, interrupt: interrupt)
        markFinished(submission.directory)
        return outcomes
    }

    private func arrayNumber(of index: Int, in arrays: [SlurmSubmission.JobArray]) -> Int {
        (arrays.firstIndex { $0.indices.contains(index) } ?? 0) + 1
    }

    // MARK: Waiting

    private func wait(
        tasks: [SlurmPlanFile.Task], jobs: [String], submission: SlurmSubmission, interrupt: SlurmInterrupt
    ) throws -> [String: RunOutcome] {
        var tracker = SlurmTracker(tasks: tasks, jobs: jobs)
        tracker.latencyWait = settings.latencyWait
        var outcomes: [String: RunOutcome] = [:]
        var lastCounts: SlurmTracker.Counts?
        var concurrency = 1
        while !tracker.isFinished {
            if interrupt.wasInterrupted { throw cancel(jobs, tracker: tracker, submission: submission) }
            let queue: [SlurmQueueEntry]
            do {
                queue = try commands.queue(names: [submission.jobName])
            } catch {
                console.note("squeue failed (\(error)); trying again in \(settings.pollInterval.clean) s")
                queue = []
                if interrupt.sleep(settings.pollInterval) {
                    throw cancel(jobs, tracker: tracker, submission: submission)
                }
                continue
            }
            for index in tracker.update(queue, isComplete: store.isComplete) {
                let task = tasks[index]
                switch tracker.outcomes[index] {
                case .failed(let failure)?:
                    switch failure.kind {
                    case .scheduler(let state, let reason, let job):
                        outcomes[task.key] = .failed(
                            reportFailure(
                                task, state: state, reason: reason, job: job, log: submission.logURL(index)))
                        let children = Set(
                            tasks.indices.filter { tasks[$0].parent == index }.map { jobs[$0] })
                        try? commands.cancel(children.sorted())
                    case .dependency(let parentKey):
                        let parent = tasks.first { $0.key == parentKey }
                        let cause: String
                        if case .failed(let parentFailure)? = outcomes[parentKey] {
                            cause = parentFailure.message
                        } else {
                            cause = "unknown failure"
                        }
                        let message = "not trained: the run it starts from failed (\(cause))"
                        outcomes[task.key] = .failed(
                            store.recordFailure(
                                task.key, message,
                                log:
                                    "run \(task.runIDs.joined(separator: ", "))\nkey \(task.key)\ninit \(parentKey)\nerror: \(message)\n",
                                kind: failure.kind))
                        console.note(
                            "skipped \(task.runIDs[0]): the run it starts from (\(parent?.runIDs[0] ?? parentKey)) failed"
                        )
                    case .training, .cache:
                        outcomes[task.key] = .failed(failure)
                    }
                case let outcome?:
                    try? FileManager.default.removeItem(at: store.failureLog(task.key))
                    let record = try? store.record(task.key)
                    let acc = record?.metrics.final?.valAcc.map { String(format: "%.2f%%", 100 * $0) } ?? "-"
                    let time = record.map { ValueFormat.duration($0.metrics.trainSeconds) } ?? "?"
                    console.note(
                        "trained \(task.runIDs[0]): val_acc \(acc) in \(time) (Slurm job \(jobs[index])_\(index))"
                    )
                    if case .diverged = outcome {
                        outcomes[task.key] = outcome
                    } else if let divergence = record?.metrics.diverged {
                        outcomes[task.key] = .diverged(divergence)
                    } else {
                        outcomes[task.key] = .trained(final: record?.metrics.final)
                    }
                case nil:
                    break
                }
            }
            let counts = tracker.counts
            concurrency = max(concurrency, counts.running)
            if counts != lastCounts {
                let eta =
                    tracker.estimatedSeconds(concurrency: concurrency).map {
                        "; eta \(ValueFormat.duration($0))"
                    } ?? ""
                console.note(
                    "slurm \(submission.jobName): \(counts.done) done, \(counts.running) running, \(counts.queued) queued, \(counts.failed) failed\(eta)"
                )
                lastCounts = counts
            }
            if tracker.isFinished { break }
            if interrupt.sleep(settings.pollInterval) {
                throw cancel(jobs, tracker: tracker, submission: submission)
            }
        }
        return outcomes
    }

    private func cancel(_ jobs: [String], tracker: SlurmTracker, submission: SlurmSubmission) -> Error {
        let open = jobs.indices.filter { tracker.outcomes[$0] == nil }.count
        do {
            try commands.cancel(Array(Set(jobs)).sorted())
        } catch {
            console.note(
                "could not cancel the jobs (\(error)); cancel them with `scancel --name=\(submission.jobName)`"
            )
        }
        markFinished(submission.directory)
        return SlurmError.interrupted(cancelled: open)
    }

    /// Names the run, its key, Slurm's state and reason, the log and its last lines; writes the failure log
    /// that the README points to. Returns the failure for the README.
    private func reportFailure(
        _ task: SlurmPlanFile.Task, state: String, reason: String, job: String, log: URL
    ) -> RunFailure {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let tail = lines.suffix(10)
        let workerError = lines.last { $0.hasPrefix(SlurmWorker.errorPrefix) }.map {
            String($0.dropFirst(SlurmWorker.errorPrefix.count))
        }
        let slurm = "Slurm job \(job) \(state)" + (reason == "None" || reason.isEmpty ? "" : " (\(reason))")
        let message = workerError.map { "\($0) [\(slurm)]" } ?? slurm
        var file =
            "run \(task.runIDs.joined(separator: ", "))\nkey \(task.key)\nslurm job \(job): \(state) (\(reason))\nslurm log: \(log.path)\nerror: \(message)\n"
        file +=
            "--- last lines of the Slurm log ---\n"
            + (tail.isEmpty ? "(empty or missing)\n" : tail.joined(separator: "\n") + "\n")
        let failure = store.recordFailure(
            task.key, message, log: file, kind: .scheduler(state: state, reason: reason, job: job))
        var note = "failed  \(task.runIDs[0]) (key \(task.key)): \(message)\n  slurm log: \(relative(log))"
        for line in tail { note += "\n  | \(line)" }
        console.note(note)
        return failure
    }

    private func relative(_ url: URL) -> String {
        let root = projectRoot.path + "/"
        return url.path.hasPrefix(root) ? String(url.path.dropFirst(root.count)) : url.path
    }

    // MARK: Builds on record

    private func saveJobs(_ jobs: JobsRecord, in directory: URL) throws {
        try store.writer.write(
            String(decoding: try RunStore.encoder().encode(jobs), as: UTF8.self) + "\n",
            to: directory.appendingPathComponent("jobs.json"))
    }

    private func markFinished(_ directory: URL) {
        _ = FileManager.default.createFile(
            atPath: directory.appendingPathComponent("finished").path, contents: Data())
    }

    /// Submitted builds not yet marked finished (detached, or their driver was killed).
    public static func openBuilds(_ store: RunStore) -> [(directory: URL, record: JobsRecord)] {
        let root = buildsDirectory(store)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        return names.compactMap { name in
            let directory = root.appendingPathComponent(name)
            guard !FileManager.default.fileExists(atPath: directory.appendingPathComponent("finished").path),
                let data = FileManager.default.contents(
                    atPath: directory.appendingPathComponent("jobs.json").path),
                let record = try? JSONDecoder().decode(JobsRecord.self, from: data)
            else { return nil }
            return (directory, record)
        }
    }

    /// The queued and running runs of open builds, by key: `queued (Priority), job 12_3`. Builds with
    /// nothing left in the queue are marked finished on the way.
    public static func queuedRuns(store: RunStore, commands: SlurmCommands) throws -> [String: String] {
        let open = openBuilds(store)
        guard !open.isEmpty else { return [:] }
        let queue = try commands.queue(names: open.map { "report-\($0.record.build)" })
        var states: [String: String] = [:]
        for build in open {
            var active = false
            let plan = try? SlurmPlanFile.read(build.directory.appendingPathComponent("plan.json"))
            for entry in queue
            where build.record.jobs.indices.contains(entry.task) && build.record.jobs[entry.task] == entry.job
            {
                guard let task = plan?.tasks[safe: entry.task] else { continue }
                switch entry.phase {
                case .queued: states[task.key] = "queued (\(entry.reason)), job \(entry.job)_\(entry.task)"
                case .running: states[task.key] = "running on \(entry.node), job \(entry.job)_\(entry.task)"
                case .completed, .ended: continue
                }
                active = true
            }
            if !active {
                _ = FileManager.default.createFile(
                    atPath: build.directory.appendingPathComponent("finished").path, contents: Data())
            }
        }
        return states
    }
}

extension Array {
    public subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
