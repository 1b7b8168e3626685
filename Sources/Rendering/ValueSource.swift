import Document
import Planning
import RunCache

/// The one place a value reference becomes a value: a run's through `RunValue.of`, the document's
/// through `ReportTotals`. Plain values, arithmetic and claims all read their values here.
public struct ValueSource {
    public let plan: Plan
    /// Records by run id, for the runs that have results.
    public let records: [String: RunRecord]
    /// Why a run of the plan has no record: "failed" in a build, "is not cached" for `report check`.
    public let absence: String
    /// `report.cold_build_time`, replayed once when the document uses it.
    private let coldBuild: Result<ColdBuildTime.Replay, ColdBuildTime.Problem>?

    public init(plan: Plan, records: [String: RunRecord], absence: String) {
        self.plan = plan
        self.records = records
        self.absence = absence
        let used = plan.document.expressions.contains { expression in
            expression.references.contains { $0.run.id == ReportTotals.id && $0.path == ["cold_build_time"] }
        }
        coldBuild = used ? ColdBuildTime.estimate(plan: plan, records: records) : nil
    }

    public func value(_ reference: ValueReference) -> ExpressionEvaluator.Lookup {
        if reference.run.id == ReportTotals.id && reference.run.selectors.isEmpty {
            if reference.path == ["cold_build_time"] {
                switch coldBuild ?? ColdBuildTime.estimate(plan: plan, records: records) {
                case .success(let replay): return .value(.number(replay.seconds, .seconds))
                case .failure(let problem): return .unavailable(run: ReportTotals.id, why: problem.message)
                }
            }
            return .value(ReportTotals.value(reference.path, plan: plan, records: records))
        }
        switch runs(of: reference) {
        case .failure(let problem): return problem.lookup
        case .success(let (unit, runs)): return .value(RunValue.of(reference.path, unit: unit, runs: runs))
        }
    }

    /// The standard deviation over seeds that `pm` prints after a seeded value (nil for one run).
    public func spread(_ reference: ValueReference) -> Double? {
        guard reference.run.id != ReportTotals.id, case .success(let (unit, runs)) = runs(of: reference)
        else {
            return nil
        }
        return RunValue.spread(of: reference.path, unit: unit, runs: runs)
    }

    /// The run, or the seed runs of a seeded member, that a reference names, with their records.
    private func runs(of reference: ValueReference) -> Result<
        (unit: String, runs: [(run: RunSpec, record: RunRecord)]), LookupProblem
    > {
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        guard
            case .success(let unit) = lookup.singleUnit(
                id: reference.run.id, selectors: reference.run.selectors)
        else {
            return .failure(
                LookupProblem(
                    .unavailable(run: reference.run.description, why: "\(reference.run) is not a run")))
        }
        switch DocumentRenderer.finished(unit, lookup: lookup, records: records) {
        case .failure(let missing):
            return .failure(LookupProblem(.unavailable(run: missing.id, why: "\(missing.id) \(absence)")))
        case .success(let runs): return .success((unit, runs))
        }
    }

    private struct LookupProblem: Error {
        var lookup: ExpressionEvaluator.Lookup
        init(_ lookup: ExpressionEvaluator.Lookup) { self.lookup = lookup }
    }

    public var evaluator: ExpressionEvaluator { ExpressionEvaluator(lookup: value) }
}
