import Document

/// The one place a value reference becomes a value: a run's through `RunValue.of`, the document's
/// through `ReportTotals`. Plain values, arithmetic and claims all read their values here.
struct ValueSource {
    let plan: Plan
    /// Records by run id, for the runs that have results.
    let records: [String: RunRecord]
    /// Why a run of the plan has no record: "failed" in a build, "is not cached" for `report check`.
    let absence: String
    /// `report.cold_build_time`, replayed once when the document uses it.
    private let coldBuild: Result<ColdBuildTime.Replay, ColdBuildTime.Problem>?

    init(plan: Plan, records: [String: RunRecord], absence: String) {
        self.plan = plan
        self.records = records
        self.absence = absence
        let used = plan.document.expressions.contains { expression in
            expression.references.contains { $0.run.id == ReportTotals.id && $0.path == ["cold_build_time"] }
        }
        coldBuild = used ? ColdBuildTime.estimate(plan: plan, records: records) : nil
    }

    func value(_ reference: ValueReference) -> ExpressionEvaluator.Lookup {
        if reference.run.id == ReportTotals.id && reference.run.selectors.isEmpty {
            if reference.path == ["cold_build_time"] {
                switch coldBuild ?? ColdBuildTime.estimate(plan: plan, records: records) {
                case .success(let replay): return .value(.number(replay.seconds, .seconds))
                case .failure(let problem): return .unavailable(run: ReportTotals.id, why: problem.message)
                }
            }
            return .value(ReportTotals.value(reference.path, plan: plan, records: records))
        }
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        guard case .success(let id) = lookup.single(id: reference.run.id, selectors: reference.run.selectors),
            let run = plan.runs[id]
        else { return .unavailable(run: reference.run.description, why: "\(reference.run) is not a run") }
        guard let record = records[id] else { return .unavailable(run: id, why: "\(id) \(absence)") }
        return .value(RunValue.of(reference.path, run: run, record: record))
    }

    var evaluator: ExpressionEvaluator { ExpressionEvaluator(lookup: value) }
}
