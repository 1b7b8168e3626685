import Datasets
import Document
import Engine
import Execution
import Files
import Foundation
import Planning
import ProjectSettings
import Rendering
import RunCache
import Slurm

/// Where a build reads and writes.
public struct BuildOptions {
    public var document: String = "report/answers.md"
    public var output: String?
    public var figures: String = "figures"
    public var runs: String = "data/runs"
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var rerun: [String] = []
    /// Also write the output as one self-contained HTML page (`README.md` → `README.html`).
    public var html = false
    /// List every cached run (`--verbose`); otherwise only diverged ones are named and the summary counts them.
    public var listCached = false
    /// Whether a dataset found nowhere may be downloaded (tests turn it off).
    public var allowDownload = true
    public var dataDirectory: String?
    public var projectRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// How messages name the document (as typed, or relative to the current directory); `document` when nil.
    public var documentDisplayPath: String?
    /// Set to stop the build at the next batch boundary (SIGINT, SIGTERM).
    public var stop = StopSignal()
    /// Where runs train: here, or as Slurm jobs (`report.yaml`'s `executor`, `--executor`).
    public var executor = ExecutorKind.local
    public var slurm = SlurmSettings()
    /// Datasets the project declares (report.yaml's `datasets:`).
    public var datasets: [DatasetDeclaration] = []
    /// Slurm only: submit and return without waiting (`--detach`), or print the submission only (`--dry-run`).
    public var detach = false
    public var dryRun = false
    /// False: runs of the author's commands are not trained, nor their environment asked (`report
    /// preview` of a document outside the project: opening a file must not run the code it names).
    public var runsCommands = true
    /// The Slurm commands; tests point them at fakes.
    var slurmCommands = SlurmCommands()

    public init() {}

    /// `report/answers.md` → `report/README.md`; any other document `draft.md` → `draft.out.md`.
    public var outputPath: String { output ?? Project.defaultOutput(for: document) }

    var displayPath: String { documentDisplayPath ?? document }

    public func url(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
    }
}

/// What `report build` did.
public struct BuildSummary {
    /// Run ids trained by this build, and how many distinct trainings that was.
    public var trained: [String] = []
    public var trainedKeys = 0
    public var cached: [String] = []
    /// Why each failed run id has no result; its `log` is the failure log in the cache.
    public var failed: [String: RunFailure] = [:]
    public var output: String = ""
    /// Slurm: run ids submitted and not waited for (`--detach`), or only printed (`--dry-run`); the
    /// README is not written then. `slurmBuild` names the build's jobs (`report-<build>`).
    public var pending: [String] = []
    public var slurmBuild: String?
    /// The HTML page written (`--html`), relative to the project root.
    public var html: String?
    /// The document's claims: all held, or are unchecked because a run failed (a false one stops the build).
    public var claims = ClaimReport()
}

/// `report build`, `check`, `status` and `clean`.
public final class ReportBuilder {
    public let options: BuildOptions
    /// Where progress goes; the library itself never prints.
    public let console: BuildObserver
    public let store: RunStore
    /// Writes every file of the build; never the source document.
    public let writer: FileWriter

    public init(options: BuildOptions, console: BuildObserver = SilentBuildObserver()) {
        self.options = options
        self.console = console
        writer = FileWriter(protecting: [options.url(options.document)])
        store = RunStore(root: options.url(options.runs), writer: writer)
    }

    /// Reads and checks the document, hashing the inputs of its commands; `environment`: also runs their
    /// environment commands (not for `report check`, which runs no command).
    public func plan(environment: Bool = true) throws -> Plan {
        let url = options.url(options.document)
        // Read at most one byte past the size limit: a huge file is refused without being read.
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw PipelineError.unreadableDocument(
                options.displayPath, exists ? "permission denied" : "no such file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: ParsedDocument.maximumBytes + 1) ?? Data()
        } catch {
            throw PipelineError.unreadableDocument(options.displayPath, "cannot be read (is it a directory?)")
        }
        let fingerprinter = CommandFingerprinter(
            projectRoot: options.projectRoot, runsEnvironment: environment && options.runsCommands)
        return try Plan.make(
            bytes: [UInt8](data), path: options.displayPath, fingerprint: fingerprinter.fingerprint,
            datasets: catalog())
    }

