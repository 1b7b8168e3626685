import Document
import Suggestions
import Yams

/// Experiments that run the author's command (`run:`): their settings become a `CommandSpec`.
extension ExperimentResolver {
    /// The command a member of experiment `experiment` runs, with its settings; nil after an error.
    mutating func makeCommand(
        _ settings: SettingStack, experiment: String, directive: Directive, member: Member, seeded: Bool,
        diagnostics: inout DiagnosticList
    ) -> CommandSpec? {
        guard let run = settings.values["run"] else { return nil }
        func fail(_ message: String, _ setting: Setting, node: Node? = nil) {
            let node = node ?? setting.entry.value
            report(
                message, at: setting.directive.location(of: node),
                length: setting.directive.locator.length(of: node), file: setting.directive.file,
                diagnostics: &diagnostics)
        }
        guard let template = run.entry.value.scalar?.string,
            !template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            fail("'run' is the command to run, like 'run: python3 train.py --lr {lr}'", run)
            return nil
        }
        var command = CommandSpec(template: template)
        command.file = run.directive.file
        var valid = true

        if let inputs = settings.values["inputs"] {
            let nodes = inputs.entry.value.sequence.map(Array.init) ?? [inputs.entry.value]
            for node in nodes {
                guard let pattern = node.scalar?.string, !pattern.isEmpty, !pattern.contains("\n") else {
                    fail(
                        "'inputs' lists files or glob patterns, like 'inputs: [train.py, models/*.py]'",
                        inputs, node: node)
                    valid = false
                    continue
                }
                command.inputs.append(pattern)
            }
            command.inputsLocation = inputs.entry.valueLocation
        }
        if let environment = settings.values["environment"] {
            if let text = environment.entry.value.scalar?.string, !text.isEmpty {
                command.environment = text
                command.environmentLocation = environment.entry.valueLocation
            } else {
                fail(
                    "'environment' is a command whose output names the software the runs use, like 'environment: python3 -c \"import torch; print(torch.__version__)\"'",
                    environment)
                valid = false
            }
        }
        if let timeout = settings.values["timeout"] {
            if let text = timeout.entry.value.scalar?.string, let seconds = Self.duration(text), seconds > 0 {
                command.timeout = seconds
            } else {
                fail("'timeout' is a duration, like '90s', '30m', '2h' or a number of seconds", timeout)
                valid = false
            }
        }

        if let slurm = settings.values["slurm"] {
            command.slurm = slurmResources(slurm, diagnostics: &diagnostics)
            if command.slurm == nil { valid = false }
        }

        var names = Set<String>()
        for key in settings.values.keys.sorted() where !DirectiveKeys.notSettings.contains(key) {
            guard let setting = settings.effective(key) else { continue }
            command.settings.append(.init(key: key, value: JSONValue(setting.entry.value)))
            names.insert(key)
        }
        if seeded { names.insert("seed") }

