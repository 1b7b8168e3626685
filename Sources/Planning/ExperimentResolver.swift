import Configuration
import Datasets
import Document
import Engine
import Suggestions
import Yams

/// Turns the experiment and defaults blocks of a document into runs: applies `defaults` blocks,
/// `base` chains, sweeps and cases (as `SettingLayer`s on a `SettingStack`), validates every key and
/// value, resolves `init` and checks for cycles. Every problem becomes a diagnostic; nothing stops
/// at the first one.
struct ExperimentResolver {
    /// A key's value and the block it was written in (for error positions).
    struct Setting {
        var entry: DirectiveEntry
        var directive: Directive
    }

    struct Declaration {
        var directive: Directive
        var id: String
        var defaults: SettingStack
    }

    private(set) var declarations: [String: Declaration] = [:]
    private(set) var order: [String] = []
    private var raw: [String: SettingStack] = [:]
    /// What each experiment block itself writes.
    private var ownLayers: [String: SettingLayer] = [:]
    private var checks = SettingChecks()
    /// Whether each experiment runs a command (`run:` in its block, its defaults or its `base` chain).
    private var commandMemo: [String: Bool] = [:]
    var seenErrors = Set<String>()
    /// The datasets experiments may name, and what each declared one turned out to be.
    public var datasets = DatasetCatalog.builtinOnly
    private var described: [DatasetID: Result<DatasetDescription, DescribeFailure>] = [:]
    /// Derived settings resolved so far (ExperimentResolver+Derived.swift).
    public var derived = DerivedSettings()

    /// Runs in document order, and the experiment blocks they came from.
    public var runs: [String: RunSpec] = [:]
    public var runOrder: [String] = []
    public var groups: [String: ExperimentGroup] = [:]

    public mutating func resolve(_ document: ParsedDocument, diagnostics: inout DiagnosticList) {
        collect(document, diagnostics: &diagnostics)
        for id in order {
            guard let directive = declarations[id]?.directive else { continue }
            let free = isCommand(id)
            for entry in directive.entries {
                _ = check(
                    entry, in: directive, free: free, allowed: DirectiveKeys.experiment,
                    diagnostics: &diagnostics)
            }
        }
        for id in order { expand(id, diagnostics: &diagnostics) }
        resolveInits(diagnostics: &diagnostics)
        diagnostics.append(contentsOf: checks.warnings())
    }

    // MARK: Blocks

    private mutating func collect(_ document: ParsedDocument, diagnostics: inout DiagnosticList) {
        var defaults = SettingStack()
        for segment in document.segments {
            guard case .directive(let directive) = segment else { continue }
            switch directive.kind {
            case .defaults:
                let free = directive["run"] != nil
                let entries = directive.entries.filter {
                    check(
                        $0, in: directive, free: free, allowed: DirectiveKeys.defaults,
                        diagnostics: &diagnostics)
                }
                defaults.apply(
                    SettingLayer.read(entries, in: directive, free: free, diagnostics: &diagnostics))
                keepOneSeedSetting(&defaults, block: directive, diagnostics: &diagnostics)
            case .experiment:
                guard let idEntry = directive["id"] else {
                    for entry in directive.entries {
                        _ = check(
                            entry, in: directive, free: directive["run"] != nil,
                            allowed: DirectiveKeys.experiment, diagnostics: &diagnostics)
                    }
                    if !directive.entries.isEmpty {
                        diagnostics.append(
                            Diagnostic.error(
                                "experiment has no 'id'; add a line like 'id: q1-mnist'",
                                file: directive.file, at: directive.location))
                    }
                    continue
                }
                guard let id = idEntry.value.scalar?.string, DirectiveKeys.isValidID(id) else {
                    diagnostics.append(
                        directive.diagnostic(
                            "experiment id must use only letters, digits, '-' and '_'", at: idEntry.value))
                    continue
                }
                if let first = declarations[id] {
                    diagnostics.append(
                        Diagnostic.error(
                            "duplicate experiment id '\(id)'", file: directive.file,
                            at: idEntry.valueLocation, length: id.count,
                            notes: [
                                Diagnostic.note(
                                    "'\(id)' first defined here", file: first.directive.file,
                                    at: first.directive["id"]?.valueLocation ?? first.directive.location)
                            ]))
                    continue
                }
                declarations[id] = Declaration(directive: directive, id: id, defaults: defaults)
                order.append(id)
            case .figure, .table, .metrics:
                continue
            }
        }
    }

