import Configuration
import Document
import Suggestions
import Yams

extension Member {
    /// `cases:`, a list of partial settings, one run each:
    /// `cases: [{optimizer: sgd}, {optimizer: {name: rmsprop, lr: 0.001}, label: RMSprop}]`.
    /// A case is addressed by what it writes (`optimizer=rmsprop,lr=0.001`), or as `case=N` when it
    /// writes nothing or a value that is not a single word or number (a layer list, an augmentation).
    static func cases(
        _ entry: DirectiveEntry, in directive: Directive, free: Bool = false,
        diagnostics: inout DiagnosticList
    )
        -> [Member]
    {
        let example = "like 'cases: [{optimizer: sgd}, {optimizer: {name: adam, lr: 0.001}}]'"
        guard let items = entry.value.sequence, !items.isEmpty else {
            diagnostics.append(
                directive.diagnostic("'cases' is a non-empty list of settings, \(example)", at: entry.value))
            return []
        }
        guard items.count <= PlanLimits.sweepRuns else {
            diagnostics.append(
                directive.diagnostic(
                    "'cases' lists \(items.count.grouped) runs; the limit is \(PlanLimits.sweepRuns.grouped) runs per experiment",
                    at: entry.value))
            return []
        }
        var members: [Member] = []
        var firstWithAddress: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let number = index + 1
            guard let mapping = item.mapping else {
                diagnostics.append(
                    directive.diagnostic("case \(number) must be a mapping of settings, \(example)", at: item)
                )
                continue
            }
            var member = Member()
            member.caseNumber = number
            member.location = directive.location(of: item)
            var entries: [DirectiveEntry] = []
            var plain = true
            for (keyNode, valueNode) in mapping {
                let key = keyNode.scalar?.string ?? ""
                if key == "label" {
                    if let label = valueNode.scalar?.string, !label.isEmpty {
                        member.label = label
                    } else {
                        diagnostics.append(
                            directive.diagnostic("a case's 'label' is one line of text", at: valueNode))
                    }
                    continue
                }
                guard
                    free
                        ? CommandSpec.isPlaceholderName(key) && !DirectiveKeys.notSettings.contains(key)
                        : SettingKey.names.contains(key)
                else {
                    let hint = didYouMean(key, among: SettingKey.names + ["label"])
                    diagnostics.append(
                        directive.diagnostic(
                            "unknown key '\(key)' in case \(number)\(hint); a case takes training keys and 'label'",
                            at: keyNode))
                    continue
                }
                entries.append(
                    DirectiveEntry(
                        key: key, keyNode: keyNode, keyLocation: directive.location(of: keyNode),
                        value: valueNode, valueLocation: directive.location(of: valueNode)))
                if key == "optimizer", !free, let block = valueNode.mapping {
                    let name = block["name"]?.scalar?.string ?? ""
                    member.address.append((key, name))
                    plain = plain && isAddressable(name)
                    for (innerKey, innerValue) in block {
                        guard let inner = innerKey.scalar?.string, inner != "name" else { continue }
                        let text = innerValue.scalar?.string ?? ""
                        member.address.append((inner, text))
                        plain = plain && isAddressable(text)
                    }
                } else {
                    let text = valueNode.scalar?.string ?? ""
                    member.address.append((key, text))
                    plain = plain && isAddressable(text)
                }
            }
            member.layer = SettingLayer.read(entries, in: directive, free: free, diagnostics: &diagnostics)
            if !plain || member.address.isEmpty { member.address = [("case", "\(number)")] }
            member.caseKeys = member.address.count
            let address = member.address.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            if let first = firstWithAddress[address] {
                diagnostics.append(
                    directive.diagnostic(
                        "case \(number) writes the same settings as case \(first); remove one", at: item))
                continue
            }
            firstWithAddress[address] = number
            members.append(member)
        }
        return members
    }

    /// Whether a value can stand in a run's address: not empty, no `,`, `=`, `[` or `]`.
    private static func isAddressable(_ text: String) -> Bool {
        !text.isEmpty && !text.contains { ",=[]".contains($0) } && !text.contains("\n")
    }
}
