import RunCache

/// Values of seeded members: the mean over seeds, or one statistic of them.
///
/// `q8.val_acc` of a member trained with `seeds: [1, 2, 3]` is the mean of its three runs'
/// values; `q8.val_acc.mean`, `.std` (the sample standard deviation, n − 1), `.min`, `.max` and
/// `.n` (the number of seeds) ask for one statistic, after any value that is a measured number:
/// a metric (`val_acc`, `val_acc@3`, `best.val_acc`), a time or a size. A run without seeds is a
/// member of one: its mean, min and max are its value, `.n` is 1 and `.std` has no value.
extension RunValue {
    public enum Statistic: String, CaseIterable { case mean, std, min, max, n }

    /// Measured numbers other than metrics: they aggregate over seeds too.
    static let measuredNumbers = [
        "epochs", "steps", "train_time", "eval_time", "epoch_time", "params", "flops", "threads",
    ]

    /// `["val_acc", "std"]` → (`["val_acc"]`, `.std`); a path without a statistic → (path, nil).
    public static func statistic(of path: [String]) -> (value: [String], statistic: Statistic?) {
        guard path.count >= 2, let last = path.last, let statistic = Statistic(rawValue: last) else {
            return (path, nil)
        }
        return (Array(path.dropLast()), statistic)
    }

    /// Whether `path` is a measured number (a metric, a time, a size), as opposed to a setting or a text.
    public static func isMeasured(_ path: [String], open: Bool = false) -> Bool {
        if path.count == 1, let (metric, _) = atEpoch(path[0]) { return isMetric(metric, open: open) }
        if path.count == 2 && path[0] == "best" { return isMetric(path[1], open: open) }
        return path.count == 1 && (isMetric(path[0], open: open) || measuredNumbers.contains(path[0]))
    }

    /// Whether `path` is a measured number of a finished run: for a run of a command, also a metric its
    /// epochs recorded under any name (but not one of its settings).
    static func isMeasured(_ path: [String], record: RunRecord) -> Bool {
        if isMeasured(path) { return true }
        guard record.command != nil else { return false }
        let name: String
        if path.count == 2 && path[0] == "best" {
            name = path[1]
        } else if path.count == 1 {
            name = atEpoch(path[0])?.metric ?? path[0]
        } else {
            return false
        }
        return record.metrics.epochs.contains { $0.metric(name) != nil }
    }

    /// Why a path with a statistic is not valid, or nil when it is; `nil` too for paths without one.
    static func statisticProblem(
        with path: [String], open: Bool = false, declared: MetricDeclarations = .none
    ) -> String? {
        let (value, statistic) = statistic(of: path)
        guard let statistic else { return nil }
        if let problem = problem(with: value, open: open, declared: declared) { return problem }
        guard isMeasured(value, open: open) else {
            return
                "'.\(statistic.rawValue)' aggregates a measured value over seeds (a metric, best.<metric>, <metric>@<epoch>, a time or a size); '\(value.joined(separator: "."))' is not one"
        }
        return nil
    }

    /// The value of `path` for `unit`: a run (`runs` is that run and its record) or a seeded member
    /// (`runs` are its seed runs, in seed order, with their records).
    public static func of(_ path: [String], unit: String, runs: [(run: RunSpec, record: RunRecord)])
        -> RunValue
    {
        let (valuePath, statistic) = statistic(of: path)
        guard let first = runs.first else { return .missing }
        guard runs.count > 1 || first.run.id != unit else {
            // One run: exactly as without seeds.
            let value = of(valuePath, run: first.run, record: first.record)
            switch statistic {
            case nil, .mean, .min, .max: return value
            case .n: return .number(1, .count)
            case .std: return .missing
            }
        }
        if statistic == .n { return .number(Double(runs.count), .count) }
        switch valuePath {
        case ["id"]: return .text(unit)
        case ["label"]: return .text(first.run.member?.label ?? unit)
        default: break
        }
        let values = runs.map { of(valuePath, run: $0.run, record: $0.record) }
        guard isMeasured(valuePath, record: first.record) else {
            // A setting or a text: the seeds' common value, else their values in seed order (`seed`: "1, 2, 3").
            var distinct: [String] = []
            for value in values {
                let text = ValueFormat.render(value, format: nil)
                if !distinct.contains(text) { distinct.append(text) }
            }
            return distinct.count == 1 ? values[0] : .text(distinct.joined(separator: ", "))
        }
        var numbers: [Double] = []
        var kind = Kind.plain
        for (value, entry) in zip(values, runs) {
            switch value {
            case .number(let number, let k):
                numbers.append(number)
                kind = k
            case .text(let text):
                // "diverged at epoch 3": a mean over the other seeds would hide it.
                return .text("\(text) (seed \(entry.run.member?.seed ?? 0))")
            case .missing:
                return .missing
            }
        }
        guard let statistics = SeedStatistics(numbers) else { return .missing }
        switch statistic {
        case nil, .mean: return .number(statistics.mean, kind)
        case .std: return statistics.standardDeviation.map { .number($0, kind) } ?? .missing
        case .min: return .number(statistics.minimum, kind)
        case .max: return .number(statistics.maximum, kind)
        case .n: return .number(Double(statistics.count), .count)
        }
    }

    /// The standard deviation that goes with `path` after a `±`: for a measured value without a
    /// statistic, of a member with at least two seeds; nil otherwise.
    public static func spread(of path: [String], unit: String, runs: [(run: RunSpec, record: RunRecord)])
        -> Double?
    {
        guard runs.count > 1, statistic(of: path).statistic == nil,
            let first = runs.first, isMeasured(path, record: first.record),
            case .number(let std, _) = of(path + ["std"], unit: unit, runs: runs)
        else { return nil }
        return std
    }
}
