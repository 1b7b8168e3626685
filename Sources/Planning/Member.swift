import Configuration
import Document
import Engine

/// One run of an experiment that sweeps or lists `cases`: the settings it adds on top of the
/// experiment's, and how it is addressed (`q4[optimizer=rmsprop,lr=0.001]`).
struct Member {
    /// The keys and values that name the member, case first, then swept keys, in the order written.
    public var address: [(key: String, value: String)] = []
    /// What the member sets: its case's settings and its swept values, applied as one layer (so a
    /// swept `lr` belongs to the optimizer its case names).
    public var layer = SettingLayer()
    /// The member's case, counted from 1; nil without `cases`.
    public var caseNumber: Int?
    /// How many leading entries of `address` its case wrote.
    public var caseKeys = 0
    /// The case's `label`.
    public var label: String?
    /// Where the member's case is written (for errors about the member as a whole).
    public var location: SourceLocation?

    /// The sweep members today's `sweep` makes, as members.
    public static func swept(
        _ members: [[(key: String, value: String, setting: SettingLayer.Setting)]], in directive: Directive,
        free: Bool = false, diagnostics: inout DiagnosticList
    ) -> [Member] {
        var reported = Set<SourceLocation>()
        return members.map { items in
            var member = Member()
            for item in items {
                member.address.append((item.key, item.value))
                guard item.key == "optimizer", !free else {
                    member.layer.flat[item.key] = item.setting
                    continue
                }
                guard let name = item.setting.entry.value.scalar?.string else {
                    if reported.insert(item.setting.entry.valueLocation).inserted {
                        diagnostics.append(
                            directive.diagnostic(
                                "a sweep of 'optimizer' lists names; to give an optimizer its own settings, use 'cases: [{optimizer: {name: sgd, lr: 0.1}}, …]'",
                                at: item.setting.entry.value))
                    }
                    continue
                }
                member.layer.optimizer = SettingLayer.OptimizerChoice(
                    name: item.setting, kind: OptimizerKind(rawValue: name))
            }
            return member
        }
    }

    /// Every case with every sweep member (the product, cases outermost), or either alone.
    /// A key that both a case and the sweep set is an error: which one wins would be a guess.
    public static func combine(
        cases: [Member]?, sweep: [Member]?, sweepEntry: DirectiveEntry?, in directive: Directive,
        diagnostics: inout DiagnosticList
    ) -> [Member] {
        // No usable case (an error says why): the sweep alone, or one run, so checking goes on.
        guard let cases, !cases.isEmpty else { return sweep ?? [Member()] }
        guard let sweep else { return cases }
        let swept = Set(sweep.flatMap { $0.address.map(\.key) })
        for member in cases {
            for key in member.layer.keys.intersection(swept).sorted() {
                guard let setting = member.layer.setting(for: key) else { continue }
                diagnostics.append(
                    Diagnostic.error(
                        "'\(key)' is set by this case and swept too; set it in one place",
                        file: directive.file,
                        at: setting.entry.keyLocation, length: key.count))
            }
        }
        let (count, overflow) = cases.count.multipliedReportingOverflow(by: sweep.count)
        guard !overflow, count <= PlanLimits.sweepRuns else {
            diagnostics.append(
                Diagnostic.error(
                    "the cases and the sweep make \(cases.count) × \(sweep.count) = \(overflow ? "too many" : count.grouped) runs; the limit is \(PlanLimits.sweepRuns.grouped) runs per experiment",
                    file: directive.file, at: sweepEntry?.valueLocation ?? directive.location))
            return [Member()]
        }
        var members: [Member] = []
        members.reserveCapacity(count)
        for one in cases {
            for other in sweep {
                var member = one
                member.address += other.address
                if member.layer.optimizer == nil { member.layer.optimizer = other.layer.optimizer }
                member.layer.flat.merge(other.layer.flat) { _, swept in swept }
                members.append(member)
            }
        }
        return members
    }

    /// Keys the experiment sets beside its sweep or cases that every member sets again, so that no
    /// run uses the experiment's value: an error at the experiment's key.
    static func checkBeside(
        _ own: SettingLayer, members: [Member], sweepKeys: Set<String>, hasCases: Bool,
        diagnostics: inout DiagnosticList
    ) {
        guard let first = members.first, hasCases || !sweepKeys.isEmpty else { return }
        var everyMember = first.layer.keys
        for member in members.dropFirst() { everyMember.formIntersection(member.layer.keys) }
        for key in own.keys.intersection(everyMember).sorted() {
            guard let setting = own.setting(for: key) else { continue }
            let how = sweepKeys.contains(key) ? "swept in the same experiment" : "set by every case"
            diagnostics.append(
                Diagnostic.error(
                    "'\(key)' is set here and \(how), so no run uses this value; remove one",
                    file: setting.directive.file, at: setting.entry.keyLocation, length: key.count))
        }
    }

    /// `q4[optimizer=adam,lr=0.1]`, or `q4` for the one run of an experiment without members.
    public func runID(experiment id: String) -> String {
        address.isEmpty ? id : "\(id)[\(address.map { "\($0.key)=\($0.value)" }.joined(separator: ","))]"
    }

    /// The run's label: the experiment's `label` (else nothing) and the member's address
    /// (`Grid lr=0.1, optimizer=adam`), with a case's own `label` in place of its keys
    /// (`Adam lr=0.1`); the experiment id for an experiment without members.
    public func label(experiment id: String, label: String?) -> String {
        func raw(_ pairs: ArraySlice<(key: String, value: String)>) -> String {
            pairs.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
        guard !address.isEmpty else { return label ?? id }
        guard let own = self.label else {
            return label.map { "\($0) \(raw(address[...]))" } ?? raw(address[...])
        }
        let swept = raw(address.dropFirst(caseKeys))
        return [label, own, swept.isEmpty ? nil : swept].compactMap { $0 }.joined(separator: " ")
    }

    /// Where to point at this member: the value of `key` in its address, else its case.
    public func location(of key: String) -> (location: SourceLocation, length: Int)? {
        if let setting = layer.setting(for: key) {
            return (setting.entry.valueLocation, setting.directive.locator.length(of: setting.entry.value))
        }
        return location.map { ($0, 1) }
    }
}
