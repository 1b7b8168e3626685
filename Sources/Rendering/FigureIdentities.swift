import Configuration
import Figures
import Planning

/// One style and one label per run for a whole document, so that a run looks the same in every
/// figure: the first figure a run appears in decides its colour and marker.
///
/// - A run named `baseline:` in any figure is grey without markers everywhere, and so is every run
///   with the same configuration (the same cache key), such as the default member of a sweep.
/// - When the other runs of a figure differ in exactly one numeric setting (a learning-rate or
///   dropout sweep), they take the sequential ramp in the order of that value.
/// - Otherwise each new run takes the first categorical colour no other run of the figure has.
struct FigureIdentities {
    private(set) var styles: [String: SeriesStyle] = [:]
    private(set) var labels: [String: String] = [:]

    /// The identities for every figure of `plan`, in document order.
    public init(plan: Plan) {
        let figures = plan.document.segments.compactMap { segment -> FigureSpec? in
            guard case .directive(let d) = segment, d.kind == .figure else { return nil }
            return plan.figures[d.location]
        }
        // A baseline is a training, not an id: a sweep member with the baseline's configuration (the
        // 1× member of a sweep around the defaults) is the same run and is grey too.
        let baselineKeys = Set(figures.flatMap(\.baselineIDs).compactMap { plan.keys[$0] })
        let baselineRuns = Set(
            plan.runOrder.filter { id in
                figures.flatMap(\.baselineIDs).contains(id)
                    || plan.keys[id].map(baselineKeys.contains) == true
            })
        // A seeded member (`q8`, `q8[lr=0.1]`) is drawn as one curve: its identity is its first seed
        // run's, under the member's id and label.
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        var units = plan.runs
        for figure in figures {
            for id in Self.styledIDs(of: figure, runs: plan.runs) + figure.baselineIDs where units[id] == nil
            {
                guard var run = lookup.runIDs(ofUnit: id).first.flatMap({ plan.runs[$0] }) else { continue }
                run.id = id
                run.label = run.member?.label ?? id
                units[id] = run
            }
        }
        let baselines = baselineRuns.union(figures.flatMap(\.baselineIDs))
        for id in baselines { styles[id] = Palette.baseline }
        for figure in figures {
            let shown = Self.styledIDs(of: figure, runs: plan.runs)
            for id in shown where labels[id] == nil {
                labels[id] = figure.labels[id] ?? units[id].map(Self.readableLabel) ?? id
            }
            let members = shown.filter { !baselines.contains($0) }
            if let ordered = Self.orderedMembers(members, runs: units) {
                for (position, id) in ordered.enumerated() where styles[id] == nil {
                    styles[id] = Palette.ordered(position, of: ordered.count)
                }
                continue
            }
            for id in members where styles[id] == nil {
                let others = shown.compactMap { styles[$0] }
                let taken = Set(others.map(\.color))
                let takenPairs = Set(others.map { "\($0.color) \($0.marker)" })
                let index =
                    (0..<Palette.okabeIto.count).first { !taken.contains(Palette.style(at: $0).color) }
                    ?? (0..<Palette.okabeIto.count * Palette.markers.count).first {
                        let style = Palette.style(at: $0)
                        return !takenPairs.contains("\(style.color) \(style.marker)")
                    } ?? 0
                styles[id] = Palette.style(at: index)
            }
        }
    }

    /// The ids of a figure that take a colour: its runs, or for a bar chart of `seeds: each` the
    /// members whose seed runs it shows (each group of bars is drawn in its member's colour).
    static func styledIDs(of figure: FigureSpec, runs: [String: RunSpec]) -> [String] {
        guard figure.kind == .bar && figure.seedsEach else { return figure.runIDs }
        var ids: [String] = []
        for id in figure.runIDs {
            let unit = runs[id]?.member?.id ?? id
            if !ids.contains(unit) { ids.append(unit) }
        }
        return ids
    }

    /// `ids` sorted by the one numeric setting in which they differ, or `nil` when they are not
    /// such a set (fewer than two runs, several differing settings, or a non-numeric one).
    static func orderedMembers(_ ids: [String], runs: [String: RunSpec]) -> [String]? {
        guard ids.count >= 2 else { return nil }
        let entries = ids.compactMap { runs[$0]?.settingEntries }
        guard entries.count == ids.count else { return nil }
        var differing: Set<String> = []
        for entry in entries.dropFirst() {
            for (key, value) in entry where entries[0].first(where: { $0.key == key })?.value != value {
                differing.insert(key)
            }
            for (key, _) in entries[0] where !entry.contains(where: { $0.key == key }) {
                differing.insert(key)
            }
        }
        guard differing.count == 1, let key = differing.first else { return nil }
        let values = entries.map { entry in entry.first { $0.key == key }.flatMap { Double($0.value) } }
        guard values.allSatisfy({ $0 != nil }), Set(values.compactMap { $0 }).count == ids.count else {
            return nil
        }
        return zip(ids, values).sorted { ($0.1 ?? 0) < ($1.1 ?? 0) }.map(\.0)
    }

    /// A run's label for figures: its `label`, with swept settings in words ("dropout 0.25",
    /// "batch 32", "Adam") instead of `key=value`.
    static func readableLabel(_ run: RunSpec) -> String {
        // The whole address, or (after a case's own label) its swept part.
        for pairs in [run.swept[...], run.swept.dropFirst(run.caseKeys)] where !pairs.isEmpty {
            let raw = pairs.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            let words = pairs.map { Self.words(key: $0.key, value: $0.value) }.joined(separator: ", ")
            if run.label == raw { return words }
            if run.label.hasSuffix(" " + raw) {
                return String(run.label.dropLast(raw.count + 1)) + " " + words
            }
        }
        return run.label
    }

    /// One setting as a reader says it.
    public static func words(key: String, value: String) -> String {
        switch key {
        case "optimizer":
            return ["sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"][value] ?? value
        case "dataset": return ["mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"][value] ?? value
        case "batch_size": return "batch \(value)"
        case "width": return "width \(value)×"
        case "epochs": return "\(value) epochs"
        case "nesterov": return value == "true" ? "Nesterov" : "no Nesterov"
        default: return key.replacingOccurrences(of: "_", with: " ") + " " + value
        }
    }
}
