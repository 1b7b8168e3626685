import Datasets
import Document
import Foundation
import Suggestions
import Yams

/// A figure directive, checked: which runs, which metrics per panel, against epoch, step or time.
public struct FigureSpec {
    public enum Axis: String { case epoch, step, time }
    public enum Kind: String { case line, bar }
    /// What the band around a seeded member's mean curve spans: ±1 sample standard deviation, the
    /// minimum to the maximum over its seeds, or nothing.
    public enum Band: String, CaseIterable { case std, minmax, none }

    /// A horizontal line: a fixed value, or another run's value of a metric (`val_acc`, `val_acc@0`).
    public struct Reference {
        public var value: Double?
        public var runID: String?
        public var metric: String?
        public var label: String?
        /// The metric family of the panels it is drawn on: `acc`, `loss` or `error`.
        public var family: String
    }

    public var id: String
    /// The runs shown, and the seeded members (`q8`, `q8[lr=0.1]`) drawn as one mean curve with a band.
    public var runIDs: [String]
    /// One panel per entry; a panel may overlay several metrics (`[loss, val_loss]`).
    public var panels: [[String]]
    public var x: Axis = .epoch
    public var kind: Kind = .line
    public var barMetric = "val_acc"
    public var title: String
    public var caption: String?
    public var labels: [String: String] = [:]
    public var smoothing: Double?
    public var logY = false
    /// Runs drawn grey, as the reference the others are compared with.
    public var baselineIDs: [String] = []
    public var references: [Reference] = []
    /// Fixed y ranges by panel: key "" for every panel, else a metric family (`acc`) or metric name.
    public var yRanges: [String: ClosedRange<Double>] = [:]
    /// Runs the y axes are scaled to.
    public var focusIDs: [String] = []
    /// Whether to draw the evaluation before training (epoch 0); `nil`: only for `init` runs.
    public var epochZero: Bool?
    /// One panel per metric, train and validation apart.
    public var split = false
    public var directLabels = true
    /// The band around seeded members' curves (and their error bars in bar charts).
    public var band: Band = .std
    /// `seeds: each`: `runIDs` are the seed runs of the members named; a bar chart groups them
    /// by member.
    public var seedsEach = false

    /// `acc`, `loss` or `error`: which kind of value a metric is.
    /// The axis a metric is drawn on: `acc`, `error` or `loss` for the engine's metrics and any
    /// metric named like one; another metric (a command's `val_f1`) shares an axis with its training
    /// counterpart only (`f1`).
    public static func family(of metric: String) -> String {
        let base = metric.split(separator: "@").first.map(String.init) ?? metric
        if base.hasSuffix("acc") { return "acc" }
        if base.hasSuffix("error") { return "error" }
        if base.contains("loss") || RunValue.metrics.contains(base) { return "loss" }
        return base.hasPrefix("val_") ? String(base.dropFirst(4)) : base
    }

    /// The longest figure id: `<id>.svg` and its temporary name must fit a 255-byte file name.
    static let maximumIDLength = 200