    /// Whether a block's key is one it takes; reports it when not. `free`: the block runs a command, whose
    /// settings are any names a command template could use.
    private func check(
        _ entry: DirectiveEntry, in directive: Directive, free: Bool = false, allowed: [String],
        diagnostics: inout DiagnosticList
    ) -> Bool {
        if free {
            if CommandSpec.isPlaceholderName(entry.key) { return true }
            diagnostics.append(
                Diagnostic.error(
                    "'\(entry.key)' is not a setting name: use letters, digits, '_' and '-', starting with a letter",
                    file: directive.file, at: entry.keyLocation, length: entry.key.count))
            return false
        }
        guard !allowed.contains(entry.key) else { return true }
        if DirectiveKeys.command.contains(entry.key) {
            diagnostics.append(
                Diagnostic.error(
                    "'\(entry.key)' belongs to an experiment that runs a command; add 'run: <command>' or remove it",
                    file: directive.file, at: entry.keyLocation, length: entry.key.count))
            return false
        }
        let hint = didYouMean(entry.key, among: allowed)
        diagnostics.append(
            Diagnostic.error(
                "unknown key '\(entry.key)' in \(directive.displayName)\(hint)",
                file: directive.file, at: entry.keyLocation, length: entry.key.count))
        return false
    }

    // MARK: base

    /// The training keys (and `init`) of an experiment after its defaults and `base` chain.
    public mutating func settings(_ id: String, chain: [String], diagnostics: inout DiagnosticList)
        -> SettingStack
    {
        if let done = raw[id] { return done }
        guard let declaration = declarations[id] else { return SettingStack() }
        var result = declaration.defaults
        if let baseEntry = declaration.directive["base"] {
            let baseID = baseEntry.value.scalar?.string ?? ""
            if declarations[baseID] == nil {
                let hint = didYouMean(baseID, among: order)
                diagnostics.append(
                    declaration.directive.diagnostic(
                        "unknown experiment '\(baseID)' in 'base'\(hint)", at: baseEntry.value))
            } else if chain.contains(baseID) || baseID == id {
                let cycle = (chain + [id, baseID]).drop { $0 != baseID }.joined(separator: " → ")
                diagnostics.append(
                    declaration.directive.diagnostic("'base' forms a cycle: \(cycle)", at: baseEntry.value))
            } else if chain.count >= PlanLimits.chain {
                // Also keeps this recursion shallow, however long a chain a document writes.
                diagnostics.append(
                    declaration.directive.diagnostic(
                        "the 'base' chain is longer than \(PlanLimits.chain) experiments, the limit",
                        at: baseEntry.value))
            } else {
                result = settings(baseID, chain: chain + [id], diagnostics: &diagnostics)
            }
        }
        let own = SettingLayer.read(
            declaration.directive.entries, in: declaration.directive, free: isCommand(id),
            diagnostics: &diagnostics)
        result.apply(own)
        ownLayers[id] = own
        keepOneSeedSetting(&result, block: declaration.directive, diagnostics: &diagnostics)
        raw[id] = result
        return result
    }

    /// Whether experiment `id` runs a command: `run` in its block, in the defaults before it, or in its
    /// `base` chain. Followed without recursion and at most `PlanLimits.chain` links (a longer chain or a
    /// cycle is reported by ``settings(_:chain:diagnostics:)``; its experiments count as not).
    mutating func isCommand(_ id: String) -> Bool {
        if let known = commandMemo[id] { return known }
        var path: [String] = []
        var current: String? = id
        var result = false
        while let name = current, path.count <= PlanLimits.chain {
            if let known = commandMemo[name] {
                result = known
                break
            }
            guard let declaration = declarations[name], !path.contains(name) else { break }
            path.append(name)
            if declaration.directive["run"] != nil || declaration.defaults.values["run"] != nil {
                result = true
                break
            }
            current = declaration.directive["base"]?.value.scalar?.string
        }
        for name in path { commandMemo[name] = result }
        return result
    }

    // MARK: Runs