    /// Trains what is not cached, then writes the README and its figures.
    public func build() throws -> BuildSummary {
        let plan = try self.plan()
        for warning in plan.warnings { console.note(warning.rendered(source: plan.document.source)) }
        let outputs = try checkOutputs()
        let cacheLock = try RunCacheLock.forBuild(store.root)
        defer { cacheLock.release() }
        // Leftovers of interrupted builds go, unless Slurm jobs of a detached build may be writing them.
        if SlurmExecutor.openBuilds(store).isEmpty { cacheLock.removeLeftovers(store) }
        let changed = environmentChanged(plan)
        for ids in changed.values.sorted(by: { $0[0] < $1[0] }) {
            console.note(
                "changed  \(ids.joined(separator: ", ")): the output of its environment command changed; training it again"
            )
        }
        let rerun = try rerunKeys(plan).union(changed.keys)
        var summary = BuildSummary()
        let (cached, missing) = try partition(plan, rerun: rerun, summary: &summary)
        if !options.runsCommands, let run = missing.first(where: { $0.command != nil }) {
            throw PipelineError.commandsNotRun(options.displayPath, run.runIDs[0])
        }
        try checkEnvironments(plan, toTrain: missing)
        var toTrain = missing
        planExtensions(&toTrain, forced: rerun)
        let executor = makeExecutor(plan: plan, lock: cacheLock)
        if !executor.isDryRun && !toTrain.isEmpty {
            try refuseRunsInTheQueue(toTrain)
            try findDatasets(for: toTrain)
        }
        if !toTrain.isEmpty { summary.slurmBuild = executor.submission }
        let outcomes = try executor.execute(toTrain, cached: cached, forced: rerun)
        try collect(outcomes, of: toTrain, into: &summary)
        guard !executor.isDryRun, summary.pending.isEmpty else { return summary }
        try cacheLock.exclusively { try writeIndex(plan) }
        let records = try readRecords(plan, failed: summary.failed)
        try checkMetrics(plan, records: records)
        summary.claims = try checkClaims(plan, records: records)
        try write(plan, records: records, failures: summary.failed, to: outputs, summary: &summary)
        return summary
    }

    /// Where a build writes: checked before anything trains, so that a refused output costs nothing.
    struct Outputs {
        var document: URL
        var figures: URL
        /// The HTML page beside the document (`--html`).
        var html: URL?
    }

    /// Refuses, before anything is trained or written, outputs that would replace what report must not;
    /// removes what a build killed while writing left beside them.
    func checkOutputs() throws -> Outputs {
        let output = options.url(options.outputPath)
        let figures = options.url(options.figures)
        try writer.check(output, kind: .generatedDocument)
        var info = stat()
        if stat(figures.path, &info) == 0 && info.st_mode & S_IFMT != S_IFDIR {
            throw FileWriteError.refused(figures.path, "the figures directory is not a directory")
        }
        var html: URL?
        if options.html {
            guard htmlURL(output).path != output.path else {
                throw FileWriteError.refused(
                    output.path,
                    "the output is already an .html file; --html writes the page beside a Markdown output")
            }
            try writer.check(htmlURL(output), kind: .generatedDocument)
            html = htmlURL(output)
        }
        // What a build killed while writing left beside the outputs (its process is gone).
        FileWriter.removeStrayTemporaries(in: output.deletingLastPathComponent())
        FileWriter.removeStrayTemporaries(in: figures)
        unlink(
            output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tmp").path
        )
        return Outputs(document: output, figures: figures, html: html)
    }

    /// Splits the document's trainings into those whose results the cache holds (returned as keys, and
    /// counted as cached) and those to train: missing, damaged, or named by `--rerun`.
    func partition(_ plan: Plan, rerun: Set<String>, summary: inout BuildSummary) throws
        -> (cached: Set<String>, toTrain: [PlannedRun])
    {
        var cached = Set<String>()
        var toTrain: [PlannedRun] = []
        for run in plan.plannedRuns {
            let ids = run.runIDs.joined(separator: ", ")
            switch store.entry(run.key, config: run.canonicalConfig) {
            case .valid(let record) where !rerun.contains(run.key):
                cached.insert(run.key)
                summary.cached += run.runIDs
                try store.adoptLegacyEntry(run.key)
                let diverged = record.metrics.diverged.map {
                    " (diverged at epoch \($0.epoch); --rerun \(run.runIDs[0]) trains it again)"
                }
                if options.listCached || diverged != nil { console.note("cached   \(ids)\(diverged ?? "")") }
            case .damaged(let why) where !rerun.contains(run.key):
                console.note(
                    "damaged  \(ids): \(relative(store.directory(run.key).path)): \(why); training it again")
                toTrain.append(run)
            default:
                toTrain.append(run)
            }
        }
        return (cached, toTrain)
    }

