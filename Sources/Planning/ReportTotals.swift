import RunCache

/// Values about the whole document rather than one run: `{{ report.train_time }}` is the training time
/// of all its distinct runs together, `{{ report.runs }}` their number, `{{ report.machine }}` where they ran,
/// `{{ report.cold_build_time }}` how long building it from an empty cache takes there (`ColdBuildTime`).
public enum ReportTotals {
    public static let id = "report"
    public static let names = ["runs", "train_time", "eval_time", "machine", "cold_build_time"]

    public static func problem(with path: [String]) -> String? {
        let name = path.joined(separator: ".")
        if names.contains(name) { return nil }
        return "unknown report value '\(name)'; report values are \(names.joined(separator: ", "))"
    }

    public static func value(_ path: [String], plan: Plan, records: [String: RunRecord]) -> RunValue {
        var distinct: [String: RunRecord] = [:]
        for (id, record) in records { if let key = plan.keys[id] { distinct[key] = record } }
        let all = distinct.keys.sorted().compactMap { distinct[$0] }
        switch path.joined(separator: ".") {
        case "runs": return .number(Double(all.count), .count)
        case "train_time": return .number(all.reduce(0) { $0 + $1.metrics.trainSeconds }, .seconds)
        case "eval_time":
            return .number(
                all.reduce(0) { $0 + $1.metrics.evalSeconds }, .seconds)
        case "machine":
            let machines = Set(all.map(\.machine)).sorted()
            return machines.isEmpty ? .missing : .text(machines.joined(separator: "; "))
        case "cold_build_time":
            guard case .success(let replay) = ColdBuildTime.estimate(plan: plan, records: records) else {
                return .missing
            }
            return .number(replay.seconds, .seconds)
        default: return .missing
        }
    }
}
