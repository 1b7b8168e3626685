import Engine
import Foundation

/// The line `report train --json` prints after each epoch: one JSON object, encoded (never spliced by
/// hand), with the keys of `metrics.json`'s epochs. JSON has no NaN or infinity, so a non-finite value
/// (a diverging loss) is `null`, as is a value the epoch does not have (epoch 0's training loss).
public enum EpochJSON {
    private struct Line: Encodable {
        var epoch: Int
        var loss: Double?
        var acc: Double?
        var valLoss: Double?
        var valAcc: Double?
        var trainSeconds: Double?
        var evalSeconds: Double?
        /// The test set's metrics of a run with a validation split, on its last epoch only.
        var testLoss: Double?
        var testAcc: Double?

        enum CodingKeys: String, CodingKey {
            case epoch, loss, acc
            case valLoss = "val_loss"
            case valAcc = "val_acc"
            case trainSeconds = "train_s"
            case evalSeconds = "eval_s"
            case testLoss = "test_loss"
            case testAcc = "test_acc"
        }

        // Every key is written, a missing value as null, so that each line has the same keys.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(epoch, forKey: .epoch)
            try container.encode(loss, forKey: .loss)
            try container.encode(acc, forKey: .acc)
            try container.encode(valLoss, forKey: .valLoss)
            try container.encode(valAcc, forKey: .valAcc)
            try container.encode(trainSeconds, forKey: .trainSeconds)
            try container.encode(evalSeconds, forKey: .evalSeconds)
            try container.encodeIfPresent(testLoss, forKey: .testLoss)
            try container.encodeIfPresent(testAcc, forKey: .testAcc)
        }
    }

    /// One line of JSON, without its newline; keys sorted, so lines compare as text.
    public static func line(_ e: EpochMetrics) -> String {
        func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }
        let line = Line(
            epoch: e.epoch, loss: finite(e.loss), acc: finite(e.acc), valLoss: finite(e.valLoss),
            valAcc: finite(e.valAcc), trainSeconds: finite(e.trainSeconds),
            evalSeconds: finite(e.evalSeconds),
            testLoss: finite(e.extra["test_loss"]), testAcc: finite(e.extra["test_acc"]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only finite doubles and an integer are left, which always encode.
        guard let data = try? encoder.encode(line) else { return "{\"epoch\":\(e.epoch)}" }
        return String(decoding: data, as: UTF8.self)
    }
}
