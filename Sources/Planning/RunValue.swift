import Configuration
import Document
import Engine
import Foundation
import RunCache
import Suggestions

/// A value a document can show: `val_acc`, `best.val_loss`, `train_time`, `params`, or any training key.
public enum RunValue: Sendable {
    /// What a number measures, which decides how it prints when no format is given.
    public enum Kind: Sendable { case fraction, loss, seconds, count, plain }

    case number(Double, Kind)
    case text(String)
    /// The run has no such value (a training metric of an evaluation-only run).
    case missing

    public static let metrics = [
        "loss", "acc", "val_loss", "val_acc", "error", "val_error", "test_loss", "test_acc", "test_error",
    ]
    public static let measured = [
        "epochs", "steps", "train_time", "eval_time", "epoch_time", "params", "flops", "threads", "machine",
        "label", "id", "key",
    ]

    /// Whether `name` is a metric: one of the engine's, or (`open`: the runs are the author's commands,
    /// which record metrics of any name) any name a script could write, like `val_f1` or `bleu`.
    public static func isMetric(_ name: String, open: Bool) -> Bool {
        metrics.contains(name)
            || (open && !measured.contains(name) && CommandSpec.isPlaceholderName(name)
                && !name.contains("-"))
    }

    /// Whether a larger value of the metric is better: accuracies and scores are, losses, errors and times
    /// are not; nil when the name does not say.
    public static func higherIsBetter(_ metric: String) -> Bool? {
        let name = metric.lowercased()
        let lower = ["loss", "error", "err", "mse", "mae", "rmse", "perplexity", "ppl", "time", "nll"]
        let higher = [
            "acc", "f1", "bleu", "auc", "precision", "recall", "score", "iou", "map", "rouge", "r2",
        ]
        let words = name.split(whereSeparator: { $0 == "_" || $0 == "-" }).map(String.init)
        if name.hasSuffix("_s") || words.contains(where: { lower.contains($0) }) || name.contains("loss") {
            return false
        }
        if words.contains(where: { higher.contains($0) }) || name.contains("acc") { return true }
        return nil
    }

    /// Why a value path is not valid, or nil when it is. `open`: the runs are the author's commands
    /// (see ``isMetric(_:open:)``).
    public static func problem(
        with path: [String], open: Bool = false, declared: MetricDeclarations = .none
    ) -> String? {
        if statistic(of: path).statistic != nil {
            return statisticProblem(with: path, open: open, declared: declared)
        }
        let name = path.joined(separator: ".")
        if path.count == 1, let (metric, _) = atEpoch(name) {
            return isMetric(metric, open: open)
                ? nil
                : "unknown metric '\(metric)' before '@'; metrics are \(metrics.joined(separator: ", "))"
        }
        if path.count == 2 && path[0] == "best" {
            guard isMetric(path[1], open: open) else {
                return
                    "unknown metric '\(path[1])' after 'best.'; metrics are \(metrics.joined(separator: ", "))"
            }
            return declared.higherIsBetter(path[1]) == nil
                ? "'best.\(path[1])': the name does not say whether a higher or a lower \(path[1]) is better; declare it in a metrics block ('\(path[1]): higher' or 'lower')"
                : nil
        }
        if path.count == 1
            && (isMetric(name, open: open) || measured.contains(name) || SettingKey.names.contains(name))
        {
            return nil
        }
        let all = metrics + metrics.map { "best.\($0)" } + measured + SettingKey.names
        let hint = didYouMean(name, among: all)
        return
            "unknown value '\(name)'\(hint); values are \(metrics.joined(separator: ", ")), best.<metric>, <metric>@<epoch>, \(measured.joined(separator: ", ")) and the training keys, and .mean, .std, .min, .max, .n after a measured one"
    }

    /// How a metric prints when no format is given: accuracies and errors as percentages, times as
    /// durations, losses with four decimals, anything else as written.
    public static func kind(ofMetric name: String) -> Kind {
        if metrics.contains(name) {
            return name.hasSuffix("acc") || name.hasSuffix("error") ? .fraction : .loss
        }
        if name.hasSuffix("_s") { return .seconds }
        if name.hasSuffix("acc") || name.hasPrefix("acc") || name.hasSuffix("_error") { return .fraction }
        // Anything else (`val_f1`, `bleu`) prints like a loss, with four decimals.
        return .loss
    }