    /// Parses and validates a figure block; problems go to `diagnostics`.
    public static func parse(_ d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList)
        -> FigureSpec?
    {
        for entry in d.entries where !DirectiveKeys.figure.contains(entry.key) {
            let hint = didYouMean(entry.key, among: DirectiveKeys.figure)
            diagnostics.append(
                Diagnostic.error(
                    "unknown key '\(entry.key)' in \(d.displayName)\(hint)", file: d.file,
                    at: entry.keyLocation, length: entry.key.count))
        }
        guard let id = d.id, DirectiveKeys.isValidID(id) else {
            if !d.entries.isEmpty {
                diagnostics.append(
                    Diagnostic.error(
                        "figure needs an 'id' of letters, digits, '-' and '_' (it names figures/<id>.svg)",
                        file: d.file, at: d["id"]?.valueLocation ?? d.location))
            }
            return nil
        }
        // The id names the file figures/<id>.svg: it must fit a file name (255 bytes on common file systems).
        guard id.utf8.count <= maximumIDLength else {
            diagnostics.append(
                Diagnostic.error(
                    "figure id is \(id.utf8.count) characters long; the limit is \(maximumIDLength) (it names figures/<id>.svg)",
                    file: d.file, at: d["id"]?.valueLocation ?? d.location, length: min(id.count, 40)))
            return nil
        }
        var spec = FigureSpec(
            id: id, runIDs: [], panels: [["loss"], ["val_acc"]], title: d["title"]?.value.scalar?.string ?? ""
        )
        spec.runIDs = resolveRuns(d, lookup: lookup, diagnostics: &diagnostics)
        spec.seedsEach = d["seeds"]?.value.scalar?.string == "each"
        // The author's commands record metrics of any name; whether each run has them is checked once
        // the runs are cached (`MetricCheck`).
        let open = spec.runIDs.contains { lookup.isCommand($0) }
        spec.caption = d["caption"]?.value.scalar?.string
        if let entry = d["type"] {
            guard let kind = entry.value.scalar.flatMap({ Kind(rawValue: $0.string) }) else {
                diagnostics.append(d.diagnostic("figure 'type' is line or bar", at: entry.value))
                return nil
            }
            spec.kind = kind
        }
        if let entry = d["metric"] {
            let name = entry.value.scalar?.string ?? ""
            if RunValue.isMetric(name, open: open) {
                spec.barMetric = name
            } else {
                diagnostics.append(
                    d.diagnostic(
                        "unknown metric '\(name)'; metrics are \(RunValue.metrics.joined(separator: ", "))",
                        at: entry.value))
            }
        }
        if let entry = d["metrics"] {
            var panels: [[String]] = []
            for item in entry.value.sequence.map({ Array($0) }) ?? [entry.value] {
                let names =
                    item.sequence.map { $0.compactMap { $0.scalar?.string } } ?? [item.scalar?.string ?? ""]
                for (index, name) in names.enumerated() where !RunValue.isMetric(name, open: open) {
                    let node = item.sequence.map { Array($0)[index] } ?? item
                    let hint = didYouMean(name, among: RunValue.metrics)
                    diagnostics.append(
                        d.diagnostic(
                            "unknown metric '\(name)'\(hint); metrics are \(RunValue.metrics.joined(separator: ", "))",
                            at: node))
                }
                panels.append(names)
            }
            spec.panels = panels
        }
        if let entry = d["x"] {
            if let axis = entry.value.scalar.flatMap({ Axis(rawValue: $0.string) }) {
                spec.x = axis
            } else {
                diagnostics.append(d.diagnostic("'x' is epoch, step or time", at: entry.value))
            }
        }
        if spec.x == .step, let entry = d["x"] {
            // A short run logs its training loss too rarely for a curve against steps.
            for id in spec.runIDs {
                guard let config = lookup.runIDs(ofUnit: id).first.flatMap({ lookup.runs[$0]?.config }) else {
                    continue
                }
                let count = config.data.trainCount
                let images = min(config.trainSamples ?? count, count)
                let steps = (images + max(1, config.batchSize) - 1) / max(1, config.batchSize) * config.epochs
                let points = steps / max(1, config.logInterval)
                guard points < 10, steps > 0 else { continue }
                let interval = max(1, steps / 20)
                diagnostics.append(
                    d.diagnostic(
                        "run '\(id)' trains \(steps) step\(steps == 1 ? "" : "s") and logs its loss every \(config.logInterval), so its step curve has \(points) point\(points == 1 ? "" : "s"); set log_interval: \(interval) in its experiment",
                        at: entry.value, severity: .warning))
                break
            }
        }
        for (key, keyPath) in [("split", \FigureSpec.split), ("direct_labels", \FigureSpec.directLabels)] {
            guard let entry = d[key] else { continue }
            if let value = entry.value.bool {
                spec[keyPath: keyPath] = value
            } else {
                diagnostics.append(d.diagnostic("'\(key)' is true or false", at: entry.value))
            }
        }
        if let entry = d["band"] {
            if let band = entry.value.scalar.flatMap({ Band(rawValue: $0.string) }) {
                spec.band = band
            } else {
                diagnostics.append(
                    d.diagnostic(
                        "'band' is std (±1 standard deviation over seeds, the default), minmax or none",
                        at: entry.value))
            }
        }
        if let entry = d["epoch0"] {
            if let value = entry.value.bool {
                spec.epochZero = value
            } else {
                diagnostics.append(
                    d.diagnostic(
                        "'epoch0' is true or false (default: true for runs with 'init')", at: entry.value))
            }
        }
        if let entry = d["baseline"] {
            spec.baselineIDs = runList(entry.value, in: d, lookup: lookup, diagnostics: &diagnostics)
        }
        if let entry = d["focus"] {
            spec.focusIDs = runList(entry.value, in: d, lookup: lookup, diagnostics: &diagnostics)
        }
        if let entry = d["y"] { spec.yRanges = parseRanges(entry.value, in: d, diagnostics: &diagnostics) }
        if let entry = d["reference"] {
            for item in entry.value.sequence.map({ Array($0) }) ?? [entry.value] {
                if let reference = parseReference(item, in: d, lookup: lookup, diagnostics: &diagnostics) {
                    spec.references.append(reference)
                }
            }
        }
        if let entry = d["smoothing"] {
            if let value = entry.value.float, value >= 0, value < 1 {
                spec.smoothing = value > 0 ? value : nil
            } else {
                diagnostics.append(
                    d.diagnostic("'smoothing' is a weight in [0, 1), like 0.6", at: entry.value))
            }
        }
        if let entry = d["log_y"] {
            if let value = entry.value.bool {
                spec.logY = value
            } else {
                diagnostics.append(d.diagnostic("'log_y' is true or false", at: entry.value))
            }
        }
        if let entry = d["labels"] {
            if let mapping = entry.value.mapping {
                for (key, value) in mapping {
                    let runText = key.scalar?.string ?? ""
                    guard let reference = RunLookup.parse(runText),
                        case .success(let ids) = lookup.units(
                            id: reference.id, selectors: reference.selectors)
                    else {
                        diagnostics.append(d.diagnostic("'labels' names unknown run '\(runText)'", at: key))
                        continue
                    }
                    for runID in ids { spec.labels[runID] = value.scalar?.string ?? runText }
                }
            } else {
                diagnostics.append(d.diagnostic("'labels' maps run ids to labels", at: entry.value))
            }
        }
        return spec
    }

