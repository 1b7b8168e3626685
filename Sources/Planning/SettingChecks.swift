import Configuration
import Document
import Engine

/// The checks that need every run resolved: a written setting no run uses (a warning at it), a flat
/// optimizer setting that reaches another optimizer than the one it was written for (a warning), and
/// members of one experiment that train the same thing (an error).
struct SettingChecks {
    /// One resolved run and the settings that decided it.
    public struct Use {
        var runID: String
        var config: TrainingConfig
        var stack: SettingStack
    }

    private var uses: [Use] = []

    public mutating func record(_ runID: String, config: TrainingConfig, stack: SettingStack) {
        uses.append(Use(runID: runID, config: config, stack: stack))
    }

    /// What one written setting did across the runs it decided.
    private struct Reach {
        var setting: SettingLayer.Setting
        var key: String
        var runs: [String] = []
        var used = false
        var reason: String?
        /// Runs of another optimizer than the one the setting was written for, that read it.
        var leaks: [(runID: String, optimizer: OptimizerKind)] = []
        var writtenFor: OptimizerKind?
    }

    /// Warnings for settings that no run uses and for flat optimizer settings that reach another optimizer.
    public func warnings() -> [Diagnostic] {
        var reaches: [String: Reach] = [:]
        var order: [String] = []
        for use in uses {
            for key in SettingKey.names {
                guard let setting = use.stack.effective(key) else { continue }
                let position =
                    "\(setting.directive.file):\(setting.entry.keyLocation.line):\(setting.entry.keyLocation.column):\(key)"
                if reaches[position] == nil {
                    reaches[position] = Reach(setting: setting, key: key)
                    order.append(position)
                }
                reaches[position]?.runs.append(use.runID)
                let reason = use.config.unusedReason(key)
                // A key under an optimizer that does not read it was reported where the block was read.
                if use.stack.optimizerSettings[key] != nil && !use.config.optimizer.settingNames.contains(key)
                {
                    reaches[position]?.used = true
                } else if let reason {
                    if reaches[position]?.reason == nil { reaches[position]?.reason = reason }
                } else {
                    reaches[position]?.used = true
                    if let written = use.stack.writtenFor[key], written != use.config.optimizer {
                        reaches[position]?.writtenFor = written
                        reaches[position]?.leaks.append((use.runID, use.config.optimizer))
                    }
                }
            }
        }
        var warnings: [Diagnostic] = []
        for position in order {
            guard let reach = reaches[position] else { continue }
            let entry = reach.setting.entry
            let file = reach.setting.directive.file
            if !reach.used, let reason = reach.reason {
                warnings.append(
                    Diagnostic.warning(
                        "'\(reach.key)' is not used: \(reason) (\(Self.list(reach.runs)))", file: file,
                        at: entry.keyLocation, length: reach.key.count))
            } else if let written = reach.writtenFor, !reach.leaks.isEmpty {
                let value = entry.value.scalar?.string ?? "…"
                var reached: [String] = []
                for optimizer in OptimizerKind.allCases {
                    let runs = reach.leaks.filter { $0.optimizer == optimizer }.map(\.runID)
                    guard !runs.isEmpty else { continue }
                    let own = optimizer.defaultValue(of: reach.key).map { " (its default: \($0))" } ?? ""
                    reached.append("\(optimizer.rawValue) in \(Self.list(runs))\(own)")
                }
                let names = OptimizerKind.allCases.filter { kind in
                    reach.leaks.contains { $0.optimizer == kind }
                }
                let others = names.map(\.rawValue).joined(separator: " and ")
                warnings.append(
                    Diagnostic.warning(
                        "'\(reach.key): \(value)' is written for \(written.rawValue) but also reaches \(reached.joined(separator: " and ")); to keep it to \(written.rawValue), write 'optimizer: {name: \(written.rawValue), \(reach.key): \(value)}'; to mean it for \(others), set it where \(reached.count == 1 ? "that optimizer is" : "they are") named",
                        file: file, at: entry.keyLocation, length: reach.key.count))
            }
        }
        return warnings
    }

    /// `a`, `a, b`, or `a, b, c and 4 more`.
    private static func list(_ runs: [String]) -> String {
        guard runs.count > 3 else { return runs.joined(separator: ", ") }
        return runs.prefix(3).joined(separator: ", ") + " and \(runs.count - 3) more"
    }

    /// Members of one experiment that train the same thing: an error at the later one, saying why.
    static func identicalMembers(
        _ members: [(runID: String, config: TrainingConfig, member: Member)], experiment: String,
        directive: Directive, diagnostics: inout DiagnosticList
    ) {
        guard members.count > 1 else { return }
        var first: [String: Int] = [:]
        for (index, item) in members.enumerated() {
            let entries = item.config.effectiveEntries.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            guard let earlier = first[entries] else {
                first[entries] = index
                continue
            }
            let other = members[earlier]
            // Two equal sweep values make one id; that is reported as a duplicate value.
            guard other.runID != item.runID else { continue }
            let differing = item.member.address.filter { pair in
                other.member.address.first { $0.key == pair.key }?.value != pair.value
            }
            let reasons = differing.compactMap { pair in
                item.config.unusedReason(pair.key).map { "\(pair.key): \($0)" }
            }
            let why = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
            let place =
                differing.lazy.compactMap { item.member.location(of: $0.key) }.first
                ?? item.member.location.map { ($0, 1) } ?? (
                    directive["sweep"]?.valueLocation ?? directive.location, 1
                )
            diagnostics.append(
                Diagnostic.error(
                    "'\(item.runID)' trains exactly what '\(other.runID)' trains\(why); remove one, or change a setting the run uses",
                    file: directive.file, at: place.0, length: place.1))
        }
    }
}
