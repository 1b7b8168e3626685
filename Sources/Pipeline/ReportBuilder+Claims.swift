import Configuration
import Document
import Foundation
import Planning
import Rendering
import RunCache

extension ReportBuilder {
    /// The records of the plan's runs that are in the cache and intact, by run id.
    func cachedRecords(_ plan: Plan) -> [String: RunRecord] {
        var records: [String: RunRecord] = [:]
        var byKey: [String: RunRecord?] = [:]
        for id in plan.runOrder {
            guard let run = plan.runs[id], let key = plan.keys[id] else { continue }
            if byKey[key] == nil {
                byKey[key] = store.entry(key, config: run.canonicalConfig).record
            }
            if let record = byKey[key] ?? nil { records[id] = record }
        }
        return records
    }

    /// `report check`: the claims whose runs are all cached are evaluated; the others are unchecked.
    public func checkClaims(_ plan: Plan) -> ClaimReport {
        // A document without claims reads nothing from the cache.
        guard plan.document.expressions.contains(where: \.isClaim) else {
            return ClaimReport(file: plan.document.path)
        }
        return ClaimCheck.run(
            plan: plan,
            source: ValueSource(plan: plan, records: cachedRecords(plan), absence: "is not cached"))
    }

    /// `report status`: the cold build time from the cached records, or why it is unknown.
    public func coldBuildTime(_ plan: Plan) -> Result<
        (
            seconds: Double, formatted: String, trainings: Int, jobs: Int, machine: String,
            otherThreads: [String]
        ),
        Error
    > {
        switch ColdBuildTime.estimate(plan: plan, records: cachedRecords(plan)) {
        case .success(let replay):
            return .success(
                (
                    replay.seconds, ValueFormat.duration(replay.seconds), replay.trainings, replay.slots,
                    replay.machine, replay.otherThreads
                ))
        case .failure(let problem): return .failure(problem)
        }
    }
}