    private mutating func expand(_ id: String, diagnostics: inout DiagnosticList) {
        guard let declaration = declarations[id] else { return }
        let directive = declaration.directive
        let errorsBefore = diagnostics.errorCount
        let base = settings(id, chain: [], diagnostics: &diagnostics)
        let free = isCommand(id)
        let label = directive["label"]?.value.scalar?.string
        var echo = false
        if let entry = directive["echo"] {
            if let value = entry.value.bool {
                echo = value
            } else {
                diagnostics.append(directive.diagnostic("'echo' must be true or false", at: entry.value))
            }
        }

        var swept: [Member]?
        if let sweep = directive["sweep"] {
            swept = Member.swept(
                sweepMembers(sweep, in: directive, free: free, diagnostics: &diagnostics), in: directive,
                free: free, diagnostics: &diagnostics)
        }
        let cases = directive["cases"].map {
            Member.cases($0, in: directive, free: free, diagnostics: &diagnostics)
        }
        let members = Member.combine(
            cases: cases, sweep: swept, sweepEntry: directive["sweep"], in: directive,
            diagnostics: &diagnostics)
        Member.checkBeside(
            ownLayers[id] ?? SettingLayer(), members: members,
            sweepKeys: Set(swept?.first?.address.map(\.key) ?? []), hasCases: cases != nil,
            diagnostics: &diagnostics)
        // `seeds: [1, 2, 3]`: one run per seed of every member (ExperimentResolver+Seeds).
        let seeds = seedList(
            base.values["seeds"], experiment: id, directive: directive, members: members.count,
            diagnostics: &diagnostics)
        guard runOrder.count + members.count * max(seeds?.count ?? 1, 1) <= PlanLimits.documentRuns else {
            diagnostics.append(
                Diagnostic.error(
                    "experiment '\(id)' brings the document to more than \(PlanLimits.documentRuns.grouped) runs, the limit",
                    file: directive.file, at: directive["sweep"]?.valueLocation ?? directive.location))
            return
        }
        var ids: [String] = []
        var made: [(runID: String, config: TrainingConfig, member: Member)] = []
        var seedRuns: [String: [String]] = [:]
        for member in members {
            var settings = base
            settings.apply(member.layer)
            resolveDerivedSettings(&settings, experiment: id, free: free, diagnostics: &diagnostics)
            let runID = member.runID(experiment: id)
            var config = TrainingConfig()
            var command: CommandSpec?
            if free {
                command = makeCommand(
                    settings, experiment: id, directive: directive, member: member, seeded: seeds != nil,
                    diagnostics: &diagnostics)
            } else {
                config = makeConfig(settings, experiment: id, diagnostics: &diagnostics)
                checks.record(runID, config: config, stack: settings)
                made.append((runID, config, member))
            }
            var run = RunSpec(
                id: runID, experimentID: id, label: member.label(experiment: id, label: label),
                config: config,
                initID: settings.values["init"]?.entry.value.scalar?.string,
                swept: member.address, echo: echo, location: directive.location)
            run.caseNumber = member.caseNumber
            run.caseKeys = member.caseKeys
            run.command = command
            let seeded = seeds.map { seedRunSpecs(of: run, seeds: $0) } ?? [run]
            for seedRun in seeded {
                runs[seedRun.id] = seedRun
                runOrder.append(seedRun.id)
                ids.append(seedRun.id)
            }
            if seeds != nil { seedRuns[runID] = seeded.map(\.id) }
        }
        // Members of an experiment with errors may be incomplete; comparing them would only add noise.
        if diagnostics.errorCount == errorsBefore {
            SettingChecks.identicalMembers(
                made, experiment: id, directive: directive, diagnostics: &diagnostics)
        }
        groups[id] = ExperimentGroup(
            id: id, runIDs: ids, isSweep: members.count > 1 || members.first?.address.isEmpty == false,
            location: directive.location, seeds: seeds ?? [], seedRuns: seedRuns)
    }

