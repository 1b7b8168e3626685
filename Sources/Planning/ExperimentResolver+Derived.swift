import Configuration
import Document
import Engine
import Suggestions
import Yams

/// Derived settings: a training key whose value is an expression over other experiments' settings,
/// written as a quoted `{{ }}` (YAML would read a bare `{{` as a mapping):
///
/// ```yaml
/// id: q15
/// lr: "{{ q13.lr / 20 }}"
/// ```
///
/// Resolved before anything trains, from the settings as written (defaults, `base`, the key's
/// default when no block sets it); the resolved number is what the run's configuration holds, so it is
/// what the cache key hashes and what `echo` and `--explain` show. A reference names an experiment's
/// training key (`q13.lr`), or one sweep member's (`q3[lr=0.1].momentum`); a swept key needs its member.
/// Derived settings may use derived settings; a cycle is an error at the setting where it closes.
struct DerivedSettings {
    /// Resolved values by `experiment[selectors].key`; nil when the expression had an error (reported).
    public var resolved: [String: Double?] = [:]
    /// The settings being resolved, outermost first: a cycle shows as a repeat.
    public var stack: [String] = []

    /// The expression text of a setting written as `"{{ … }}"`, or nil for an ordinary value.
    static func expressionText(_ node: Node) -> String? {
        guard let scalar = node.scalar else { return nil }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        return text.hasPrefix("{{") && text.hasSuffix("}}") && !text.contains("\n") ? text : nil
    }