    /// Where the runs train, and with what: the one place the build's executor is chosen.
    func makeExecutor(plan: Plan, lock: RunCacheLock) -> any RunExecutor {
        switch options.executor {
        case .local:
            return LocalExecutor(
                trainer: RunTrainers(
                    engine: EngineTrainer(
                        store: store,
                        data: DatasetCache(locator: locator(), catalog: catalog(), observer: console)),
                    command: commandTrainer()),
                lock: lock, jobs: options.jobs, cores: ProcessInfo.processInfo.activeProcessorCount,
                console: console, stop: options.stop, estimate: { [self] in estimate($0) })
        case .slurm:
            return slurmExecutor(
                document: options.document, source: plan.document.source,
                mode: options.dryRun ? .dryRun : options.detach ? .detach : .wait)
        }
    }

    func commandTrainer() -> CommandTrainer {
        var trainer = CommandTrainer(store: store, projectRoot: options.projectRoot)
        trainer.dataDirectory = options.dataDirectory.map { options.url($0).standardizedFileURL.path }
        return trainer
    }

    /// The built-in datasets and the project's declared ones, cached under the project's `data/`.
    func catalog() -> DatasetCatalog {
        DatasetCatalog(
            declarations: options.datasets, cacheDirectory: options.projectRoot.appendingPathComponent("data")
        )
    }

    func locator() -> DataLocator {
        DataLocator(
            dataDirectory: options.dataDirectory, projectRoot: options.projectRoot,
            allowDownload: options.allowDownload)
    }

    /// Command runs cached under another output of their experiment's `environment` command than this
    /// build's (PyTorch upgraded, say): key → run ids. They train again.
    func environmentChanged(_ plan: Plan) -> [String: [String]] {
        var changed: [String: [String]] = [:]
        for run in plan.plannedRuns {
            guard let current = run.fingerprint?.environment,
                let record = store.entry(run.key, config: run.canonicalConfig).record,
                let command = record.command, command.environment != current
            else { continue }
            changed[run.key] = run.runIDs
        }
        return changed
    }

    /// A run to train whose environment command failed stops the build before anything trains, with the
    /// command's own message; cached runs of that experiment are used as they are (a reader of a report
    /// need not install what its runs trained with).
    func checkEnvironments(_ plan: Plan, toTrain: [PlannedRun]) throws {
        if let problem = toTrain.lazy.compactMap({ $0.fingerprint?.environmentProblem }).first {
            throw PipelineError.environmentUnavailable(problem)
        }
        var noted = Set<String>()
        for run in plan.plannedRuns {
            guard let problem = run.fingerprint?.environmentProblem, noted.insert(problem).inserted else {
                continue
            }
            var first = problem.split(separator: "\n").first.map(String.init) ?? problem
            if first.hasSuffix(":") { first.removeLast() }
            console.note("note: \(first) here; the runs of its experiments are cached and used as they are")
        }
    }

    /// Every dataset the runs to train need is found (or downloaded) and verified once, before any
    /// training or submission: a missing one is one error, the previous README stays as it was, and
    /// nothing is queued on a cluster whose nodes may have no internet.
    func findDatasets(for runs: [PlannedRun]) throws {
        let locator = locator()
        // Declared datasets were verified against their hashes when the document was planned.
        let names = Set(runs.filter { $0.command == nil }.compactMap(\.config.dataset.builtin)).sorted {
            $0.rawValue < $1.rawValue
        }
        for name in names {
            do {
                _ = try locator.resolve(name, progress: { [console] in console.download($0) })
            } catch {
                throw PipelineError.datasetUnavailable(name.rawValue, "\(error)")
            }
        }
    }

    /// Adds each run's outcome to the summary; throws when the build was stopped before every run finished.
    func collect(_ outcomes: [String: RunOutcome], of runs: [PlannedRun], into summary: inout BuildSummary)
        throws
    {
        var finished: [String] = []
        var unfinished: [String] = []
        for run in runs {
            switch outcomes[run.key] ?? .notStarted {
            case .trained, .diverged:
                summary.trained += run.runIDs
                summary.trainedKeys += 1
                finished += run.runIDs
            case .trainedElsewhere:
                summary.cached += run.runIDs
                finished += run.runIDs
            case .submitted:
                summary.pending += run.runIDs
            case .failed(let failure):
                for id in run.runIDs { summary.failed[id] = failure }
            case .interrupted(let done, let total):
                unfinished.append(
                    "\(run.runIDs.joined(separator: ", ")) (\(done) of \(total) epochs kept; resumes at epoch \(done + 1))"
                )
            case .notStarted:
                unfinished.append("\(run.runIDs.joined(separator: ", ")) (not started)")
            }
        }
        if !unfinished.isEmpty {
            throw PipelineError.interrupted(finished: finished, unfinished: unfinished)
        }
    }

