import Datasets
import Document
import Engine
import Foundation
import RunCache

/// How big a document may be: far above any real report, low enough that checking one takes well
/// under a second and a few megabytes.
enum PlanLimits {
    /// Runs one experiment's sweep may make (the product of its lists' lengths).
    static let sweepRuns = 1_000
    /// Runs one document may make.
    static let documentRuns = 10_000
    /// Links in a `base` chain or an `init` chain.
    public static let chain = 100
    /// Seeds one experiment may list in `seeds` (each sweep member trains once per seed, within `sweepRuns`).
    public static let seeds = 100
}

/// A checked document: its runs with their cache keys, and its figures and tables. Making a plan reads
/// no dataset and trains nothing; every error in the document is found here, in one pass.
public struct Plan {
    public let document: ParsedDocument
    public let runs: [String: RunSpec]
    /// Run ids in document order.
    public let runOrder: [String]
    public let groups: [String: ExperimentGroup]
    /// The cache key of every run id.
    public let keys: [String: String]
    public let figures: [SourceLocation: FigureSpec]
    public let tables: [SourceLocation: TableSpec]
    public let formats: [SourceLocation: ValueFormat]
    public let warnings: [Diagnostic]
    /// What each command run's key covers beyond the document, by run id (none without a fingerprinter).
    public var fingerprints: [String: CommandFingerprint] = [:]

    /// What the key of a run of a command needs beyond the document: a digest of its inputs' content, and
    /// the output of its environment command (see `CommandFingerprinter` in Execution). Nil: keys of
    /// command runs cover the document only.
    public typealias Fingerprint = (CommandSpec) -> Result<CommandFingerprint, CommandFingerprintError>

    /// Decodes (as UTF-8, or a positioned error), parses and checks a document's bytes.
    public static func make(
        bytes: [UInt8], path: String, fingerprint: Fingerprint? = nil, datasets: DatasetCatalog = .builtinOnly
    ) throws -> Plan {
        try make(
            source: try ParsedDocument.decode(bytes, path: path), path: path, fingerprint: fingerprint,
            datasets: datasets)
    }

