import Document
import Planning
import RunCache

extension ReportBuilder {
    /// Metrics of runs of the author's commands that no run recorded: a metric name is only known once
    /// the runs it names are cached, so a misspelt `{{ q3.val_f1 }}` or figure metric is an error here,
    /// at its place in the document, naming the metrics the runs did record.
    func checkMetrics(_ plan: Plan, records: [String: RunRecord]) throws {
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        let file = plan.document.path
        var diagnostics: [Diagnostic] = []

        /// The metric a path names, when it is not the engine's, a measured value or a setting.
        func metric(of path: [String]) -> String? {
            let value = RunValue.statistic(of: path).value
            let name: String
            if value.count == 2 && value[0] == "best" {
                name = value[1]
            } else if value.count == 1 {
                name = RunValue.atEpoch(value[0])?.metric ?? value[0]
            } else {
                return nil
            }
            return RunValue.metrics.contains(name) || RunValue.measured.contains(name) ? nil : name
        }
        /// Why runs `ids` cannot show `name`, or nil when one of them recorded it (or none finished).
        func problem(_ name: String, runs ids: [String]) -> String? {
            let commands = ids.filter { plan.runs[$0]?.command != nil }
            let finished = commands.compactMap { records[$0] }
            guard !finished.isEmpty, commands.allSatisfy({ plan.runs[$0]?.command?.value(of: name) == nil })
            else {
                return nil
            }
            let recorded = Set(finished.flatMap { $0.metrics.epochs.flatMap(\.metricNames) })
            guard !recorded.contains(name) else { return nil }
            return
                "no run of \(commands.count == 1 ? "'\(commands[0])'" : "these runs") recorded a metric '\(name)'; they recorded \(recorded.sorted().joined(separator: ", "))"
        }

        for expression in plan.document.expressions {
            for reference in expression.references where reference.run.id != ReportTotals.id {
                guard let name = metric(of: reference.path),
                    case .success(let ids) = lookup.runs(
                        id: reference.run.id, selectors: reference.run.selectors),
                    let message = problem(name, runs: ids)
                else { continue }
                diagnostics.append(
                    Diagnostic.error(
                        message, file: file, at: reference.pathLocation, length: reference.pathText.count))
            }
        }
        for (location, figure) in plan.figures.sorted(by: { $0.key < $1.key }) {
            let ids = figure.runIDs.flatMap { lookup.runIDs(ofUnit: $0) }
            for name in Set(figure.panels.flatMap { $0 } + [figure.barMetric]).sorted() {
                guard let name = metric(of: [name]), let message = problem(name, runs: ids) else { continue }
                diagnostics.append(
                    Diagnostic.error("figure '\(figure.id)': \(message)", file: file, at: location))
            }
        }
        for (location, table) in plan.tables.sorted(by: { $0.key < $1.key }) {
            let ids = table.runIDs.flatMap { lookup.runIDs(ofUnit: $0) }
            for column in table.columns {
                guard let name = metric(of: column.path), let message = problem(name, runs: ids) else {
                    continue
                }
                diagnostics.append(Diagnostic.error("table: \(message)", file: file, at: location))
            }
        }
        if !diagnostics.isEmpty {
            throw DiagnosticError(diagnostics: diagnostics, sources: [file: plan.document.source])
        }
    }
}