    /// The cache records of every run that did not fail, by run id.
    func readRecords(_ plan: Plan, failed: [String: RunFailure]) throws -> [String: RunRecord] {
        var records: [String: RunRecord] = [:]
        for id in plan.runOrder where failed[id] == nil {
            guard let key = plan.keys[id] else { continue }
            records[id] = try store.record(key)
        }
        return records
    }

    /// Checks the document's claims against the runs. A false claim stops the build before anything is
    /// written: no README states it.
    func checkClaims(_ plan: Plan, records: [String: RunRecord]) throws -> ClaimReport {
        let claims = ClaimCheck.run(
            plan: plan, source: ValueSource(plan: plan, records: records, absence: "failed"))
        if !claims.errors.isEmpty {
            throw DiagnosticError(
                diagnostics: claims.errors, sources: [plan.document.path: plan.document.source])
        }
        if plan.document.expressions.contains(where: {
            $0.references.contains { $0.run.id == ReportTotals.id && $0.path == ["cold_build_time"] }
        }),
            case .success(let replay) = ColdBuildTime.estimate(plan: plan, records: records),
            !replay.otherThreads.isEmpty
        {
            console.note(
                "note: report.cold_build_time uses the recorded times of \(replay.otherThreads.joined(separator: ", ")) as they are, though they trained with another thread count than a cold build gives them"
            )
        }
        return claims
    }