    private mutating func sweepMembers(
        _ sweep: DirectiveEntry, in directive: Directive, free: Bool, diagnostics: inout DiagnosticList
    )
        -> [[(key: String, value: String, setting: Setting)]]
    {
        guard let mapping = sweep.value.mapping, !mapping.isEmpty else {
            diagnostics.append(
                directive.diagnostic(
                    "'sweep' maps keys to lists of values, like 'sweep: {lr: [0.001, 0.01, 0.1]}'",
                    at: sweep.value))
            return [[]]
        }
        // Check every swept key and its values first, then the size of the product, then expand.
        var axes: [(key: String, keyNode: Node, values: [Node])] = []
        for (keyNode, valuesNode) in mapping {
            let key = keyNode.scalar?.string ?? ""
            if free, !CommandSpec.isPlaceholderName(key) || DirectiveKeys.notSettings.contains(key) {
                diagnostics.append(
                    directive.diagnostic("cannot sweep '\(key)': not a setting of the command", at: keyNode))
                continue
            }
            guard free || SettingKey.names.contains(key) else {
                let hint = didYouMean(key, among: SettingKey.names)
                diagnostics.append(
                    directive.diagnostic("cannot sweep '\(key)': not a training key\(hint)", at: keyNode))
                continue
            }
            guard let values = valuesNode.sequence, !values.isEmpty else {
                diagnostics.append(
                    directive.diagnostic(
                        "sweep values of '\(key)' must be a non-empty list, like [0.01, 0.1]", at: valuesNode)
                )
                continue
            }
            // Two equal values would make two runs with one id.
            var seen: [String: Node] = [:]
            for value in values {
                guard let text = value.scalar?.string else { continue }
                if let first = seen[text] {
                    diagnostics.append(
                        Diagnostic.error(
                            "duplicate value '\(text)' in the sweep of '\(key)'", file: directive.file,
                            at: directive.location(of: value),
                            length: directive.locator.length(of: value),
                            notes: [
                                Diagnostic.note(
                                    "first listed here", file: directive.file,
                                    at: directive.location(of: first))
                            ]))
                } else {
                    seen[text] = value
                }
            }
            axes.append((key, keyNode, Array(values)))
        }
        var count = 1
        for axis in axes {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            count = overflow ? Int.max : product
        }
        guard count <= PlanLimits.sweepRuns else {
            let factors = axes.map { "\($0.values.count) \($0.key)" }.joined(separator: " × ")
            let total = count == Int.max ? "more than \(Int.max.grouped)" : count.grouped
            diagnostics.append(
                directive.diagnostic(
                    "the sweep makes \(factors) = \(total) runs; the limit is \(PlanLimits.sweepRuns.grouped) runs per experiment",
                    at: sweep.value))
            return [[]]
        }
        var members: [[(key: String, value: String, setting: Setting)]] = [[]]
        for axis in axes {
            var next: [[(key: String, value: String, setting: Setting)]] = []
            next.reserveCapacity(members.count * axis.values.count)
            let keyLocation = directive.location(of: axis.keyNode)
            for prefix in members {
                for (index, value) in axis.values.enumerated() {
                    let text = value.scalar?.string ?? "\(index + 1)"
                    let entry = DirectiveEntry(
                        key: axis.key, keyNode: axis.keyNode, keyLocation: keyLocation,
                        value: value, valueLocation: directive.location(of: value))
                    next.append(prefix + [(axis.key, text, Setting(entry: entry, directive: directive))])
                }
            }
            members = next
        }
        return members
    }

