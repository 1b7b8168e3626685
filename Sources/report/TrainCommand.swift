import ArgumentParser
import Configuration
import Console
import Datasets
import Engine
import Files
import Foundation
import ProjectSettings
import Yams

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one experiment from flags named like the directive keys.",
        discussion: """
            Defaults are the assignment's: the default model, batch size 256, SGD with lr 0.01 and momentum 0.5, \
            10 epochs, seed 1.

            --model takes a built-in name (see 'report models') or a YAML layer list such as \
            '[conv: {out: 8, kernel: 3}, relu, maxpool: 2, flatten, linear: 10]'.

            With --json, stdout holds exactly one JSON object per epoch and nothing else; a value that \
            is not finite (a diverging loss) is null.
            """)

    @Option(
        help: "mnist, fashion_mnist or a dataset declared in report.yaml.",
        completion: .list(DatasetName.allCases.map(\.rawValue)))
    var dataset: String?
    @Option(
        help: "A built-in model name or a YAML list of layers.",
        completion: .list(BuiltinModel.allCases.map(\.rawValue))) var model: String?
    @Option(help: "Epochs to train; 0 only evaluates.") var epochs: Int?
    @Option(name: .customLong("batch-size")) var batchSize: Int?
    @Option(help: "sgd, adam, adamw or rmsprop.", completion: .list(OptimizerKind.allCases.map(\.rawValue)))
    var optimizer: String?
    @Option(help: "Learning rate (default: 0.01 for SGD and RMSprop, 0.001 for Adam).") var lr: Double?
    @Option var momentum: Double?
    @Flag(help: "Nesterov momentum (SGD).") var nesterov = false
    @Option(name: .customLong("weight-decay")) var weightDecay: Double?
    @Option(help: "Rate of the built-in models' dropout layer.") var dropout: Double?
    @Option(name: .customLong("conv-dropout"), help: "Rate of the dropout next to the first batch norm.")
    var convDropout: Double?
    @Option(help: "Channel multiplier of the built-in models.") var width: Double?
    @Option(help: "constant, step, cosine or onecycle.", completion: .list(Schedule.allCases.map(\.rawValue)))
    var schedule: String?
    @Option(name: .customLong("label-smoothing")) var labelSmoothing: Double?
    @Option(help: "Augmentation as YAML, e.g. '[crop, flip]' or '{crop: 2, erase: 0.25}'.") var augment:
        String?
    @Option(help: "default or dataset.", completion: .list(Normalization.allCases.map(\.rawValue)))
    var normalize: String?
    @Option var seed: Int?
    @Option(name: .customLong("train-samples"), help: "Use only the first N training images.")
    var trainSamples: Int?
    @Option(name: .customLong("val-samples"), help: "Use only the first N validation images.") var valSamples:
        Int?
    @Option(help: "Hold out this fraction (0.1) or number (5000) of training images as the validation set.")
    var validation: Double?
    @Option(name: .customLong("log-interval"), help: "Steps between logged train loss values.")
    var logInterval: Int?
    @Option(
        name: .customLong("data-dir"),
        help:
            "Directory holding mnist/ and fashion-mnist/ (else report.yaml's data_dir, else REPORT_DATA_DIR, else the project's data/)."
    )
    var dataDirectory: String?
    @Option(help: "Threads per batch.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Write the final weights to this checkpoint file.") var save: String?
    @Option(help: "Start from the weights in this checkpoint file.") var `init`: String?
    @Flag(help: "Print one JSON object per epoch on stdout.") var json = false

    /// The flags that were given, by their key in the key table, as plain values. Only `--model` (a
    /// layer list) and `--augment` are YAML by nature; every other flag is already typed.
    func settings() throws -> [String: SettingValue] {
        var s: [String: SettingValue] = [:]
        func yaml(_ flag: String, _ text: String) throws -> Node {
            do {
                guard let node = try Yams.compose(yaml: text) else {
                    throw ValidationError("\(flag) is empty")
                }
                return node
            } catch let error as ValidationError {
                throw error
            } catch let error as YamlError {
                switch error {
                case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                    .composer(_, let problem, let mark, _):
                    throw ValidationError("\(flag): not valid YAML at column \(mark.column): \(problem)")
                default:
                    throw ValidationError("\(flag): not valid YAML")
                }
            } catch {
                throw ValidationError("\(flag): not valid YAML")
            }
        }
        s["dataset"] = dataset.map(SettingValue.text)
        if let model {
            if BuiltinModel(rawValue: model) != nil || !model.contains(where: { "[{-:\n".contains($0) }) {
                s["model"] = .text(model)
            } else {
                do { s["model"] = .layers(try LayerSpec.list(from: try yaml("--model", model))) } catch let
                    error as SettingError
                {
                    throw ValidationError("--model: \(error.message)")
                }
            }
        }
        s["epochs"] = epochs.map(SettingValue.integer)
        s["batch_size"] = batchSize.map(SettingValue.integer)
        s["optimizer"] = optimizer.map(SettingValue.text)
        s["lr"] = lr.map(SettingValue.number)
        s["momentum"] = momentum.map(SettingValue.number)
        if nesterov { s["nesterov"] = .flag(true) }
        s["weight_decay"] = weightDecay.map(SettingValue.number)
        s["dropout"] = dropout.map(SettingValue.number)
        s["conv_dropout"] = convDropout.map(SettingValue.number)
        s["width"] = width.map(SettingValue.number)
        s["schedule"] = schedule.map(SettingValue.text)
        s["label_smoothing"] = labelSmoothing.map(SettingValue.number)
        if let augment {
            var config = TrainingConfig()
            do { try config.set("augment", try yaml("--augment", augment)) } catch let error as SettingError {
                throw ValidationError("--augment: \(error.message)")
            }
            s["augment"] = .augmentation(config.augment)
        }
        s["normalize"] = normalize.map(SettingValue.text)
        s["seed"] = seed.map(SettingValue.integer)
        s["train_samples"] = trainSamples.map(SettingValue.integer)
        s["val_samples"] = valSamples.map(SettingValue.integer)
        s["validation"] = validation.map(SettingValue.number)
        s["log_interval"] = logInterval.map(SettingValue.integer)
        return s
    }

    func run() throws {
        guard (1...Limits.threads).contains(threads) else {
            throw ValidationError("--threads must be from 1 to \(Limits.threads), found \(threads)")
        }
        var config = TrainingConfig()
        let settings = try settings()
        // Inside a project (report.yaml found from here upwards) its datasets, data/ and data_dir count.
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let projectRoot = ProjectSettings.findRoot(from: cwd)
        let projectSettings = try projectRoot.map { try ProjectSettings.load(root: $0) }
        let catalog =
            projectRoot.flatMap { root in
                projectSettings.map { ProjectDatasets.catalog(root: root, settings: $0) }
            }
            ?? .builtinOnly
        // In the key table's order, as a document's settings are applied.
        for key in SettingKey.all {
            guard let value = settings[key.name] else { continue }
            do { try config.set(key.name, value) } catch let error as SettingError {
                throw ValidationError("\(key.flag): \(error.message)")
            }
        }
        if config.dataset.builtin == nil {
            do { config.data = try catalog.describe(config.dataset) } catch {
                throw ValidationError("--dataset: \(error)")
            }
        }
        do { _ = try config.modelSize() } catch let error as SpecError {
            throw ValidationError(error.message)
        }
        // As in a document, a setting the run does not use is said, not silently ignored.
        for key in SettingKey.all where settings[key.name] != nil {
            guard let reason = config.unusedReason(key.name) else { continue }
            FileHandle.standardError.write(Data("warning: \(key.flag) is not used: \(reason)\n".utf8))
        }
        let trainer = try Trainer(config: config, threads: threads)
        if let `init` { try Checkpoint.load(URL(fileURLWithPath: `init`), into: trainer.network) }

        let locator = DataLocator(
            dataDirectory: dataDirectory
                ?? projectRoot.flatMap { root in
                    projectSettings?.dataDirectory.map { Project.absolute($0, from: root).path }
                },
            projectRoot: projectRoot ?? cwd)
        let printer = DownloadProgressPrinter()
        func load(_ split: Split) throws -> ImageSet {
            try catalog.load(config.dataset, split: split, locator: locator, progress: printer.callAsFunction)
        }
        let train = config.epochs > 0 || config.validation != nil ? try load(.train) : nil
        let validation = try load(.test)

        let console = BuildConsole()
        let name = config.dataset.rawValue
        console.started(name)
        let metrics = try trainer.run(train: train ?? validation.prefix(0), validation: validation) { event in
            console.event(name, event)
            if json, case .epochEnded(let e) = event { Self.printJSON(e) }
        }
        console.finished(name, metrics.final)
        if let save {
            try FileWriter().write(try Checkpoint.encode(trainer.network), to: URL(fileURLWithPath: save))
        }
        if !json, let last = metrics.final {
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "final: val_loss %.4f, val_acc %.2f%%, %.1f s training, %d parameters\n",
                        last.valLoss ?? .nan, 100 * (last.valAcc ?? .nan), metrics.trainSeconds,
                        metrics.parameters
                    ).utf8))
        }
    }

    /// One encoded JSON object per epoch (``EpochJSON``), unbuffered, so a reader of the pipe sees each
    /// epoch as it ends.
    static func printJSON(_ e: EpochMetrics) {
        FileHandle.standardOutput.write(Data((EpochJSON.line(e) + "\n").utf8))
    }
}
