import Configuration
import Document
import Engine
import Suggestions
import Yams

/// The training settings one block writes: a `defaults` block, an experiment block, or one member of
/// a sweep or of `cases`. Layers are applied in order onto a `SettingStack`; the optimizer and the
/// settings written under it (`optimizer: {name: sgd, lr: 0.01}`) are kept apart from the rest.
struct SettingLayer {
    typealias Setting = ExperimentResolver.Setting

    /// `optimizer: NAME` or `optimizer: {name: NAME, lr: …}`.
    struct OptimizerChoice {
        /// The name as a setting of key `optimizer` (its value is the name's node).
        var name: Setting
        /// nil when the name is not an optimizer (checking the configuration reports it).
        var kind: OptimizerKind?
        /// The keys written under the optimizer.
        var settings: [String: Setting] = [:]
    }

    public var optimizer: OptimizerChoice?
    /// Every other key as written (`init` and `seeds` included), optimizer settings written beside `optimizer`
    /// (`lr: 0.01`) too.
    public var flat: [String: Setting] = [:]

    /// Every training key the layer sets, those under the optimizer included.
    public var keys: Set<String> {
        var keys = Set(flat.keys)
        if let optimizer {
            keys.insert("optimizer")
            keys.formUnion(optimizer.settings.keys)
        }
        return keys
    }

    /// The setting that writes `key` in this layer, wherever it is.
    public func setting(for key: String) -> Setting? {
        if key == "optimizer" { return optimizer?.name }
        return flat[key] ?? optimizer?.settings[key]
    }

    /// Reads a block's entries that are training keys (or `init`; others are skipped); reports a
    /// malformed optimizer block, and warns about a key its optimizer does not read.
    /// With `free` (an experiment that runs a command), every key but the structural ones is a setting as
    /// written, `optimizer` included.
    public static func read(
        _ entries: [DirectiveEntry], in directive: Directive, free: Bool = false,
        diagnostics: inout DiagnosticList
    )
        -> SettingLayer
    {
        var layer = SettingLayer()
        if free {
            for entry in entries where !DirectiveKeys.structural.contains(entry.key) {
                layer.flat[entry.key] = Setting(entry: entry, directive: directive)
            }
            return layer
        }
        for entry in entries
        where SettingKey.names.contains(entry.key) || entry.key == "init" || entry.key == "seeds" {
            let setting = Setting(entry: entry, directive: directive)
            if entry.key == "optimizer" {
                layer.optimizer = readOptimizer(setting, diagnostics: &diagnostics)
            } else {
                layer.flat[entry.key] = setting
            }
        }
        guard let optimizer = layer.optimizer else { return layer }
        for (key, inner) in optimizer.settings {
            if let outer = layer.flat[key] {
                diagnostics.append(
                    Diagnostic.error(
                        "'\(key)' is set twice: beside 'optimizer' and under it; keep one",
                        file: directive.file,
                        at: outer.entry.keyLocation, length: key.count,
                        notes: [
                            Diagnostic.note(
                                "set under the optimizer here", file: directive.file,
                                at: inner.entry.keyLocation,
                                length: key.count)
                        ]))
            }
            if let kind = optimizer.kind, !kind.settingNames.contains(key) {
                let uses = kind.settingNames.joined(separator: ", ")
                diagnostics.append(
                    Diagnostic.warning(
                        "'\(key)' is not used: \(kind.rawValue) has no \(key) (it reads \(uses))",
                        file: directive.file, at: inner.entry.keyLocation, length: key.count))
            }
        }
        return layer
    }

    /// `optimizer: adam`, or the block form; errors for anything else.
    private static func readOptimizer(_ setting: Setting, diagnostics: inout DiagnosticList)
        -> OptimizerChoice?
    {
        let directive = setting.directive
        let value = setting.entry.value
        if let name = value.scalar?.string {
            return OptimizerChoice(name: setting, kind: OptimizerKind(rawValue: name))
        }
        let example = "like 'optimizer: {name: sgd, lr: 0.01, momentum: 0.5}'"
        guard let mapping = value.mapping else {
            diagnostics.append(
                directive.diagnostic(
                    "'optimizer' is a name (\(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))) or a block \(example)",
                    at: value))
            return nil
        }
        var nameNode: Node?
        var settings: [String: Setting] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.scalar?.string ?? ""
            let entry = DirectiveEntry(
                key: key, keyNode: keyNode, keyLocation: directive.location(of: keyNode), value: valueNode,
                valueLocation: directive.location(of: valueNode))
            if key == "name" {
                nameNode = valueNode
            } else if OptimizerKind.settingNames.contains(key) {
                settings[key] = Setting(entry: entry, directive: directive)
            } else if SettingKey.names.contains(key) {
                diagnostics.append(
                    directive.diagnostic(
                        "'\(key)' is not an optimizer setting; write it beside 'optimizer', not under it",
                        at: keyNode
                    ))
            } else {
                let hint = didYouMean(key, among: ["name"] + OptimizerKind.settingNames)
                diagnostics.append(
                    directive.diagnostic(
                        "unknown key '\(key)' under 'optimizer'\(hint); it takes name, \(OptimizerKind.settingNames.joined(separator: ", "))",
                        at: keyNode))
            }
        }
        guard let nameNode, let name = nameNode.scalar?.string, !name.isEmpty else {
            diagnostics.append(
                directive.diagnostic("the optimizer block needs a 'name', \(example)", at: value))
            return nil
        }
        let nameEntry = DirectiveEntry(
            key: "optimizer", keyNode: setting.entry.keyNode, keyLocation: setting.entry.keyLocation,
            value: nameNode, valueLocation: directive.location(of: nameNode))
        return OptimizerChoice(
            name: Setting(entry: nameEntry, directive: directive), kind: OptimizerKind(rawValue: name),
            settings: settings)
    }
}
