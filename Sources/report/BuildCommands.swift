import ArgumentParser
import Console
import Document
import Engine
import Foundation
import Pipeline

/// Options every document command shares.
struct DocumentOptions: ParsableArguments {
    @Argument(help: "The answers document.") var document: String = "report/answers.md"
    @Option(name: .customLong("runs"), help: "Where finished runs are cached.") var runs: String = "data/runs"
    @Option(name: .customLong("data-dir"), help: "Directory holding mnist/ and fashion-mnist/ (else REPORT_DATA_DIR, else data/).")
    var dataDirectory: String?

    var buildOptions: BuildOptions {
        var options = BuildOptions()
        options.document = document
        options.runs = runs
        options.dataDirectory = dataDirectory
        return options
    }
}

/// Runs a document command: prints document errors like a compiler and exits 1; other errors reach
/// `Report.main`, which exits 2 for them.
func runDocumentCommand(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DiagnosticError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(1)
    }
}

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Train what is not cached and write the README with its figures, tables and values.")

    @OptionGroup var common: DocumentOptions
    @Option(name: .customLong("out"), help: "The output file (default: README.md beside the document).") var output: String?
    @Option(name: .customLong("figures"), help: "Where figure SVGs go.") var figures: String = "figures"
    @Option(name: .short, help: "Runs trained at once (default: one per core).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("rerun"), help: "Retrain this run (an id, a sweep id or id[key=value]); repeatable.") var rerun: [String] = []
    @Flag(help: "Say for each run whether it is cached and, if not, why; train nothing.") var explain = false
    @Option(help: "Where runs train: local (this machine) or slurm (job arrays). Default: report.yaml's executor, else local.")
    var executor: String?
    @OptionGroup(title: "Slurm (--executor slurm; each overrides report.yaml's slurm: block)") var slurm: SlurmOptions

    func run() throws {
        guard (1...Limits.threads).contains(jobs) else { throw ValidationError("-j must be from 1 to \(Limits.threads), found \(jobs)") }
        var options = common.buildOptions
        options.output = output
        options.figures = figures
        options.jobs = jobs
        options.rerun = rerun
        try runDocumentCommand {
            let settings = try ProjectSettings.load(root: options.projectRoot)
            if let executor {
                guard let kind = ExecutorKind(rawValue: executor) else {
                    throw ValidationError("unknown executor '\(executor)'; expected local or slurm")
                }
                options.executor = kind
            } else {
                options.executor = settings.executor ?? .local
            }
            options.slurm = try slurm.apply(to: settings.slurm)
            if options.executor != .slurm, let flag = slurm.givenFlag {
                throw ValidationError("\(flag) applies only with --executor slurm (or executor: slurm in report.yaml)")
            }
            options.detach = slurm.detach
            options.dryRun = slurm.dryRun
            let builder = ReportBuilder(options: options, console: BuildConsole())
            if explain {
                for row in try builder.status() {
                    let diverged = row.divergedAt.map { " (diverged at epoch \($0); --rerun \(row.id) trains it again)" } ?? ""
                    print("\(row.id)  \(row.key)  " + (row.cached ? "cached\(diverged)" : "will train: \(row.reason ?? "")"))
                }
                return
            }
            let started = Date()
            // A Slurm build catches the signals itself, to cancel its jobs (SlurmInterrupt).
            let signals = options.executor == .slurm ? nil : StopOnSignals(options.stop)
            defer { signals?.restore() }
            let summary: BuildSummary
            do {
                summary = try builder.build()
            } catch let error as PipelineError {
                guard case .interrupted = error else { throw error }
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(130)
            } catch let error as SlurmError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                if case .interrupted = error { throw ExitCode(130) }
                throw ExitCode(2)
            }
            if !summary.pending.isEmpty {
                let count = summary.pending.count
                let what = "\(count) run\(count == 1 ? "" : "s")"
                FileHandle.standardError.write(Data((options.dryRun
                    ? "dry run: \(what) would be submitted; nothing was submitted\n"
                    : "submitted \(what) as Slurm jobs report-\(summary.slurmBuild ?? "?"); run `report build` again once they finish to write \(summary.output.isEmpty ? options.outputPath : summary.output)\n").utf8))
                return
            }
            let time = Date().timeIntervalSince(started)
            let trainings = summary.trainedKeys
            FileHandle.standardError.write(Data(String(format: "wrote %@: %d training%@ (%d run%@), %d run%@ cached, %d failed, in %.1f s\n",
                summary.output, trainings, trainings == 1 ? "" : "s", summary.trained.count, summary.trained.count == 1 ? "" : "s",
                summary.cached.count, summary.cached.count == 1 ? "" : "s", summary.failed.count, time).utf8))
            if !summary.failed.isEmpty {
                for (id, message) in summary.failed.sorted(by: { $0.key < $1.key }) {
                    FileHandle.standardError.write(Data("  failed \(id): \(message)\n    log: \(summary.failureLogs[id] ?? "")\n".utf8))
                }
                throw ExitCode(1)
            }
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the document for errors without training anything.")

    @OptionGroup var common: DocumentOptions

    func run() throws {
        try runDocumentCommand {
            let plan = try ReportBuilder(options: common.buildOptions).plan()
            let distinct = Set(plan.keys.values).count
            print("\(common.document): ok, \(plan.runOrder.count) runs (\(distinct) distinct trainings)")
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "One row per run: cached or not, key, final validation accuracy, time.")

    @OptionGroup var common: DocumentOptions

    func run() throws {
        try runDocumentCommand {
            let rows = try ReportBuilder(options: common.buildOptions).status()
            let width = max(4, rows.map(\.id.count).max() ?? 0)
            print("id".padding(toLength: width, withPad: " ", startingAt: 0) + "  state      key               val_acc   train time")
            for row in rows {
                let acc = row.divergedAt.map { "diverged at epoch \($0)" } ?? row.valAcc.map { String(format: "%6.2f%%", 100 * $0) } ?? "      -"
                let time = row.trainSeconds.map { String(format: "%8.1f s", $0) } ?? "         -"
                let state = row.cached ? "cached   " : row.damage != nil ? "damaged  "
                    : row.queue.map { $0.hasPrefix("running") ? "running  " : "queued   " } ?? "to train "
                print(row.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + state + "  \(row.key)  \(acc)  \(time)" + (row.queue.map { "  slurm: \($0)" } ?? ""))
            }
            for row in rows {
                if let damage = row.damage { print("\(row.id): \(common.runs)/\(row.key) is damaged: \(damage); report build trains it again") }
            }
        }
    }
}

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Remove cached runs the document no longer refers to.")

    @OptionGroup var common: DocumentOptions
    @Flag(name: .customLong("dry-run"), help: "Only list what would be removed.") var dryRun = false

    func run() throws {
        try runDocumentCommand {
            let removed = try ReportBuilder(options: common.buildOptions).clean(dryRun: dryRun)
            for path in removed { print((dryRun ? "would remove " : "removed ") + path) }
            if removed.isEmpty { print("nothing to remove") }
        }
    }
}

/// While a build runs, SIGINT and SIGTERM ask it to stop at the next batch boundary (keeping every
/// finished epoch); a second signal stops the process at once (the kept state is already on disk).
final class StopOnSignals {
    private var sources: [DispatchSourceSignal] = []

    init(_ stop: StopSignal) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isStopped { _exit(130) }
                stop.stop()
                FileHandle.standardError.write(Data("\nstopping at the next batch (finished epochs are kept; a second Ctrl-C stops at once)\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