    /// Parses and checks a document; throws `DiagnosticError` with every error found. A declared dataset
    /// an experiment names is described through `datasets` (its hash checked; read once per content).
    public static func make(
        source: String, path: String, fingerprint: Fingerprint? = nil, datasets: DatasetCatalog = .builtinOnly
    ) throws -> Plan {
        let (document, parseDiagnostics) = ParsedDocument.parse(source: source, path: path)
        var diagnostics = DiagnosticList(file: path, diagnostics: parseDiagnostics)
        var resolver = ExperimentResolver()
        resolver.datasets = datasets
        resolver.resolve(document, diagnostics: &diagnostics)
        let declared = MetricDeclarations.parse(document, diagnostics: &diagnostics)
        for id in resolver.runOrder where resolver.runs[id]?.command != nil {
            resolver.runs[id]?.metrics = declared
        }
        let lookup = RunLookup(runs: resolver.runs, groups: resolver.groups)

        var figures: [SourceLocation: FigureSpec] = [:]
        var tables: [SourceLocation: TableSpec] = [:]
        var figureIDs: [String: SourceLocation] = [:]
        var formats: [SourceLocation: ValueFormat] = [:]
        for segment in document.segments {
            switch segment {
            case .directive(let d) where d.kind == .figure:
                guard let figure = FigureSpec.parse(d, lookup: lookup, diagnostics: &diagnostics) else {
                    continue
                }
                if let first = figureIDs[figure.id] {
                    diagnostics.append(
                        Diagnostic.error(
                            "duplicate figure id '\(figure.id)'", file: path,
                            at: d["id"]?.valueLocation ?? d.location,
                            notes: [Diagnostic.note("first used here", file: path, at: first)]))
                }
                figureIDs[figure.id] = d["id"]?.valueLocation ?? d.location
                figures[d.location] = figure
            case .directive(let d) where d.kind == .table:
                tables[d.location] = TableSpec.parse(d, lookup: lookup, diagnostics: &diagnostics)
            case .expression(let e):
                ExpressionCheck(lookup: lookup, file: path).check(e, diagnostics: &diagnostics)
                if let format = e.format {
                    switch ValueFormat.parse(name: format.name, arguments: format.arguments) {
                    case .success(let f): formats[e.location] = f
                    case .failure(let error):
                        diagnostics.append(
                            Diagnostic.error(
                                error.message, file: path, at: format.location, length: format.name.count))
                    }
                }
                // Seeds: a standard deviation, or `pm`, needs a seeded value.
                let plain = e.body.reference
                if formats[e.location]?.style == .pm, plain == nil, let spec = e.format {
                    diagnostics.append(
                        Diagnostic.error(
                            "'pm' prints one seeded value as mean ± standard deviation, not '\(e.body.text)'",
                            file: path, at: spec.location, length: spec.name.count))
                }
                for reference in e.references where reference.run.id != ReportTotals.id {
                    guard
                        case .success(let unit) = lookup.singleUnit(
                            id: reference.run.id, selectors: reference.run.selectors),
                        RunValue.problem(
                            with: reference.path,
                            open: lookup.isCommand(reference.run.id, selectors: reference.run.selectors),
                            declared: lookup.metrics) == nil
                    else { continue }
                    let isPlain = plain == reference
                    diagnostics.append(
                        contentsOf: SeedChecks.problems(
                            reference, unit: unit, lookup: lookup,
                            format: isPlain ? formats[e.location] : nil,
                            formatSpec: isPlain ? e.format : nil, file: path))
                }
            default:
                continue
            }
        }
        // Commands: their inputs hashed and environments asked, each once, before any key is made.
        var fingerprints: [String: CommandFingerprint] = [:]
        if !diagnostics.hasErrors, let fingerprint {
            var reported = Set<String>()
            for id in resolver.runOrder {
                guard let command = resolver.runs[id]?.command else { continue }
                switch fingerprint(command) {
                case .success(let digest): fingerprints[id] = digest
                case .failure(let error):
                    let location =
                        (error.part == .environment ? command.environmentLocation : command.inputsLocation)
                        ?? resolver.runs[id]?.location ?? SourceLocation(line: 1, column: 1)
                    if reported.insert("\(location.line):\(location.column):\(error.message)").inserted {
                        diagnostics.append(Diagnostic.error(error.message, file: command.file, at: location))
                    }
                }
            }
        }
        if diagnostics.hasErrors {
            throw DiagnosticError(diagnostics: diagnostics.diagnostics, sources: [path: source])
        }

        var keys: [String: String] = [:]
        func key(_ id: String) -> String {
            if let known = keys[id] { return known }
            guard let run = resolver.runs[id] else { return "" }
            let made =
                run.command.map {
                    RunKey.make(
                        command: $0.template, settings: $0.settingsJSON,
                        fingerprint: fingerprints[id]?.digest ?? "not hashed",
                        initKey: run.initID.map(key))
                } ?? RunKey.make(config: run.config, initKey: run.initID.map(key))
            keys[id] = made
            return made
        }
        for id in resolver.runOrder { _ = key(id) }
        var plan = Plan(
            document: document, runs: resolver.runs, runOrder: resolver.runOrder, groups: resolver.groups,
            keys: keys,
            figures: figures, tables: tables, formats: formats,
            warnings: diagnostics.diagnostics.filter { $0.severity != .error })
        plan.fingerprints = fingerprints
        return plan
    }

    /// The distinct trainings behind the document's runs, deduplicated by key.
    public var plannedRuns: [PlannedRun] {
        var byKey: [String: PlannedRun] = [:]
        var order: [String] = []
        for id in runOrder {
            guard let run = runs[id], let key = keys[id] else { continue }
            if byKey[key] == nil {
                // Doubles: a cost estimate for scheduling, never an overflow.
                let data = run.config.data
                let trainImages = Double(min(run.config.trainSamples ?? data.trainCount, data.trainCount))
                let valImages = Double(min(run.config.valSamples ?? data.testCount, data.testCount))
                let images = trainImages * Double(run.config.epochs) + valImages
                let flops = Double((try? run.config.modelSize().flopsPerImage) ?? 1_000_000)
                byKey[key] = PlannedRun(
                    key: key, runIDs: [], config: run.config, initKey: run.initID.flatMap { keys[$0] },
                    cost: run.command == nil ? images * flops : 1e15 * Double(run.command?.epochs ?? 1))
                byKey[key]?.command = run.command
                byKey[key]?.fingerprint = fingerprints[id]
                order.append(key)
            }
            byKey[key]?.runIDs.append(id)
        }
        return order.compactMap { byKey[$0] }
    }
}
