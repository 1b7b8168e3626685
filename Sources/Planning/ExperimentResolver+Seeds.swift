import Document
import Engine
import Foundation
import Yams

/// `seeds: [1, 2, 3]`: an experiment (or each member of its sweep) trained once per seed.
///
/// A seed run is an ordinary run: its configuration is the member's with `seed` set, so its cache
/// key is the key of a plain `seed: s` run of the same settings, and nothing trains twice.
extension ExperimentResolver {
    /// `seed` and `seeds` replace each other like any setting: a block that sets one drops the other
    /// it inherited (from `defaults` or `base`). Setting both in one block is an error.
    mutating func keepOneSeedSetting(
        _ settings: inout SettingStack, block: Directive, diagnostics: inout DiagnosticList
    ) {
        let seed = block["seed"]
        let seeds = block["seeds"]
        if let seed, seeds != nil {
            report(
                "'seed' and 'seeds' in one \(block.kind.rawValue); 'seeds: [1, 2, 3]' trains one run per seed, 'seed: 1' one run",
                at: seed.keyLocation, length: seed.key.count, file: block.file, diagnostics: &diagnostics)
        } else if seed != nil {
            settings.removeFlat("seeds")
        } else if seeds != nil {
            settings.removeFlat("seed")
        }
    }

    /// The seeds an experiment lists, checked; nil when it has none (or they are not valid, after an error).
    mutating func seedList(
        _ setting: Setting?, experiment: String, directive: Directive, members: Int,
        diagnostics: inout DiagnosticList
    ) -> [Int]? {
        guard let setting else { return nil }
        let own = setting.directive.location == directive.location
        // A sweep over `seed` sets the seed, so it replaces inherited seeds as `seed:` would.
        let sweepsSeed =
            directive["sweep"]?.value.mapping?.contains { key, _ in key.scalar?.string == "seed" } ?? false
        if sweepsSeed && !own { return nil }
        let node = setting.entry.value
        let block = setting.directive
        func fail(_ message: String, at node: Node) {
            report(
                message, at: block.location(of: node), length: block.locator.length(of: node),
                file: block.file, diagnostics: &diagnostics)
        }
        guard let items = node.sequence.map(Array.init), !items.isEmpty else {
            fail("'seeds' is a non-empty list of whole numbers, like 'seeds: [1, 2, 3]'", at: node)
            return nil
        }
        guard items.count <= PlanLimits.seeds else {
            fail("'seeds' lists \(items.count.grouped) seeds; the limit is \(PlanLimits.seeds)", at: node)
            return nil
        }
        var seeds: [Int] = []
        var first: [Int: Node] = [:]
        var valid = true
        for item in items {
            guard let text = item.scalar?.string, let seed = Int(text), seed >= 0 else {
                let found =
                    item.scalar.map { "'\($0.string)'" } ?? (item.mapping != nil ? "a mapping" : "a list")
                fail("a seed is a whole number from 0, found \(found)", at: item)
                valid = false
                continue
            }
            if let earlier = first[seed] {
                let location = block.location(of: item)
                if seenErrors.insert("\(location.line):\(location.column):duplicate seed").inserted {
                    diagnostics.append(
                        Diagnostic.error(
                            "duplicate seed \(seed) in 'seeds'", file: block.file,
                            at: block.location(of: item),
                            length: block.locator.length(of: item),
                            notes: [
                                Diagnostic.note(
                                    "first listed here", file: block.file, at: block.location(of: earlier))
                            ]))
                }
                valid = false
                continue
            }
            first[seed] = item
            seeds.append(seed)
        }
        guard valid else { return nil }
        if let sweep = directive["sweep"], let mapping = sweep.value.mapping {
            for (key, _) in mapping where key.scalar?.string == "seed" {
                diagnostics.append(
                    directive.diagnostic(
                        "experiment '\(experiment)' sweeps 'seed' and lists 'seeds'; list the seeds in 'seeds' only",
                        at: key))
                return nil
            }
        }
        let (total, overflow) = members.multipliedReportingOverflow(by: seeds.count)
        guard !overflow, total <= PlanLimits.sweepRuns else {
            diagnostics.append(
                Diagnostic.error(
                    "experiment '\(experiment)' makes \(members.grouped) member\(members == 1 ? "" : "s") × \(seeds.count) seeds = \(overflow ? "too many" : total.grouped) runs; the limit is \(PlanLimits.sweepRuns.grouped) runs per experiment",
                    file: block.file, at: setting.entry.valueLocation))
            return nil
        }
        return seeds
    }

    /// One run per seed of `run` (a plain experiment or a sweep member): `q8[seed=2]`,
    /// `q8[lr=0.1,seed=2]`, each with the member's configuration and its own `seed`.
    func seedRunSpecs(of run: RunSpec, seeds: [Int]) -> [RunSpec] {
        seeds.map { seed in
            var copy = run
            copy.config.seed = UInt64(seed)
            copy.command?.setSeed(seed)
            let selectors = run.swept.map { "\($0.key)=\($0.value)" } + ["seed=\(seed)"]
            copy.id = "\(run.experimentID)[\(selectors.joined(separator: ","))]"
            copy.label = run.swept.isEmpty ? "\(run.label) seed=\(seed)" : "\(run.label), seed=\(seed)"
            copy.member = SeededMember(id: run.id, label: run.label, seed: seed)
            return copy
        }
    }
}