    /// `val_acc@0` → (`val_acc`, 0): a metric at one epoch (0 is the evaluation before training).
    public static func atEpoch(_ name: String) -> (metric: String, epoch: Int)? {
        let parts = name.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let epoch = Int(parts[1]), epoch >= 0, parts[1].allSatisfy(\.isASCII) else {
            return nil
        }
        return (String(parts[0]), epoch)
    }

    /// The value of `path` for a finished run.
    public static func of(_ path: [String], run: RunSpec, record: RunRecord) -> RunValue {
        let metrics = record.metrics
        if path.count == 1, let (metric, epoch) = atEpoch(path[0]) {
            guard let value = metrics.epochs.first(where: { $0.epoch == epoch })?.value(of: metric) else {
                return .missing
            }
            return .number(value, run.metrics.kind(ofMetric: metric))
        }
        let isCommand = record.command != nil
        let recorded =
            isCommand && metrics.epochs.contains { $0.value(of: path.joined(separator: ".")) != nil }
        if let diverged = metrics.diverged,
            (path.count == 2 && path[0] == "best") || Self.metrics.contains(path.joined(separator: "."))
                || recorded
        {
            return .text("diverged at epoch \(diverged.epoch)")
        }
        if path.count == 2 && path[0] == "best" {
            // The best of the trained epochs; epoch 0 (before training) counts only for an evaluation-only run.
            let trained = metrics.trainedEpochs.isEmpty ? metrics.epochs : metrics.trainedEpochs
            let values = trained.compactMap { $0.value(of: path[1]) }
            let higher = run.metrics.higherIsBetter(path[1]) ?? path[1].hasSuffix("acc")
            guard let best = higher ? values.max() : values.min() else { return .missing }
            return .number(best, run.metrics.kind(ofMetric: path[1]))
        }
        let name = path.joined(separator: ".")
        if isCommand {
            switch name {
            case "params", "flops", "steps": return .missing
            case "train_time" where !metrics.epochs.contains { $0.trainSeconds != nil }:
                return .number(record.command?.seconds ?? 0, .seconds)
            default:
                if recorded, let value = metrics.final?.value(of: name) {
                    return .number(value, run.metrics.kind(ofMetric: name))
                }
                if recorded || Self.metrics.contains(name) { return .missing }
            }
        }
        switch name {
        case "loss", "acc", "val_loss", "val_acc", "error", "val_error", "test_loss", "test_acc",
            "test_error":
            guard let value = metrics.final?.value(of: name) else { return .missing }
            return .number(value, kind(ofMetric: name))
        case "epochs": return .number(Double(metrics.epochs.last?.epoch ?? 0), .count)
        case "steps": return .number(Double(metrics.stepsPerEpoch), .count)
        case "train_time": return .number(metrics.trainSeconds, .seconds)
        case "eval_time": return .number(metrics.evalSeconds, .seconds)
        case "epoch_time":
            let trained = metrics.epochs.filter { $0.epoch > 0 }
            guard !trained.isEmpty else { return .missing }
            return .number(metrics.trainSeconds / Double(trained.count), .seconds)
        case "params": return .number(Double(metrics.parameters), .count)
        case "flops": return .number(Double(metrics.flopsPerImage), .count)
        case "threads": return .number(Double(metrics.threads), .count)
        case "machine": return .text(record.machine)
        case "label": return .text(run.label)
        case "id": return .text(run.id)
        case "key": return .text(record.key)
        default:
            guard let text = run.value(of: name) else { return .missing }
            if let number = Double(text), !text.contains("[") { return .number(number, .plain) }
            return .text(text)
        }
    }
}

extension EpochMetrics {
    public func value(of metric: String) -> Double? {
        switch metric {
        case "loss": return loss
        case "acc": return acc
        case "val_loss": return valLoss
        case "val_acc": return valAcc
        case "error": return acc.map { 1 - $0 }
        case "val_error": return valAcc.map { 1 - $0 }
        case "test_error": return self.metric("test_acc").map { 1 - $0 }
        default: return self.metric(metric)
        }
    }
}
