import Datasets
import Document
import Foundation

/// Where a build reads and writes.
public struct BuildOptions {
    public var document: String = "report/answers.md"
    public var output: String?
    public var figures: String = "figures"
    public var runs: String = "data/runs"
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var rerun: [String] = []
    public var dataDirectory: String?
    public var projectRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// Where runs train: here, or as Slurm jobs (`report.yaml`'s `executor`, `--executor`).
    public var executor = ExecutorKind.local
    public var slurm = SlurmSettings()
    /// Slurm only: submit and return without waiting (`--detach`), or print the submission only (`--dry-run`).
    public var detach = false
    public var dryRun = false
    /// The Slurm commands; tests point them at fakes.
    var slurmCommands = SlurmCommands()

    public init() {}

    /// `report/answers.md` → `report/README.md`.
    public var outputPath: String { output ?? (document as NSString).deletingLastPathComponent + "/README.md" }

    func url(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
    }
}

/// What `report build` did.
public struct BuildSummary {
    /// Run ids trained by this build, and how many distinct trainings that was.
    public var trained: [String] = []
    public var trainedKeys = 0
    public var cached: [String] = []
    public var failed: [String: String] = [:]
    public var output: String = ""
    public var failureLogs: [String: String] = [:]
    /// Slurm: run ids submitted and not waited for (`--detach`), or only printed (`--dry-run`); the
    /// README is not written then. `slurmBuild` names the build's jobs (`report-<build>`).
    public var pending: [String] = []
    public var slurmBuild: String?
}

/// `report build`, `check`, `status` and `clean`.
public final class ReportBuilder {
    public let options: BuildOptions
    public let console: BuildConsole
    public let store: RunStore

    public init(options: BuildOptions, console: BuildConsole = BuildConsole()) {
        self.options = options
        self.console = console
        store = RunStore(root: options.url(options.runs))
    }

