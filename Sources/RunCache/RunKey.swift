import Configuration
import Crypto
import Datasets
import Engine
import Foundation

/// The cache key of a run: a hash of everything that decides its results and nothing else —
/// the resolved configuration (labels and other presentation keys are not part of it), the dataset's
/// canonical content hash, the key of the run it starts from, and the engine's numerics version.
public enum RunKey {
    public static func make(config: TrainingConfig, initKey: String?) -> String {
        var text = "report run\nnumerics: \(Engine.numericsVersion)\n"
        text += "dataset-content: \(config.data.contentHash)\n"
        // A declared dataset's statistics are computed by this version of report, not published constants:
        // runs that normalise with them depend on the exact values.
        if config.dataset.builtin == nil, config.normalize == .dataset {
            text +=
                "dataset-statistics: \(config.data.statistics.map { "\($0.mean) \($0.std)" }.joined(separator: ", "))\n"
        }
        text += "init: \(initKey ?? "none")\n"
        for (key, value) in config.canonicalEntries { text += "\(key): \(value)\n" }
        return digest(text)
    }

    /// The key of a run of the author's command: the command as written, its settings (JSON, keys
    /// sorted), the digest of its inputs' paths and content, and the key of the run it starts from. The
    /// engine's numerics version is not part of it: a new engine retrains no command. (The output of its
    /// `environment` command is recorded beside the results instead, so that a reader without that
    /// environment can still use them.)
    public static func make(command: String, settings: String, fingerprint: String, initKey: String?)
        -> String
    {
        var text = "report command run\n"
        text += "run: \(command.count) \(command)\n"
        text += "settings: \(settings)\n"
        text += "inputs: \(fingerprint)\n"
        text += "init: \(initKey ?? "none")\n"
        return digest(text)
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