    /// Renders the document and writes it, its figures and (`--html`) its page.
    func write(
        _ plan: Plan, records: [String: RunRecord], failures: [String: RunFailure], to outputs: Outputs,
        summary: inout BuildSummary
    ) throws {
        let directory = outputs.document.deletingLastPathComponent()
        let prefix = Self.relativePath(from: directory, to: outputs.figures)
        let renderer = DocumentRenderer(
            plan: plan, records: records,
            failures: failures.mapValues { failure in
                failure.message + (failure.log.map { " (log: `\(relative($0.path))`)" } ?? "")
            },
            figuresDirectory: outputs.figures, figureLinkPrefix: prefix)
        let (text, figures) = renderer.render()
        for (url, svg) in figures { try writer.write(svg, to: url) }
        try writer.write(
            generatedHeader(lineBreak: text.contains("\r\n") ? "\r\n" : "\n") + text, to: outputs.document,
            kind: .generatedDocument)
        summary.output = relative(outputs.document.path)
        if let url = outputs.html {
            var links: [String: String] = [:]
            for (url, svg) in figures { links[prefix + url.lastPathComponent] = svg }
            let page = HTMLPage.render(
                markdown: text, figures: links, title: (options.document as NSString).lastPathComponent,
                marker: generatedHeader().trimmingCharacters(in: .newlines))
            try writer.write(page, to: url, kind: .generatedDocument)
            summary.html = relative(url.path)
        }
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

    func slurmExecutor(document: String, source: String, mode: SlurmExecutor.Mode) -> SlurmExecutor {
        var executor = SlurmExecutor(
            store: store, settings: options.slurm, commands: options.slurmCommands, console: console,
            command: options.slurm.command ?? Bundle.main.executablePath ?? CommandLine.arguments[0],
            projectRoot: options.projectRoot, dataDirectory: options.dataDirectory, document: document,
            source: source, mode: mode)
        executor.datasets = options.datasets
        return executor
    }

    /// `report/README.md` → `report/README.html`.
    public func htmlURL(_ output: URL) -> URL {
        output.deletingPathExtension().appendingPathExtension("html")
    }

    /// Seconds the runs would train for, one after another, from the recorded runs of the same model
    /// and dataset in the cache (seconds per training image and forward FLOP, so that a wider variant
    /// costs more); nil when some run has no such record.
    public func estimate(_ runs: [PlannedRun]) -> Double? {
        var rates: [String: (seconds: Double, images: Double)] = [:]
        var trainCounts: [String: Int] = [:]
        for name in DatasetName.allCases { trainCounts[name.rawValue] = DatasetInfo.info(name).trainCount }
        for run in runs { trainCounts[run.config.dataset.rawValue] = run.config.data.trainCount }
        for key in store.allKeys().prefix(2_000) {
            guard let record = try? store.record(key), record.metrics.diverged == nil,
                let model = record.config["model"], let datasetName = record.config["dataset"],
                let trainCount = trainCounts[datasetName]
            else { continue }
            let count = Double(trainCount)
            // Work in image-FLOPs: a wider or narrower variant of the model scales with its FLOPs.
            let images =
                min(record.config["train_samples"].flatMap(Double.init) ?? count, count)
                * Double(record.metrics.trainedEpochs.count) * Double(max(1, record.metrics.flopsPerImage))
            guard images > 0, record.metrics.trainSeconds > 0 else { continue }
            let id = model + "|" + datasetName
            rates[id, default: (0, 0)].seconds += record.metrics.trainSeconds
            rates[id, default: (0, 0)].images += images
        }
        var total = 0.0
        for run in runs {
            guard run.command == nil else { return nil }
            let id = run.canonicalConfig["model"].map { $0 + "|" + run.config.dataset.rawValue } ?? ""
            guard let rate = rates[id], rate.images > 0 else { return nil }
            let count = run.config.data.trainCount
            let flops = Double(max(1, (try? run.config.modelSize().flopsPerImage) ?? 1))
            let epochs = run.config.epochs - (run.extends?.epochs ?? 0)
            total +=
                rate.seconds / rate.images * Double(min(run.config.trainSamples ?? count, count) * epochs)
                * flops
        }
        return total
    }

    /// The shorter run a run would continue (see ``RunExtension``): the longest one the cache holds with
    /// its final state, or that this build trains first (`planned`: the keys it trains). Nil when the
    /// run's schedule depends on its total number of epochs, or there is none.
    func extensionSource(
        of config: TrainingConfig, initKey: String?, index: RunExtension.Index, planned: Set<String>
    ) -> (source: RunExtension.Source, planned: Bool)? {
        for source in index.shorterRuns(of: config, initKey: initKey) {
            if planned.contains(source.key) { return (source, true) }
            if RunExtension.canExtend(from: source, in: store) { return (source, false) }
        }
        return nil
    }

    /// Marks the runs to train that will continue a shorter run, makes those wait for a shorter run the
    /// build trains too, and moves their cost to it: a run that others extend starts first. `--rerun`
    /// runs train from epoch 1.
    func planExtensions(_ runs: inout [PlannedRun], forced: Set<String>) {
        let planned = Set(runs.map(\.key))
        guard
            runs.contains(where: {
                $0.command == nil && RunExtension.isExtendable($0.config) && $0.config.epochs > 1
            })
        else {
            return
        }
        var known = RunExtension.Index(store: store)
        for run in runs where run.command == nil { known.add(run) }
        for index in runs.indices where runs[index].command == nil && !forced.contains(runs[index].key) {
            guard
                let found = extensionSource(
                    of: runs[index].config, initKey: runs[index].initKey, index: known, planned: planned)
            else { continue }
            runs[index].extends = found.source
            runs[index].extendsPlanned = found.planned
            runs[index].cost *=
                Double(runs[index].config.epochs - found.source.epochs) / Double(runs[index].config.epochs)
        }
        // Longest first, so that a chain 10 → 20 → 30 epochs adds up into its first run.
        let byKey = Dictionary(
            runs.indices.map { (runs[$0].key, $0) }, uniquingKeysWith: { first, _ in first })
        for index in runs.indices.sorted(by: { runs[$0].config.epochs > runs[$1].config.epochs }) {
            guard runs[index].extendsPlanned, let source = runs[index].extends, let to = byKey[source.key]
            else {
                continue
            }
            runs[to].cost += runs[index].cost
        }
    }

    func rerunKeys(_ plan: Plan) throws -> Set<String> {
        var keys = Set<String>()
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        for text in options.rerun {
            guard let reference = RunLookup.parse(text),
                case .success(let ids) = lookup.runs(id: reference.id, selectors: reference.selectors)
            else {
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
    static func relativePath(from: URL, to: URL) -> String { Project.relativePath(from: from, to: to) }

    /// The first line of the README: marks it as generated, so that a later build may replace it
    /// and nothing else.
    func generatedHeader(lineBreak: String = "\n") -> String {
        let name = (options.document as NSString).lastPathComponent
        return "\(FileWriter.generatedMarker) from \(name); edit \(name) and run `report build` -->"
            + lineBreak
    }
}
