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

    public static let metrics = ["loss", "acc", "val_loss", "val_acc", "error", "val_error"]
    public static let measured = [
        "epochs", "steps", "train_time", "eval_time", "epoch_time", "params", "flops", "threads", "machine",
        "label", "id", "key",
    ]

    /// Why a value path is not valid, or nil when it is.
    public static func problem(with path: [String]) -> String? {
        if statistic(of: path).statistic != nil { return statisticProblem(with: path) }
        let name = path.joined(separator: ".")
        if path.count == 1, let (metric, _) = atEpoch(name) {
            return metrics.contains(metric)
                ? nil
                : "unknown metric '\(metric)' before '@'; metrics are \(metrics.joined(separator: ", "))"
        }
        if path.count == 2 && path[0] == "best" {
            return metrics.contains(path[1])
                ? nil
                : "unknown metric '\(path[1])' after 'best.'; metrics are \(metrics.joined(separator: ", "))"
        }
        if path.count == 1
            && (metrics.contains(name) || measured.contains(name) || SettingKey.names.contains(name))
        {
            return nil
        }
        let all = metrics + metrics.map { "best.\($0)" } + measured + SettingKey.names
        let hint = didYouMean(name, among: all)
        return
            "unknown value '\(name)'\(hint); values are \(metrics.joined(separator: ", ")), best.<metric>, <metric>@<epoch>, \(measured.joined(separator: ", ")) and the training keys, and .mean, .std, .min, .max, .n after a measured one"
    }

    public static func kind(ofMetric name: String) -> Kind {
        name.hasSuffix("acc") || name.hasSuffix("error") ? .fraction : .loss
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
            return .number(value, kind(ofMetric: metric))
        }
        if let diverged = metrics.diverged,
            (path.count == 2 && path[0] == "best") || Self.metrics.contains(path.joined(separator: "."))
        {
            return .text("diverged at epoch \(diverged.epoch)")
        }
        if path.count == 2 && path[0] == "best" {
            // The best of the trained epochs; epoch 0 (before training) counts only for an evaluation-only run.
            let trained = metrics.trainedEpochs.isEmpty ? metrics.epochs : metrics.trainedEpochs
            let values = trained.compactMap { $0.value(of: path[1]) }
            guard let best = path[1].hasSuffix("acc") ? values.max() : values.min() else { return .missing }
            return .number(best, kind(ofMetric: path[1]))
        }
        let name = path.joined(separator: ".")
        switch name {
        case "loss", "acc", "val_loss", "val_acc", "error", "val_error":
            guard let value = metrics.final?.value(of: name) else { return .missing }
            return .number(value, kind(ofMetric: name))
        case "epochs": return .number(Double(metrics.epochs.last?.epoch ?? 0), .count)
        case "steps": return .number(Double(metrics.stepsPerEpoch), .count)
        case "train_time": return .number(metrics.trainSeconds, .seconds)
        case "eval_time": return .number(metrics.epochs.reduce(0) { $0 + $1.evalSeconds }, .seconds)
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
            guard let text = run.config.value(of: name) else { return .missing }
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
        case "val_error": return 1 - valAcc
        default: return nil
        }
    }
}