    /// A resolved number as YAML text: `20`, `0.005`.
    public static func text(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

extension ExperimentResolver {
    /// Replaces each derived setting among `settings` by its resolved value; a setting that cannot be
    /// resolved is reported and left out (the configuration then has the key's default).
    mutating func resolveDerivedSettings(
        _ settings: inout SettingStack, experiment: String, free: Bool = false,
        diagnostics: inout DiagnosticList
    ) {
        let keys = free ? settings.values.keys.sorted() : SettingKey.names
        for key in keys {
            guard let setting = settings.effective(key),
                DerivedSettings.expressionText(setting.entry.value) != nil
            else {
                continue
            }
            let name = "\(experiment).\(key)"
            let sweepValues = setting.directive["sweep"]?.value.mapping?[Node(key)]?.sequence
            if let sweepValues, sweepValues.contains(setting.entry.value) {
                // The member's id is made from the text as written: `q3[lr={{ … }}]` could not be named.
                report(
                    "a sweep lists plain values; derive '\(key)' in an experiment of its own and sweep around it",
                    at: setting.directive.location(of: setting.entry.value),
                    length: setting.directive.locator.length(of: setting.entry.value),
                    file: setting.directive.file,
                    diagnostics: &diagnostics)
                settings.replaceEffective(key, with: nil)
                continue
            }
            guard let value = derivedValue(setting, name: name, diagnostics: &diagnostics) else {
                settings.replaceEffective(key, with: nil)
                continue
            }
            let entry = setting.entry
            let node = Node.scalar(
                Node.Scalar(DerivedSettings.text(value), .implicit, .plain, entry.value.mark))
            settings.replaceEffective(
                key,
                with: Setting(
                    entry: DirectiveEntry(
                        key: entry.key, keyNode: entry.keyNode, keyLocation: entry.keyLocation, value: node,
                        valueLocation: entry.valueLocation),
                    directive: setting.directive))
        }
    }

    /// The value of one derived setting, resolving the settings it uses first.
    private mutating func derivedValue(_ setting: Setting, name: String, diagnostics: inout DiagnosticList)
        -> Double?
    {
        if let done = derived.resolved[name] { return done }
        let directive = setting.directive
        let node = setting.entry.value
        guard let text = DerivedSettings.expressionText(node) else { return nil }
        if let start = derived.stack.firstIndex(of: name) {
            let cycle = (derived.stack[start...] + [name]).joined(separator: " → ")
            report(
                "derived settings form a cycle: \(cycle)", at: directive.location(of: node),
                length: directive.locator.length(of: node), file: directive.file, diagnostics: &diagnostics)
            return nil
        }
        guard derived.stack.count < PlanLimits.chain else {
            report(
                "derived settings depend on each other more than \(PlanLimits.chain) deep, the limit",
                at: directive.location(of: node), length: 1, file: directive.file, diagnostics: &diagnostics)
            return nil
        }
        // Inside quotes the expression starts one column after the mark.
        var location = directive.location(of: node)
        let quoted = node.scalar?.style == .doubleQuoted || node.scalar?.style == .singleQuoted
        let leading = (node.scalar?.string ?? "").prefix { $0 == " " }.count
        location.column += (quoted ? 1 : 0) + leading
        let expression: InlineExpression
        switch InlineExpression.parse(text, at: location, file: directive.file) {
        case .success(let parsed): expression = parsed
        case .failure(let diagnostic):
            report(
                diagnostic.message, at: diagnostic.location, length: diagnostic.length, file: directive.file,
                diagnostics: &diagnostics)
            derived.resolved[name] = .some(nil)
            return nil
        }
        if expression.isClaim || expression.format != nil {
            report(
                "a derived setting is a number, like \"{{ q13.lr / 20 }}\": no 'assert', no format",
                at: location, length: text.unicodeScalars.count, file: directive.file,
                diagnostics: &diagnostics)
            derived.resolved[name] = .some(nil)
            return nil
        }
        derived.stack.append(name)
        var values: [ValueReference: RunValue] = [:]
        var failed = false
        for reference in expression.references where values[reference] == nil {
            if let value = settingValue(reference, file: directive.file, diagnostics: &diagnostics) {
                values[reference] = .number(value, .plain)
            } else {
                failed = true
            }
        }
        derived.stack.removeLast()
        var result: Double?
        if !failed {
            let evaluator = ExpressionEvaluator { reference in
                values[reference].map { .value($0) } ?? .unavailable(run: reference.run.id, why: "unknown")
            }
            do throws(ExpressionEvaluator.Failure) {
                let (value, _) = try evaluator.number(expression.body)
                if value.isFinite {
                    result = value
                } else {
                    report(
                        "'\(expression.body.text)' is \(value.isNaN ? "not a number" : "infinite"); a setting must be a finite number",
                        at: expression.body.location, length: expression.body.text.unicodeScalars.count,
                        file: directive.file, diagnostics: &diagnostics)
                }
            } catch {
                if case .invalid(let message, let part) = error {
                    report(
                        message, at: part.location, length: part.text.unicodeScalars.count,
                        file: directive.file,
                        diagnostics: &diagnostics)
                }
            }
        }
        derived.resolved[name] = .some(result)
        return result
    }

    /// The number a reference like `q13.lr` or `q3[lr=0.1].momentum` names, resolving it when derived.
    private mutating func settingValue(
        _ reference: ValueReference, file: String, diagnostics: inout DiagnosticList
    )
        -> Double?
    {
        let id = reference.run.id
        func fail(_ message: String, at location: SourceLocation, length: Int) -> Double? {
            report(message, at: location, length: length, file: file, diagnostics: &diagnostics)
            return nil
        }
        guard let declaration = declarations[id] else {
            return fail(
                "unknown experiment '\(id)'\(didYouMean(id, among: order))", at: reference.run.location,
                length: id.count)
        }
        let targetIsCommand = isCommand(id)
        guard reference.path.count == 1,
            targetIsCommand
                ? !DirectiveKeys.notSettings.contains(reference.path[0])
                : SettingKey.names.contains(reference.path[0])
        else {
            let hint = didYouMean(reference.pathText, among: SettingKey.names)
            return fail(
                "a derived setting can use other experiments' training keys, like '\(id).lr', not '\(reference.pathText)'\(hint): settings are resolved before anything trains",
                at: reference.pathLocation, length: reference.pathText.count)
        }
        let key = reference.path[0]
        // Sweeps: each selector must be one of the experiment's members; a swept key needs its selector.
        var swept: [String: [String]] = [:]
        for (keyNode, valuesNode) in declaration.directive["sweep"]?.value.mapping ?? [:] {
            swept[keyNode.scalar?.string ?? ""] = (valuesNode.sequence ?? []).compactMap { $0.scalar?.string }
        }
        for selector in reference.run.selectors {
            guard let values = swept[selector.key],
                values.contains(where: { RunLookup.same($0, selector.value) })
            else {
                return fail(
                    "no run of '\(id)' has \(selector.key)=\(selector.value)", at: reference.run.location,
                    length: id.count)
            }
        }
        if let selected = reference.run.selectors.first(where: { $0.key == key }) {
            guard let number = Double(selected.value) else {
                return fail(
                    "'\(reference)' is '\(selected.value)', not a number", at: reference.pathLocation,
                    length: key.count)
            }
            return number
        }
        if let values = swept[key] {
            return fail(
                "'\(id)' sweeps '\(key)'; pick one run, like '\(id)[\(key)=\(values.first ?? "…")].\(key)'",
                at: reference.run.location, length: id.count)
        }
        let name = reference.run.selectors.isEmpty ? "\(id).\(key)" : "\(reference)"
        let all = settings(id, chain: [], diagnostics: &diagnostics)
        if let written = all.effective(key), DerivedSettings.expressionText(written.entry.value) != nil {
            // Derived in turn: resolved once, under the name of the experiment that set it.
            return derivedValue(written, name: "\(id).\(key)", diagnostics: &diagnostics)
        }
        if targetIsCommand {
            guard let text = all.effective(key)?.entry.value.scalar?.string else {
                return fail("'\(name)' has no value", at: reference.pathLocation, length: key.count)
            }
            guard let number = Double(text) else {
                return fail(
                    "'\(name)' is '\(text)', not a number", at: reference.pathLocation, length: key.count)
            }
            return number
        }
        // The key's value in the member's whole configuration, so that a default that depends on other
        // keys (the optimizer's) comes out as the run would have it. Other derived keys are left out:
        // resolving them here could make a cycle that the key asked for is not part of.
        var config = TrainingConfig()
        for other in SettingKey.names {
            guard let setting = all.effective(other),
                DerivedSettings.expressionText(setting.entry.value) == nil
            else {
                continue
            }
            try? config.set(other, setting.entry.value)
        }
        for selector in reference.run.selectors { try? config.set(selector.key, Node(selector.value)) }
        guard let text = config.value(of: key) else {
            return fail("'\(name)' has no value", at: reference.pathLocation, length: key.count)
        }
        guard let number = Double(text) else {
            return fail("'\(name)' is '\(text)', not a number", at: reference.pathLocation, length: key.count)
        }
        return number
    }
}
