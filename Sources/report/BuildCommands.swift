import ArgumentParser
import Console
import Document
import Engine
import Execution
import Foundation
import Pipeline
import ProjectSettings
import Slurm

/// Options every document command shares. Paths given here are relative to the current directory;
/// everything else is placed relative to the project root (the directory of `report.yaml`).
struct DocumentOptions: ParsableArguments {
    @Argument(
        help:
            "The document (default: report.yaml's document, else report/answers.md under the project root).",
        completion: .file(extensions: ["md"]))
    var document: String?
    @Option(
        name: .customLong("runs"),
        help:
            "Where finished runs are cached (default: report.yaml's runs, else data/runs under the project root).",
        completion: .directory)
    var runs: String?
    @Option(
        name: .customLong("data-dir"),
        help:
            "Directory holding mnist/ and fashion-mnist/ (else report.yaml's data_dir, REPORT_DATA_DIR, data/).",
        completion: .directory)
    var dataDirectory: String?

    var commandLine: Project.CommandLine {
        var given = Project.CommandLine()
        given.document = document
        given.runs = runs
        given.dataDirectory = dataDirectory
        return given
    }

    /// The project around the document (or the current directory) and the options placed in it.
    func resolve(_ adjust: (inout Project.CommandLine) -> Void = { _ in }) throws -> (Project, BuildOptions) {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let project = try Project.locate(cwd: cwd, document: document)
        var given = commandLine
        adjust(&given)
        return (project, project.options(given, cwd: cwd))
    }

