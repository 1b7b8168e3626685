import Configuration
import Planning
import RunCache

/// Writes a table directive as a GitHub-flavoured Markdown table.
///
/// A row may be a seeded member: its measured values (accuracies, losses, times) show as
/// mean ± sample standard deviation over its seeds, in the column's format.
struct TableRenderer {
    public let runs: [String: RunSpec]
    public let records: [String: RunRecord]
    public let failures: [String: String]
    /// The experiments, for the seed runs of seeded members.
    public var groups: [String: ExperimentGroup] = [:]

    public func markdown(_ table: TableSpec) -> String {
        let lookup = RunLookup(runs: runs, groups: groups)
        var lines = ["| " + table.columns.map { escape($0.header) }.joined(separator: " | ") + " |"]
        lines.append(
            "|"
                + table.columns.map { column in
                    let numeric =
                        !([
                            "label", "id", "optimizer", "model", "dataset", "machine", "schedule",
                            "normalize", "augment", "key",
                        ].contains(column.path.joined(separator: ".")))
                    return numeric ? " ---: " : " --- "
                }.joined(separator: "|") + "|")
        for id in table.runIDs {
            let unitRuns = lookup.runIDs(ofUnit: id)
            guard !unitRuns.isEmpty else { continue }
            let cells: [String]
            switch DocumentRenderer.finished(id, lookup: lookup, records: records) {
            case .failure:
                let failed = unitRuns.contains { failures[$0] != nil }
                cells = table.columns.map { column in
                    column.path == ["label"] ? escape(lookup.label(ofUnit: id)) : (failed ? "failed" : "—")
                }
            case .success(let finished):
                cells = table.columns.map { column in
                    let value = RunValue.of(column.path, unit: id, runs: finished)
                    let spread =
                        Self.showsSpread(value, format: column.format)
                        ? RunValue.spread(of: column.path, unit: id, runs: finished) : nil
                    return escape(ValueFormat.render(value, format: column.format, spread: spread))
                }
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// What a `±` in the table means, when it has one: "± is the sample standard deviation over 3 seeds."
    func spreadNote(_ table: TableSpec) -> String? {
        let lookup = RunLookup(runs: runs, groups: groups)
        let counts = Set(
            table.runIDs.filter(lookup.isSeeded).map { lookup.runIDs(ofUnit: $0).count }.filter { $0 > 1 })
        guard !counts.isEmpty,
            table.columns.contains(where: {
                RunValue.isMeasured($0.path, open: table.runIDs.contains { lookup.isCommand($0) })
                    && ($0.format?.style == .pm || Self.spreadKinds.contains(kind($0.path)))
            })
        else { return nil }
        let over = counts.count == 1 ? "\(counts.first ?? 0) seeds" : "each run's seeds"
        return "± is the sample standard deviation (n − 1) over \(over)."
    }

    /// Measured kinds that vary between seeds; sizes and counts (parameters, epochs) do not.
    private static let spreadKinds: Set<RunValue.Kind> = [.fraction, .loss, .seconds]

    private static func showsSpread(_ value: RunValue, format: ValueFormat?) -> Bool {
        guard case .number(_, let kind) = value else { return false }
        return format?.style == .pm || spreadKinds.contains(kind)
    }

    private func kind(_ path: [String]) -> RunValue.Kind {
        let name = path.count == 2 ? path[1] : (RunValue.atEpoch(path[0])?.metric ?? path[0])
        if RunValue.metrics.contains(name)
            || RunValue.isMetric(name, open: true) && !RunValue.measured.contains(name)
                && !SettingKey.names.contains(name)
        {
            return RunLookup(runs: runs, groups: groups).metrics.kind(ofMetric: name)
        }
        return ["train_time", "eval_time", "epoch_time"].contains(name) ? .seconds : .count
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