    /// Reads and checks the document.
    public func plan() throws -> Plan {
        let url = options.url(options.document)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PipelineError.unreadableDocument(options.document, "no such file")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw PipelineError.unreadableDocument(options.document, "not UTF-8 text")
        }
        return try Plan.make(source: source, path: options.document)
    }

    /// Trains what is not cached, then writes the README and its figures.
    public func build() throws -> BuildSummary {
        let plan = try self.plan()
        for warning in plan.warnings { console.note(warning.rendered(source: plan.document.source)) }
        // Leftovers of interrupted builds go, unless Slurm jobs of a detached build may be writing them.
        if SlurmExecutor.openBuilds(store).isEmpty {
            for leftover in store.temporaryEntries() { try? FileManager.default.removeItem(at: leftover) }
        }
        var summary = BuildSummary()
        let rerun = try rerunKeys(plan)
        let planned = plan.plannedRuns
        let toTrain = planned.filter { rerun.contains($0.key) || !store.isComplete($0.key) }
        for run in planned where !toTrain.contains(where: { $0.key == run.key }) {
            summary.cached += run.runIDs
            console.note("cached  \(run.runIDs.joined(separator: ", "))")
        }
        try FileManager.default.createDirectory(at: store.root, withIntermediateDirectories: true)
        if options.executor == .slurm && options.dryRun && toTrain.isEmpty {
            console.note("nothing to submit: every run is cached")
            return summary
        }
        if !toTrain.isEmpty && !(options.executor == .slurm && options.dryRun) { try refuseRunsInTheQueue(toTrain) }
        if !toTrain.isEmpty {
            let failures: [String: String]
            if options.executor == .slurm {
                if !options.dryRun {
                    // Find (or download) the datasets here, once: compute nodes often have no internet, and
                    // a missing dataset should stop the build before anything is queued.
                    let locator = DataLocator(dataDirectory: options.dataDirectory, projectRoot: options.projectRoot)
                    for name in Set(toTrain.map(\.config.dataset.rawValue)).sorted().compactMap(DatasetName.init(rawValue:)) {
                        _ = try locator.resolve(name)
                    }
                }
                let result = try slurmExecutor().execute(toTrain, document: options.document, source: plan.document.source,
                                                         mode: options.dryRun ? .dryRun : options.detach ? .detach : .wait, rerun: rerun)
                summary.slurmBuild = result.build
                if !result.pending.isEmpty {
                    summary.pending = toTrain.flatMap(\.runIDs)
                    return summary
                }
                failures = result.failures
            } else {
                let locator = DataLocator(dataDirectory: options.dataDirectory, projectRoot: options.projectRoot)
                let executor = RunExecutor(store: store, data: DatasetCache(locator: locator), jobs: options.jobs,
                                           cores: ProcessInfo.processInfo.activeProcessorCount, console: console)
                failures = executor.execute(toTrain)
            }
            for run in toTrain {
                if let failure = failures[run.key] {
                    for id in run.runIDs {
                        summary.failed[id] = failure
                        summary.failureLogs[id] = store.failureLog(run.key).path
                    }
                } else {
                    summary.trained += run.runIDs
                    summary.trainedKeys += 1
                }
            }
        }
        try writeIndex(plan)

        var records: [String: RunRecord] = [:]
        for id in plan.runOrder where summary.failed[id] == nil {
            guard let key = plan.keys[id] else { continue }
            records[id] = try store.record(key)
        }
        let outputURL = options.url(options.outputPath)
        let figuresURL = options.url(options.figures)
        let renderer = DocumentRenderer(
            plan: plan, records: records,
            failures: Dictionary(uniqueKeysWithValues: summary.failed.map { id, message in
                (id, "\(message) (log: `\(relative(summary.failureLogs[id] ?? ""))`)")
            }),
            figuresDirectory: figuresURL, figureLinkPrefix: Self.relativePath(from: outputURL.deletingLastPathComponent(), to: figuresURL))
        let (text, figures) = renderer.render()
        try FileManager.default.createDirectory(at: figuresURL, withIntermediateDirectories: true)
        for (url, svg) in figures { try Self.writeIfChanged(svg, to: url) }
        try FileManager.default.createDirectory(at: outputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.writeIfChanged(text, to: outputURL)
        summary.output = options.outputPath
        return summary
    }

    /// Refuses to train runs that Slurm jobs of an earlier (detached, or killed) build still have queued
    /// or running, so that nothing trains twice. Without Slurm commands here, a local build goes ahead.
    func refuseRunsInTheQueue(_ runs: [PlannedRun]) throws {
        let open = SlurmExecutor.openBuilds(store)
        guard !open.isEmpty else { return }
        let states: [String: String]
        do {
            states = try SlurmExecutor.queuedRuns(store: store, commands: options.slurmCommands)
        } catch {
            if options.executor == .slurm { throw error }
            return
        }
        let busy = runs.compactMap { run in states[run.key].map { "\(run.runIDs[0]) (\($0))" } }
        guard !busy.isEmpty else { return }
        throw SlurmError.runsInQueue(busy, builds: SlurmExecutor.openBuilds(store).map(\.record.build))
    }

    func slurmExecutor() -> SlurmExecutor {
        SlurmExecutor(store: store, settings: options.slurm, commands: options.slurmCommands, console: console,
                      command: options.slurm.command ?? Bundle.main.executablePath ?? CommandLine.arguments[0],
                      projectRoot: options.projectRoot, dataDirectory: options.dataDirectory)
    }

    func rerunKeys(_ plan: Plan) throws -> Set<String> {
        var keys = Set<String>()
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        for text in options.rerun {
            guard let reference = RunLookup.parse(text), case .success(let ids) = lookup.runs(id: reference.id, selectors: reference.selectors) else {
                throw PipelineError.unknownRun(text, plan.runOrder)
            }
            for id in ids { if let key = plan.keys[id] { keys.insert(key) } }
        }
        return keys
    }

    func relative(_ path: String) -> String {
        let root = options.projectRoot.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// `from` and `to` are directories; the result ends with "/" unless empty.
    static func relativePath(from: URL, to: URL) -> String {
        let a = from.standardizedFileURL.pathComponents, b = to.standardizedFileURL.pathComponents
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: a.count - common) + b[common...]
        return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
    }

    /// Writes only when the contents differ, so an unchanged build touches nothing.
    static func writeIfChanged(_ text: String, to url: URL) throws {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: url.path) == data { return }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try data.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: temporary, to: url)
    }
}