    /// The run ids a list (or a single id) names, each sweep expanded to its members.
    static func runList(
        _ node: Node, in d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList
    )
        -> [String]
    {
        var ids: [String] = []
        for item in node.sequence.map({ Array($0) }) ?? [node] {
            let text = item.scalar?.string ?? ""
            guard let reference = RunLookup.parse(text) else {
                diagnostics.append(d.diagnostic("'\(text)' is not a run id", at: item))
                continue
            }
            switch lookup.units(id: reference.id, selectors: reference.selectors) {
            case .success(let found): ids += found.filter { !ids.contains($0) }
            case .failure(let error): diagnostics.append(d.diagnostic(error.message, at: item))
            }
        }
        return ids
    }

    /// `[0.75, 0.9]` for every panel, or `{acc: [0.75, 0.9], val_loss: [0.2, 0.6]}` by metric family or name.
    static func parseRanges(_ node: Node, in d: Directive, diagnostics: inout DiagnosticList)
        -> [String:
        ClosedRange<Double>]
    {
        func range(_ node: Node) -> ClosedRange<Double>? {
            guard let items = node.sequence.map({ Array($0) }), items.count == 2,
                let low = items[0].float, let high = items[1].float, low.isFinite, high.isFinite, low < high
            else {
                diagnostics.append(
                    d.diagnostic("a y range is two increasing numbers, like [0.75, 0.9]", at: node))
                return nil
            }
            return low...high
        }
        if let mapping = node.mapping {
            var result: [String: ClosedRange<Double>] = [:]
            let names = ["acc", "loss", "error"] + RunValue.metrics
            for (key, value) in mapping {
                let name = key.scalar?.string ?? ""
                guard names.contains(name) else {
                    let hint = didYouMean(name, among: names)
                    diagnostics.append(
                        d.diagnostic(
                            "'y' maps acc, loss, error or a metric to a range; not '\(name)'\(hint)", at: key)
                    )
                    continue
                }
                if let r = range(value) { result[name] = r }
            }
            return result
        }
        return range(node).map { ["": $0] } ?? [:]
    }

