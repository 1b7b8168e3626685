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
        text += "dataset-content: \(DatasetInfo.info(config.dataset).contentHash)\n"
        text += "init: \(initKey ?? "none")\n"
        for (key, value) in config.canonicalEntries { text += "\(key): \(value)\n" }
        let digest = SHA256.hash(data: Data(text.utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
