import Document
import Suggestions
import Yams

/// A figure directive, checked: which runs, which metrics per panel, against epoch or step.
struct FigureSpec {
    enum Axis: String { case epoch, step }
    enum Kind: String { case line, bar }

    var id: String
    var runIDs: [String]
    /// One panel per entry; a panel may overlay several metrics (`[loss, val_loss]`).
    var panels: [[String]]
    var x: Axis = .epoch
    var kind: Kind = .line
    var barMetric = "val_acc"
    var title: String
    var caption: String?
    var labels: [String: String] = [:]
    var smoothing: Double?
    var logY = false

    /// The longest figure id: `<id>.svg` and its temporary name must fit a 255-byte file name.
    static let maximumIDLength = 200

    /// Parses and validates a figure block; problems go to `diagnostics`.
    static func parse(_ d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList) -> FigureSpec? {
        for entry in d.entries where !DirectiveKeys.figure.contains(entry.key) {
            let hint = suggestion(for: entry.key, among: DirectiveKeys.figure).map { " (did you mean '\($0)'?)" } ?? ""
            diagnostics.append(Diagnostic.error("unknown key '\(entry.key)' in \(d.displayName)\(hint)", file: d.file,
                                                at: entry.keyLocation, length: entry.key.count))
        }
        guard let id = d.id, DirectiveKeys.isValidID(id) else {
            if !d.entries.isEmpty {
                diagnostics.append(Diagnostic.error("figure needs an 'id' of letters, digits, '-' and '_' (it names figures/<id>.svg)",
                                                    file: d.file, at: d["id"]?.valueLocation ?? d.location))
            }
            return nil
        }
        // The id names the file figures/<id>.svg: it must fit a file name (255 bytes on common file systems).
        guard id.utf8.count <= maximumIDLength else {
            diagnostics.append(Diagnostic.error(
                "figure id is \(id.utf8.count) characters long; the limit is \(maximumIDLength) (it names figures/<id>.svg)",
                file: d.file, at: d["id"]?.valueLocation ?? d.location, length: min(id.count, 40)))
            return nil
        }
        var spec = FigureSpec(id: id, runIDs: [], panels: [["loss"], ["val_acc"]], title: d["title"]?.value.scalar?.string ?? id)
        spec.runIDs = resolveRuns(d, lookup: lookup, diagnostics: &diagnostics)
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
            if RunValue.metrics.contains(name) { spec.barMetric = name } else {
                diagnostics.append(d.diagnostic("unknown metric '\(name)'; metrics are \(RunValue.metrics.joined(separator: ", "))", at: entry.value))
            }
        }
        if let entry = d["metrics"] {
            var panels: [[String]] = []
            for item in entry.value.sequence.map({ Array($0) }) ?? [entry.value] {
                let names = item.sequence.map { $0.compactMap { $0.scalar?.string } } ?? [item.scalar?.string ?? ""]
                for (index, name) in names.enumerated() where !RunValue.metrics.contains(name) {
                    let node = item.sequence.map { Array($0)[index] } ?? item
                    let hint = suggestion(for: name, among: RunValue.metrics).map { " (did you mean '\($0)'?)" } ?? ""
                    diagnostics.append(d.diagnostic("unknown metric '\(name)'\(hint); metrics are \(RunValue.metrics.joined(separator: ", "))", at: node))
                }
                panels.append(names)
            }
            spec.panels = panels
        }
        if let entry = d["x"] {
            if let axis = entry.value.scalar.flatMap({ Axis(rawValue: $0.string) }) { spec.x = axis } else {
                diagnostics.append(d.diagnostic("'x' is epoch or step", at: entry.value))
            }
        }
        if let entry = d["smoothing"] {
            if let value = entry.value.float, value >= 0, value < 1 { spec.smoothing = value > 0 ? value : nil } else {
                diagnostics.append(d.diagnostic("'smoothing' is a weight in [0, 1), like 0.6", at: entry.value))
            }
        }
        if let entry = d["log_y"] {
            if let value = entry.value.bool { spec.logY = value } else { diagnostics.append(d.diagnostic("'log_y' is true or false", at: entry.value)) }
        }
        if let entry = d["labels"] {
            if let mapping = entry.value.mapping {
                for (key, value) in mapping {
                    let runText = key.scalar?.string ?? ""
                    guard let reference = RunLookup.parse(runText), case .success(let ids) = lookup.runs(id: reference.id, selectors: reference.selectors) else {
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

    /// The run ids a `runs:` list names, each sweep expanded to its members.
    static func resolveRuns(_ d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList) -> [String] {
        guard let entry = d["runs"] else {
            diagnostics.append(Diagnostic.error("\(d.displayName) needs 'runs', a list of run or sweep ids", file: d.file, at: d.location))
            return []
        }
        var ids: [String] = []
        for item in entry.value.sequence.map({ Array($0) }) ?? [entry.value] {
            let text = item.scalar?.string ?? ""
            guard let reference = RunLookup.parse(text) else {
                diagnostics.append(d.diagnostic("'\(text)' is not a run id; ids use letters, digits, '-' and '_' (quote 'id[key=value]' inside a list)", at: item))
                continue
            }
            switch lookup.runs(id: reference.id, selectors: reference.selectors) {
            case .success(let found): ids += found.filter { !ids.contains($0) }
            case .failure(let error): diagnostics.append(d.diagnostic(error.message, at: item))
            }
        }
        return ids
    }
}