    /// `{y: 0.1, label: chance}`, `{y: ln10, label: uniform}` or `{run: q1-fmnist, metric: val_acc}`;
    /// `on: acc|loss|error` picks the panels (by default: the metric's family; for a number, loss
    /// above 1 or for ln10, accuracy otherwise).
    static func parseReference(
        _ node: Node, in d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList
    ) -> Reference? {
        guard let mapping = node.mapping else {
            diagnostics.append(
                d.diagnostic("a reference is {y: VALUE, label: TEXT} or {run: RUN, metric: METRIC}", at: node)
            )
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            guard ["y", "run", "metric", "label", "on"].contains(name) else {
                diagnostics.append(
                    d.diagnostic(
                        "unknown key '\(name)' in a reference; keys are y, run, metric, label, on", at: key))
                return nil
            }
            fields[name] = value
        }
        var reference = Reference(label: fields["label"]?.scalar?.string, family: "acc")
        if let y = fields["y"] {
            let text = (y.scalar?.string ?? "").replacingOccurrences(of: " ", with: "")
            if ["ln10", "ln(10)"].contains(text) {
                reference.value = log(10.0)
                reference.family = "loss"
                if reference.label == nil { reference.label = "ln 10" }
            } else if let value = y.float, value.isFinite {
                reference.value = value
                reference.family = value > 1 ? "loss" : "acc"
            } else {
                diagnostics.append(d.diagnostic("'y' is a number or ln10", at: y))
                return nil
            }
        } else if let run = fields["run"] {
            let ids = runList(run, in: d, lookup: lookup, diagnostics: &diagnostics)
            guard ids.count == 1 else {
                if ids.count > 1 {
                    diagnostics.append(d.diagnostic("a reference names one run, not \(ids.count)", at: run))
                }
                return nil
            }
            let metric = fields["metric"]?.scalar?.string ?? "val_acc"
            guard
                RunValue.isMetric(RunValue.atEpoch(metric)?.metric ?? metric, open: lookup.isCommand(ids[0]))
            else {
                diagnostics.append(
                    d.diagnostic(
                        "'metric' of a reference is one of \(RunValue.metrics.joined(separator: ", ")), optionally @EPOCH",
                        at: fields["metric"] ?? run))
                return nil
            }
            reference.runID = ids[0]
            reference.metric = metric
            reference.family = family(of: metric)
        } else {
            diagnostics.append(
                d.diagnostic("a reference needs 'y' (a value) or 'run' (and 'metric')", at: node))
            return nil
        }
        if let on = fields["on"] {
            let name = on.scalar?.string ?? ""
            guard ["acc", "loss", "error"].contains(name) else {
                diagnostics.append(d.diagnostic("'on' is acc, loss or error", at: on))
                return nil
            }
            reference.family = name
        }
        return reference
    }

    /// The run ids a `runs:` list names, each sweep expanded to its members.
    static func resolveRuns(_ d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList)
        -> [String]
    {
        guard let entry = d["runs"] else {
            diagnostics.append(
                Diagnostic.error(
                    "\(d.displayName) needs 'runs', a list of run or sweep ids", file: d.file, at: d.location)
            )
            return []
        }
        var ids: [String] = []
        for item in entry.value.sequence.map({ Array($0) }) ?? [entry.value] {
            let text = item.scalar?.string ?? ""
            guard let reference = RunLookup.parse(text) else {
                diagnostics.append(
                    d.diagnostic(
                        "'\(text)' is not a run id; ids use letters, digits, '-' and '_' (quote 'id[key=value]' inside a list)",
                        at: item))
                continue
            }
            switch lookup.units(id: reference.id, selectors: reference.selectors) {
            case .success(let found): ids += found.filter { !ids.contains($0) }
            case .failure(let error): diagnostics.append(d.diagnostic(error.message, at: item))
            }
        }
        // `seeds: each`: a seeded member's seed runs one by one (rows, curves, bars) instead of their mean.
        if let entry = d["seeds"] {
            switch entry.value.scalar?.string {
            case "each":
                var each: [String] = []
                for id in ids { each += lookup.runIDs(ofUnit: id).filter { !each.contains($0) } }
                return each
            case "mean": break
            default:
                diagnostics.append(
                    d.diagnostic(
                        "'seeds' in a \(d.kind.rawValue) is mean (a seeded run's mean over its seeds, the default) or each (every seed on its own)",
                        at: entry.value))
            }
        }
        return ids
    }
}
