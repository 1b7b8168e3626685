import Datasets
import Engine
import Planning

/// What a build reports while it runs. Pipeline never prints: the command-line tool passes an observer
/// that draws progress (`Console.BuildConsole`), tests pass `SilentBuildObserver` or a recorder.
/// Methods are called from several worker threads at once.
public protocol BuildObserver: AnyObject, Sendable {
    /// A line for the person running the build (a cached run, a warning).
    func note(_ text: String)
    /// A run began training.
    func started(_ run: String)
    /// A run's training progressed (steps, evaluation, finished epochs).
    func event(_ run: String, _ event: TrainingEvent)
    /// A run finished and is in the cache.
    func finished(_ run: String, _ final: EpochMetrics?)
    /// A run failed, or was not trained because the run it starts from failed.
    func failed(_ run: String, _ message: String)
    /// A run ended without a normal result other than failing: `word` is "diverged" or "stopped".
    func ended(_ run: String, _ word: String, _ message: String)
    /// A dataset file is being downloaded or verified.
    func download(_ progress: DownloadProgress)
    /// Training is about to start: `trainings` distinct runs, `jobs` at once, and the seconds they
    /// would take one after another from recorded runs of the same models (nil: no record to go by).
    func buildStarting(trainings: Int, estimate: Double?, jobs: Int)
}

extension BuildObserver {
    public func buildStarting(trainings: Int, estimate: Double?, jobs: Int) {}
}

/// Reports nothing.
public final class SilentBuildObserver: BuildObserver {
    public init() {}
    public func note(_ text: String) {}
    public func started(_ run: String) {}
    public func event(_ run: String, _ event: TrainingEvent) {}
    public func finished(_ run: String, _ final: EpochMetrics?) {}
    public func failed(_ run: String, _ message: String) {}
    public func ended(_ run: String, _ word: String, _ message: String) {}
    public func download(_ progress: DownloadProgress) {}
    public func buildStarting(trainings: Int, estimate: Double?, jobs: Int) {}
}

/// The lines a run's `log.txt` holds.
public enum RunLog {
    /// `q1 epoch 3/10: loss 0.5123 acc 81.20% val_loss 0.4567 val_acc 83.10% (4.9 s)`
    /// A run of a command shows what its script recorded: `q3-torch epoch 3/10: loss 0.5123 val_f1 0.8123`.
    public static func epochLine(name: String, _ e: EpochMetrics, epochs: Int?) -> String {
        // The engine's own line; its only extras are the test set's metrics after the last epoch.
        let testOnly = Set(e.extra.keys).isSubset(of: ["test_loss", "test_acc"])
        guard let valLoss = e.valLoss, let valAcc = e.valAcc, let seconds = e.trainSeconds, testOnly,
            let epochs
        else {
            let values = e.metricNames.map { metric in
                let value = e.metric(metric) ?? .nan
                return metric.contains("acc") && (0...1).contains(value)
                    ? String(format: "%@ %.2f%%", metric, 100 * value)
                    : String(format: "%@ %.4g", metric, value)
            }
            return
                "\(name) epoch \(e.epoch)\(epochs.map { "/\($0)" } ?? ""): \(values.joined(separator: " "))"
        }
        return String(
            format: "%@ epoch %d/%d: loss %@ acc %@ val_loss %.4f val_acc %.2f%%%@ (%.1f s)", name, e.epoch,
            epochs,
            e.loss.map { String(format: "%.4f", $0) } ?? "-",
            e.acc.map { String(format: "%.2f%%", 100 * $0) } ?? "-",
            valLoss, 100 * valAcc,
            e.extra.isEmpty
                ? ""
                : String(
                    format: " test_loss %.4f test_acc %.2f%%", e.extra["test_loss"] ?? .nan,
                    100 * (e.extra["test_acc"] ?? .nan)),
            seconds)
    }

    /// How a finished run ended, in a few words: `val_acc 91.20%`, or a command's first metrics.
    public static func summary(_ final: EpochMetrics?) -> String {
        guard let final else { return "val_acc -" }
        if let valAcc = final.valAcc { return String(format: "val_acc %.2f%%", 100 * valAcc) }
        let names = final.metricNames.prefix(3)
        guard !names.isEmpty else { return "no metrics at epoch \(final.epoch)" }
        return names.map { String(format: "%@ %.4g", $0, final.metric($0) ?? .nan) }.joined(separator: ", ")
    }

    /// 4.2 → "4.2 s", 125 → "2 min 05 s", 4000 → "1 h 06 min".
    public static func duration(_ seconds: Double) -> String { ValueFormat.duration(seconds) }
}
