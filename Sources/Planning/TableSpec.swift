import Document
import Engine
import Foundation
import Suggestions
import Yams

/// A table directive, checked: rows are runs, columns are values with optional formats.
public struct TableSpec {
    public struct Column {
        public var path: [String]
        public var format: ValueFormat?
        public var header: String
    }

    public var runIDs: [String]
    public var columns: [Column]
    public var caption: String?

    static let defaultColumns = ["label", "val_acc", "val_loss", "train_time", "params"]

    public static func parse(_ d: Directive, lookup: RunLookup, diagnostics: inout DiagnosticList)
        -> TableSpec
    {
        for entry in d.entries where !DirectiveKeys.table.contains(entry.key) {
            let hint = didYouMean(entry.key, among: DirectiveKeys.table)
            diagnostics.append(
                Diagnostic.error(
                    "unknown key '\(entry.key)' in table\(hint)", file: d.file, at: entry.keyLocation,
                    length: entry.key.count))
        }
        let runIDs = FigureSpec.resolveRuns(d, lookup: lookup, diagnostics: &diagnostics)
        var columns: [Column] = []
        let items: [Node] =
            d["columns"].map { entry in entry.value.sequence.map { Array($0) } ?? [entry.value] }
            ?? defaultColumns.map { Node($0) }
        for item in items {
            let text = item.scalar?.string ?? ""
            let parts = text.split(separator: "|", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let path = (parts.first ?? "").split(separator: ".").map(String.init)
            if let problem = RunValue.problem(
                with: path, open: runIDs.contains { lookup.isCommand($0) }, declared: lookup.metrics)
            {
                diagnostics.append(d.diagnostic(problem, at: item))
                continue
            }
            var format: ValueFormat?
            if parts.count == 2 {
                let spec = parts[1]
                let name = String(spec.prefix { $0 != "(" })
                let arguments =
                    spec.contains("(")
                    ? [String(spec.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" })] : []
                switch ValueFormat.parse(name: name, arguments: arguments) {
                case .success(let f): format = f
                case .failure(let error):
                    diagnostics.append(d.diagnostic(error.message, at: item))
                    continue
                }
            }
            columns.append(Column(path: path, format: format, header: header(for: path)))
        }
        return TableSpec(runIDs: runIDs, columns: columns, caption: d["caption"]?.value.scalar?.string)
    }

    public static func header(for path: [String]) -> String {
        if case (let value, let statistic?) = RunValue.statistic(of: path) {
            let words: [RunValue.Statistic: String] = [
                .mean: "mean", .std: "std", .min: "min", .max: "max", .n: "seeds",
            ]
            return header(for: value) + " (\(words[statistic] ?? statistic.rawValue))"
        }
        let names = [
            "label": "Run", "id": "Id", "loss": "Train loss", "acc": "Train acc.", "val_loss": "Val. loss",
            "val_acc": "Val. acc.", "error": "Train error", "val_error": "Val. error",
            "train_time": "Train time", "eval_time": "Eval time", "epoch_time": "Time/epoch",
            "params": "Parameters", "flops": "FLOPs/image", "epochs": "Epochs", "batch_size": "Batch size",
            "lr": "LR", "optimizer": "Optimizer", "dropout": "Dropout", "width": "Width", "model": "Model",
            "dataset": "Dataset", "momentum": "Momentum", "weight_decay": "Weight decay",
        ]
        if path.count == 2, path[0] == "best" { return "Best " + (names[path[1]] ?? path[1]).lowercased() }
        if path.count == 1, let (metric, epoch) = RunValue.atEpoch(path[0]) {
            return (names[metric] ?? metric) + (epoch == 0 ? " before training" : " at epoch \(epoch)")
        }
        let name = path.joined(separator: ".")
        return names[name] ?? name
    }
}
