import ArgumentParser
import Datasets
import Engine
import Foundation
import Pipeline
import Yams

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one experiment from flags named like the directive keys.",
        discussion: """
            Defaults are the assignment's: the default model, batch size 256, SGD with lr 0.01 and momentum 0.5,
            10 epochs, seed 1. --model takes a built-in name (see 'report models') or a YAML layer list such as
            '[conv: {out: 8, kernel: 3}, relu, maxpool: 2, flatten, linear: 10]'.
            With --json, stdout holds exactly one JSON object per epoch and nothing else.
            """)

    @Option(help: "mnist or fashion_mnist.") var dataset: String?
    @Option(help: "A built-in model name or a YAML list of layers.") var model: String?
    @Option(help: "Epochs to train; 0 only evaluates.") var epochs: Int?
    @Option(name: .customLong("batch-size")) var batchSize: Int?
    @Option(help: "sgd, adam, adamw or rmsprop.") var optimizer: String?
    @Option(help: "Learning rate (default: 0.01 for SGD and RMSprop, 0.001 for Adam).") var lr: Double?
    @Option var momentum: Double?
    @Flag(help: "Nesterov momentum (SGD).") var nesterov = false
    @Option(name: .customLong("weight-decay")) var weightDecay: Double?
    @Option(help: "Rate of the built-in models' dropout layer.") var dropout: Double?
    @Option(name: .customLong("conv-dropout"), help: "Rate of the dropout next to the first batch norm.") var convDropout: Double?
    @Option(help: "Channel multiplier of the built-in models.") var width: Double?
    @Option(help: "constant, step, cosine or onecycle.") var schedule: String?
    @Option(name: .customLong("label-smoothing")) var labelSmoothing: Double?
    @Option(help: "Augmentation as YAML, e.g. '[crop, flip]' or '{crop: 2, erase: 0.25}'.") var augment: String?
    @Option(help: "default or dataset.") var normalize: String?
    @Option var seed: Int?
    @Option(name: .customLong("train-samples"), help: "Use only the first N training images.") var trainSamples: Int?
    @Option(name: .customLong("val-samples"), help: "Use only the first N validation images.") var valSamples: Int?
    @Option(name: .customLong("log-interval"), help: "Steps between logged train loss values.") var logInterval: Int?
    @Option(name: .customLong("data-dir"), help: "Directory holding mnist/ and fashion-mnist/ (else REPORT_DATA_DIR, else data/).")
    var dataDirectory: String?
    @Option(help: "Threads per batch.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Write the final weights to this checkpoint file.") var save: String?
    @Option(help: "Start from the weights in this checkpoint file.") var `init`: String?
    @Flag(help: "Print one JSON object per epoch on stdout.") var json = false

    /// The flags that were given, as directive keys and YAML text.
    var settings: [(String, String)] {
        var s: [(String, String?)] = [
            ("dataset", dataset), ("model", model), ("epochs", epochs.map(String.init)), ("batch_size", batchSize.map(String.init)),
            ("optimizer", optimizer), ("lr", lr.map { "\($0)" }), ("momentum", momentum.map { "\($0)" }),
            ("weight_decay", weightDecay.map { "\($0)" }), ("dropout", dropout.map { "\($0)" }),
            ("conv_dropout", convDropout.map { "\($0)" }), ("width", width.map { "\($0)" }), ("schedule", schedule),
            ("label_smoothing", labelSmoothing.map { "\($0)" }), ("augment", augment), ("normalize", normalize),
            ("seed", seed.map(String.init)), ("train_samples", trainSamples.map(String.init)),
            ("val_samples", valSamples.map(String.init)), ("log_interval", logInterval.map(String.init)),
        ]
        if nesterov { s.append(("nesterov", "true")) }
        return s.compactMap { key, value in value.map { (key, $0) } }
    }

    func run() throws {
        var config = TrainingConfig()
        for (key, text) in settings {
            let node = (try? Yams.compose(yaml: text)) ?? Node(text)
            do { try config.set(key, node) } catch let error as SpecError {
                throw ValidationError("--\(key.replacingOccurrences(of: "_", with: "-")): \(error.message)")
            }
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        let trainer = try Trainer(config: config, threads: threads)
        if let `init` { try Checkpoint.load(URL(fileURLWithPath: `init`), into: trainer.network) }

        let locator = DataLocator(dataDirectory: dataDirectory, projectRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let printer = DownloadProgressPrinter()
        let train = config.epochs > 0 ? try locator.load(config.dataset, split: .train, progress: printer.callAsFunction) : nil
        let validation = try locator.load(config.dataset, split: .test, progress: printer.callAsFunction)

        let console = BuildConsole(), name = config.dataset.rawValue
        console.started(name)
        let metrics = try trainer.run(train: train ?? validation.prefix(0), validation: validation) { event in
            console.event(name, event)
            if json, case .epochEnded(let e) = event { Self.printJSON(e) }
        }
        console.finished(name, metrics.final)
        if let save { try FileWriter().write(try Checkpoint.encode(trainer.network), to: URL(fileURLWithPath: save)) }
        if !json, let last = metrics.final {
            FileHandle.standardError.write(Data(String(
                format: "final: val_loss %.4f, val_acc %.2f%%, %.1f s training, %d parameters\n",
                last.valLoss, 100 * last.valAcc, metrics.trainSeconds, metrics.parameters).utf8))
        }
    }

    static func printJSON(_ e: EpochMetrics) {
        func number(_ v: Double?) -> String { v.map { "\($0)" } ?? "null" }
        print("{\"epoch\": \(e.epoch), \"loss\": \(number(e.loss)), \"acc\": \(number(e.acc)), \"val_loss\": \(number(e.valLoss)), "
              + "\"val_acc\": \(number(e.valAcc)), \"train_s\": \(number(e.trainSeconds)), \"eval_s\": \(number(e.evalSeconds))}")
        fflush(stdout)
    }
}