    private mutating func makeConfig(
        _ settings: SettingStack, experiment: String, diagnostics: inout DiagnosticList
    ) -> TrainingConfig {
        var config = TrainingConfig()
        for key in SettingKey.names {
            guard let setting = settings.effective(key) else { continue }
            do {
                try config.set(key, setting.entry.value)
            } catch let error as SettingError {
                let location =
                    error.node.map { setting.directive.location(of: $0) } ?? setting.entry.valueLocation
                let own = setting.directive["id"]?.value.scalar?.string == experiment
                report(
                    "\(own ? "experiment '\(experiment)': " : "")\(error.message)", at: location,
                    length: error.node.map { setting.directive.locator.length(of: $0) } ?? 1,
                    file: setting.directive.file, diagnostics: &diagnostics)
            } catch {
                report(
                    "\(error)", at: setting.entry.valueLocation, length: 1, file: setting.directive.file,
                    diagnostics: &diagnostics)
            }
        }
        if config.dataset.builtin == nil, let setting = settings.effective("dataset") {
            if described[config.dataset] == nil {
                described[config.dataset] = Result { try datasets.describe(config.dataset) }.mapError {
                    DescribeFailure(message: "\($0)")
                }
            }
            switch described[config.dataset] {
            case .success(let description)?:
                config.data = description
                if description.shape.tabular, !config.augment.isOff {
                    report(
                        "dataset '\(config.dataset)' is a table (\(description.shape)); 'augment' (crop, flip, erase) works on images only",
                        at: (settings.effective("augment") ?? setting).entry.valueLocation, length: 1,
                        file: setting.directive.file, diagnostics: &diagnostics)
                }
            case .failure(let failure)?:
                report(
                    failure.message, at: setting.entry.valueLocation, length: config.dataset.rawValue.count,
                    file: setting.directive.file, diagnostics: &diagnostics)
                return config
            case nil: break
            }
        }
        if let held = config.heldOutCount(of: config.data.trainCount),
            let setting = settings.effective("validation"),
            held < 1 || held >= config.data.trainCount
        {
            report(
                "'validation: \(config.validation?.clean ?? "")' holds out \(held) of the \(config.data.trainCount) training samples of '\(config.dataset)'; it must leave at least one for each of validation and training",
                at: setting.entry.valueLocation, length: 1, file: setting.directive.file,
                diagnostics: &diagnostics)
        }
        // Shapes, parameters and activation memory from arithmetic alone: no network is built.
        do { _ = try config.modelSize() } catch let error as SpecError {
            // A built-in model that does not fit a declared dataset's shape: the dataset is what to look at.
            let datasetSetting = config.dataset.builtin == nil ? settings.effective("dataset") : nil
            if let setting = settings.effective("model") ?? datasetSetting ?? settings.effective("width") {
                report(
                    "\(error.message)", at: setting.entry.valueLocation, length: 1,
                    file: setting.directive.file, diagnostics: &diagnostics)
            } else if let declaration = declarations[experiment] {
                report(
                    "\(error.message)", at: declaration.directive.location, length: 1,
                    file: declaration.directive.file, diagnostics: &diagnostics)
            }
        } catch {}
        return config
    }

    /// Adds a diagnostic once: a bad value in a `defaults` block is reported once, not per experiment.
    public mutating func report(
        _ message: String, at location: SourceLocation, length: Int, file: String,
        diagnostics: inout DiagnosticList
    ) {
        let key = "\(location.line):\(location.column):\(message)"
        guard seenErrors.insert(key).inserted else { return }
        diagnostics.append(Diagnostic.error(message, file: file, at: location, length: length))
    }

    // MARK: init

    private mutating func resolveInits(diagnostics: inout DiagnosticList) {
        let lookup = RunLookup(runs: runs, groups: groups)
        for runID in runOrder {
            guard var run = runs[runID], let text = run.initID else { continue }
            let setting = raw[run.experimentID]?.values["init"]
            func fail(_ message: String) {
                if let setting {
                    report(
                        message, at: setting.entry.valueLocation, length: text.count,
                        file: setting.directive.file, diagnostics: &diagnostics)
                }
                run.initID = nil
            }
            if let reference = RunLookup.parse(text) {
                switch lookup.single(id: reference.id, selectors: reference.selectors) {
                case .success(let target): run.initID = target
                case .failure(let error):
                    // A seed run of a seeded experiment starts from the same seed of a seeded one.
                    if let seed = run.member?.seed,
                        case .success(let target) = lookup.single(
                            id: reference.id,
                            selectors: reference.selectors + [(key: "seed", value: "\(seed)")])
                    {
                        run.initID = target
                    } else {
                        fail("'init': \(error.message)")
                    }
                }
            } else {
                fail("'init' names a run, like 'q13' or 'q3-lr[lr=0.1]'")
            }
            runs[runID] = run
        }
        // Cycles: follow init links from every run.
        // A chain longer than the limit is an error too (cache keys follow init links recursively).
        for start in runOrder {
            var path = [start]
            var seen: Set<String> = [start]
            var current = start
            while let next = runs[current]?.initID {
                let cycle = seen.contains(next)
                if cycle || path.count > PlanLimits.chain {
                    if let setting = raw[runs[start]?.experimentID ?? ""]?.values["init"] {
                        let message =
                            cycle
                            ? "'init' forms a cycle: \((path + [next]).joined(separator: " → "))"
                            : "the 'init' chain is longer than \(PlanLimits.chain) runs, the limit"
                        report(
                            message, at: setting.entry.valueLocation, length: 1, file: setting.directive.file,
                            diagnostics: &diagnostics)
                    }
                    runs[start]?.initID = nil
                    break
                }
                path.append(next)
                seen.insert(next)
                current = next
            }
        }
    }
}

/// Why a declared dataset could not be described, as the message the document's error shows.
struct DescribeFailure: Error {
    var message: String
}