    var buildOptions: BuildOptions {
        get throws { try resolve().1 }
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
    @Option(
        name: .customLong("out"),
        help: "The output file (default: README.md beside answers.md; NAME.out.md beside any other NAME.md).",
        completion: .file(extensions: ["md"]))
    var output: String?
    @Option(
        name: .customLong("figures"),
        help:
            "Where figure SVGs go (default: figures/ under the project root; figures/NAME/ for NAME.md other than answers.md).",
        completion: .directory)
    var figures: String?
    @Option(
        name: [.short, .long], help: "Runs trained at once (default: report.yaml's jobs, else one per core).")
    var jobs: Int?
    @Flag(name: [.short, .long], help: "List every cached run, not only their number.") var verbose = false
    @Flag(
        help:
            "Also write one self-contained HTML page beside the output (README.md → README.html): figures inlined, a table of contents."
    )
    var html = false
    @Option(
        name: .customLong("rerun"), help: "Retrain this run (an id, a sweep id or id[key=value]); repeatable."
    ) var rerun: [String] = []
    @Flag(help: "Say for each run whether it is cached and, if not, why; train nothing.") var explain = false
    @Option(
        help:
            "Where runs train: local (this machine) or slurm (job arrays). Default: report.yaml's executor, else local."
    )
    var executor: String?
    @OptionGroup(title: "Slurm (--executor slurm; each overrides report.yaml's slurm: block)") var slurm:
        SlurmOptions

    func run() throws {
        if let jobs, !(1...Limits.threads).contains(jobs) {
            throw ValidationError("-j must be from 1 to \(Limits.threads), found \(jobs)")
        }
        try runDocumentCommand {
            let (project, resolved) = try common.resolve { given in
                given.output = output
                given.figures = figures
                given.jobs = jobs
            }
            var options = resolved
            options.rerun = rerun
            options.html = html
            options.listCached = verbose
            if let executor {
                guard let kind = ExecutorKind(rawValue: executor) else {
                    throw ValidationError("unknown executor '\(executor)'; expected local or slurm")
                }
                options.executor = kind
            } else {
                options.executor = project.settings.executor ?? .local
            }
            options.slurm = try slurm.apply(to: project.settings.slurm)
            if options.executor != .slurm, let flag = slurm.givenFlag {
                throw ValidationError(
                    "\(flag) applies only with --executor slurm (or executor: slurm in report.yaml)")
            }
            options.detach = slurm.detach
            options.dryRun = slurm.dryRun
            let builder = ReportBuilder(options: options, console: BuildConsole())
            if explain {
                let rows = try builder.status()
                let width = rows.map(\.id.count).max() ?? 0
                for row in rows {
                    let diverged =
                        row.divergedAt.map { " (diverged at epoch \($0); --rerun \(row.id) trains it again)" }
                        ?? ""
                    print(
                        row.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(row.key)  "
                            + (row.cached ? "cached\(diverged)" : "will train: \(row.reason ?? "")"))
                }
                return
            }
            let started = Date()
            // A Slurm build catches the signals itself, to cancel its jobs (SlurmInterrupt).
            let signals = options.executor == .slurm ? nil : stopOnSignals(options.stop)
            defer { signals?.release() }
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
                FileHandle.standardError.write(
                    Data(
                        (options.dryRun
                            ? "dry run: \(what) would be submitted; nothing was submitted\n"
                            : "submitted \(what) as Slurm jobs report-\(summary.slurmBuild ?? "?"); run `report build` again once they finish to write \(summary.output.isEmpty ? options.outputPath : summary.output)\n")
                            .utf8))
                return
            }
            if options.dryRun && summary.output.isEmpty {
                FileHandle.standardError.write(Data("dry run: nothing was written\n".utf8))
                return
            }
            let time = Date().timeIntervalSince(started)
            let trainings = summary.trainedKeys
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "wrote %@: %d training%@ (%d run%@), %d run%@ cached, %d failed, in %.1f s\n",
                        summary.output, trainings, trainings == 1 ? "" : "s", summary.trained.count,
                        summary.trained.count == 1 ? "" : "s",
                        summary.cached.count, summary.cached.count == 1 ? "" : "s", summary.failed.count, time
                    ).utf8))
            if let html = summary.html { FileHandle.standardError.write(Data("wrote \(html)\n".utf8)) }
            if summary.claims.total > 0 {
                let claims = summary.claims
                var lines = ["claims: \(claims.held) of \(claims.total) hold"]
                if !claims.unchecked.isEmpty { lines[0] += ", \(claims.unchecked.count) unchecked" }
                lines += claims.uncheckedLines
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            if !summary.failed.isEmpty {
                for (id, failure) in summary.failed.sorted(by: { $0.key < $1.key }) {
                    let log = failure.log.map { "\n    log: \($0.path)" } ?? ""
                    FileHandle.standardError.write(Data("  failed \(id): \(failure.message)\(log)\n".utf8))
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
            let options = try common.buildOptions
            let builder = ReportBuilder(options: options)
            let plan = try builder.plan(environment: false)  // `check` runs no command.
            for warning in plan.warnings {
                FileHandle.standardError.write(
                    Data((warning.rendered(source: plan.document.source) + "\n").utf8))
            }
            // Claims are checked against the cached runs (nothing trains); the others are listed as unchecked.
            let claims = builder.checkClaims(plan)
            for line in claims.uncheckedLines { print(line) }
            if !claims.errors.isEmpty {
                throw DiagnosticError(
                    diagnostics: claims.errors, sources: [plan.document.path: plan.document.source])
            }
            let distinct = Set(plan.keys.values).count
            let runs = plan.runOrder.count == 1 ? "1 run" : "\(plan.runOrder.count) runs"
            let trainings = distinct == 1 ? "1 distinct training" : "\(distinct) distinct trainings"
            var claimSummary = ""
            if claims.total > 0 {
                claimSummary = "; \(claims.held) of \(claims.total) claim\(claims.total == 1 ? "" : "s") hold"
                if !claims.unchecked.isEmpty { claimSummary += ", \(claims.unchecked.count) unchecked" }
            }
            print(
                "\(options.documentDisplayPath ?? options.document): ok, \(runs) (\(trainings))\(claimSummary)"
            )
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "One row per run: cached or not, key, final validation accuracy, time.")

    @OptionGroup var common: DocumentOptions

    func run() throws {
        try runDocumentCommand {
            let options = try common.buildOptions
            let builder = ReportBuilder(options: options)
            let rows = try builder.status()
            let width = max(4, rows.map(\.id.count).max() ?? 0)
            print(
                "id".padding(toLength: width, withPad: " ", startingAt: 0)
                    + "  state      key               val_acc   train time")
            for row in rows {
                let acc =
                    row.divergedAt.map { "diverged at epoch \($0)" } ?? row.valAcc.map {
                        String(format: "%6.2f%%", 100 * $0)
                    } ?? "      -"
                let time = row.trainSeconds.map { String(format: "%8.1f s", $0) } ?? "         -"
                let state =
                    row.cached
                    ? "cached   "
                    : row.damage != nil
                        ? "damaged  "
                        : row.queue.map { $0.hasPrefix("running") ? "running  " : "queued   " } ?? "to train "
                print(
                    row.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + state + "  \(row.key)  \(acc)  \(time)" + (row.queue.map { "  slurm: \($0)" } ?? "")
                )
            }
            for row in rows {
                if let damage = row.damage {
                    print(
                        "\(row.id): \(options.runs)/\(row.key) is damaged: \(damage); report build trains it again"
                    )
                }
            }
            // report.cold_build_time: the recorded runs replayed through the local scheduler.
            switch builder.coldBuildTime(try builder.plan()) {
            case .success(let replay) where replay.trainings == 0:
                break
            case .success(let replay):
                print(
                    "cold build: \(replay.formatted) (\(replay.trainings) trainings replayed, \(replay.jobs) at once, on \(replay.machine))"
                )
                if !replay.otherThreads.isEmpty {
                    print(
                        "  the recorded times of \(replay.otherThreads.joined(separator: ", ")) come from another thread count than a cold build gives them; they are used as recorded"
                    )
                }
            case .failure(let problem):
                print("cold build: unknown (\(problem))")
            }
        }
    }
}

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Remove cached runs that no document of the project uses.",
        discussion: """
            The project's documents are report.yaml's documents:, else every *.md with directives beside \
            the document. clean lists what it will remove and asks; without a terminal it needs --yes.
            """)

    @OptionGroup var common: DocumentOptions
    @Flag(name: .customLong("dry-run"), help: "Only list what would be removed.") var dryRun = false
    @Flag(name: .customLong("yes"), help: "Remove without asking.") var yes = false

    func run() throws {
        try runDocumentCommand {
            let (project, options) = try common.resolve()
            let documents = project.documents(besides: options.document)
            var declined = false
            var noTerminal = false
            let removed = try ReportBuilder(options: options).clean(dryRun: dryRun, otherDocuments: documents)
            { paths in
                if yes { return true }
                print(
                    "keeping every run used by "
                        + ([options.document] + documents.filter { $0 != options.document }).joined(
                            separator: ", "))
                for path in paths { print("will remove " + path) }
                guard isatty(STDIN_FILENO) != 0 else {
                    FileHandle.standardError.write(
                        Data(
                            "error: not removing \(paths.count) item\(paths.count == 1 ? "" : "s") without a terminal to ask; run again with --yes\n"
                                .utf8))
                    noTerminal = true
                    declined = true
                    return false
                }
                print("remove \(paths.count == 1 ? "it" : "these \(paths.count)")? [y/N] ", terminator: "")
                fflush(nil)
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                declined = !(answer == "y" || answer == "yes")
                return !declined
            }
            if declined {
                print("nothing removed")
                throw ExitCode(noTerminal ? Report.Status.usageOrEnvironmentError : 1)
            }
            for path in removed { print((dryRun ? "would remove " : "removed ") + path) }
            if removed.isEmpty { print("nothing to remove") }
        }
    }
}

/// A local build's signal handling: the first SIGINT or SIGTERM stops it at the next batch (finished
/// epochs are kept), a second one exits at once with status 130.
func stopOnSignals(_ stop: StopSignal) -> SignalTrap {
    SignalTrap { _ in
        if stop.isStopped {
            killRunningCommands()  // A command's process group must not outlive the build.
            _exit(130)
        }
        stop.stop()
        FileHandle.standardError.write(
            Data(
                "\nstopping at the next batch (finished epochs are kept; a second Ctrl-C stops at once)\n"
                    .utf8))
    }
}
