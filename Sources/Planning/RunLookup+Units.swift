/// What values, tables and figures show: a run, or a seeded member standing for all its seeds.
///
/// A reference to a seeded experiment (`q8`, `q8[lr=0.1]`) names the member, whose values
/// aggregate over its seed runs; a `seed` selector (`q8[seed=2]`, `q8[lr=0.1,seed=2]`) names
/// one seed run. An experiment without `seeds` is its runs, as before.
extension RunLookup {
    /// The runs and seeded members a reference names, in document order.
    public func units(id: String, selectors: [(key: String, value: String)]) -> Result<[String], LookupError>
    {
        runs(id: id, selectors: selectors).map { ids in
            let bySeed = selectors.contains { $0.key == "seed" }
            var seen: Set<String> = []
            var units: [String] = []
            for runID in ids {
                let unit = bySeed ? runID : (runs[runID]?.member?.id ?? runID)
                if seen.insert(unit).inserted { units.append(unit) }
            }
            return units
        }
    }

    /// Exactly one run or seeded member, for inline values.
    public func singleUnit(id: String, selectors: [(key: String, value: String)]) -> Result<
        String, LookupError
    > {
        switch units(id: id, selectors: selectors) {
        case .failure(let error): return .failure(error)
        case .success(let units) where units.count == 1: return .success(units[0])
        case .success(let units):
            let example = units.first ?? id
            return .failure(
                LookupError(
                    "'\(id)\(selectors.isEmpty ? "" : "[…]")' names \(units.count) runs; pick one, for example '\(example)'"
                ))
        }
    }

    /// The runs behind a unit: the run itself, or a seeded member's seed runs in seed order.
    public func runIDs(ofUnit unit: String) -> [String] {
        if runs[unit] != nil { return [unit] }
        let experiment = String(unit.prefix { $0 != "[" })
        return groups[experiment]?.seedRuns[unit] ?? []
    }

    /// Whether `unit` is a seeded member (its values aggregate over seeds).
    public func isSeeded(_ unit: String) -> Bool { runs[unit] == nil && !runIDs(ofUnit: unit).isEmpty }

    /// A unit's label: the run's, or the seeded member's (without the seed).
    public func label(ofUnit unit: String) -> String {
        if let run = runs[unit] { return run.label }
        return runIDs(ofUnit: unit).first.flatMap { runs[$0]?.member?.label } ?? unit
    }

    /// Whether the runs a reference names are trained by the author's command (whose metrics may have any
    /// name); false when it names none.
    public func isCommand(_ id: String, selectors: [(key: String, value: String)] = []) -> Bool {
        guard hasCommands else { return false }
        guard case .success(let ids) = runs(id: id, selectors: selectors) else {
            // A seeded member (`q8[lr=0.1]`), as figures and tables name their units.
            return runIDs(ofUnit: id).contains { runs[$0]?.command != nil }
        }
        return ids.contains { runs[$0]?.command != nil }
    }
}