        // Every placeholder names a setting; every setting the block writes is used, when the command takes any.
        let used = CommandSpec.placeholders(in: template)
        for (name, _) in used where !names.contains(name) {
            let hint = didYouMean(name, among: names.sorted())
            fail(
                "'{\(name)}' in 'run' names no setting\(hint); set '\(name)' in the experiment (for the shell's own variables write '${\(name)}')",
                run)
            valid = false
        }
        if !used.isEmpty {
            let placeholders = Set(used.map(\.name))
            for key in names.sorted() where !placeholders.contains(key) {
                let written = member.layer.setting(for: key) ?? settings.effective(key)
                guard let written, written.directive.location == directive.location else { continue }
                warnOnce(
                    "'\(key)' is not used by the command in 'run'; the script still gets it in $REPORT_SETTINGS",
                    at: written.entry.keyLocation, length: key.count, file: directive.file,
                    diagnostics: &diagnostics)
            }
            if seeded, !placeholders.contains("seed"), let seeds = settings.values["seeds"] {
                warnOnce(
                    "the command in 'run' does not use '{seed}'; each seed run gets its seed only as $REPORT_SEED",
                    at: seeds.entry.keyLocation, length: 5, file: seeds.directive.file,
                    diagnostics: &diagnostics)
            }
        }
        return valid ? command : nil
    }

    /// `slurm: {gres: "gpu:1", cpus_per_task: 4, memory: 16G, time: "2:00:00"}`; nil after an error.
    mutating func slurmResources(_ setting: Setting, diagnostics: inout DiagnosticList) -> SlurmResources? {
        let directive = setting.directive
        func fail(_ message: String, at node: Node) {
            report(
                message, at: directive.location(of: node), length: directive.locator.length(of: node),
                file: directive.file, diagnostics: &diagnostics)
        }
        guard let mapping = setting.entry.value.mapping else {
            fail(
                "'slurm' sets what each run's task asks for, like 'slurm: {gres: \"gpu:1\", cpus_per_task: 4, memory: 16G}'",
                at: setting.entry.value)
            return nil
        }
        var resources = SlurmResources()
        var valid = true
        for (keyNode, valueNode) in mapping {
            let key = keyNode.scalar?.string ?? ""
            guard let text = valueNode.scalar?.string, !text.isEmpty, !text.contains("\n") else {
                fail("'\(key)' under 'slurm' is one line of text", at: valueNode)
                valid = false
                continue
            }
            switch key {
            case "gres": resources.gres = text
            case "memory": resources.memory = text
            case "time": resources.time = text
            case "cpus_per_task":
                guard let cpus = Int(text), (1...4096).contains(cpus) else {
                    fail("'cpus_per_task' is a whole number from 1, found '\(text)'", at: valueNode)
                    valid = false
                    continue
                }
                resources.cpusPerTask = cpus
            default:
                let hint = didYouMean(key, among: SlurmResources.keys)
                fail(
                    "unknown key '\(key)' under 'slurm'\(hint); it takes \(SlurmResources.keys.joined(separator: ", "))",
                    at: keyNode)
                valid = false
            }
        }
        return valid ? resources : nil
    }

    /// Adds a warning once, however many members of an experiment find it.
    mutating func warnOnce(
        _ message: String, at location: SourceLocation, length: Int, file: String,
        diagnostics: inout DiagnosticList
    ) {
        let key = "warning:\(location.line):\(location.column):\(message)"
        guard seenErrors.insert(key).inserted else { return }
        diagnostics.append(Diagnostic.warning(message, file: file, at: location, length: length))
    }

    /// `90`, `90s`, `30m`, `2h` → seconds; nil for anything else.
    static func duration(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let last = trimmed.last, let unit = units[last], let number = Double(trimmed.dropLast()),
            number.isFinite
        {
            return number * unit
        }
        return Double(trimmed).flatMap { $0.isFinite ? $0 : nil }
    }
}

extension CommandSpec {
    /// Sets (or adds, in key order) the `seed` setting: one run of `seeds: [1, 2, 3]`.
    mutating func setSeed(_ seed: Int) {
        settings.removeAll { $0.key == "seed" }
        let index = settings.firstIndex { $0.key > "seed" } ?? settings.endIndex
        settings.insert(.init(key: "seed", value: .number(Double(seed))), at: index)
    }
}

extension JSONValue {
    /// A YAML value as JSON: quoted scalars are strings; plain ones are `null`, booleans or finite numbers
    /// when they read as one, else strings; lists and mappings nest.
    init(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            guard scalar.style == .plain || scalar.style == .any else {
                self = .string(text)
                return
            }
            switch text {
            case "", "~", "null", "Null", "NULL": self = .null
            case "true", "True", "TRUE": self = .bool(true)
            case "false", "False", "FALSE": self = .bool(false)
            default:
                if let number = Double(text), number.isFinite, text.first != "+" || text.count > 1,
                    !text.lowercased().contains("x")
                {
                    self = .number(number)
                } else {
                    self = .string(text)
                }
            }
        case .sequence(let sequence): self = .array(sequence.map(JSONValue.init))
        case .mapping(let mapping):
            self = .object(mapping.map { ($0.key.scalar?.string ?? "", JSONValue($0.value)) })
        case .alias: self = .null
        }
    }
}
