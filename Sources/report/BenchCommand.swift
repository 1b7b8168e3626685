import ArgumentParser
import Configuration
import Datasets
import Engine
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time training and evaluation on synthetic data (no dataset needed).")

    @Option(help: "Built-in model to time.", completion: .list(BuiltinModel.allCases.map(\.rawValue)))
    var model: String = "default"
    @Option(name: .customLong("batch-size"), help: "Images per step.") var batchSize: Int = 256
    @Option(help: "Threads for the matrix products.") var threads: Int = ProcessInfo.processInfo
        .activeProcessorCount
    @Option(help: "Seconds of timing in total (split into 3 rounds; the median is reported).") var seconds:
        Double = 6
    @Option(help: "Image shape CxHxW of the synthetic data, e.g. 3x32x32 (CIFAR's).") var shape: String =
        "1x28x28"
    @Option(help: "Classes of the synthetic data.") var classes: Int = 10
    @Flag(help: "Print one JSON object.") var json = false

    /// `3x32x32` → channels, height, width.
    func sampleShape() throws -> SampleShape {
        let parts = shape.lowercased().split(separator: "x").map { Int($0) }
        guard parts.count == 3, let c = parts[0], let h = parts[1], let w = parts[2],
            (1...4096).contains(c), (1...4096).contains(h), (1...4096).contains(w)
        else {
            throw ValidationError(
                "--shape must be CxHxW with each from 1 to 4096, e.g. 3x32x32; found '\(shape)'")
        }
        return SampleShape(channels: c, rows: h, cols: w)
    }

    func run() throws {
        guard seconds > 0, seconds.isFinite else {
            throw ValidationError("--seconds must be a positive number of seconds")
        }
        guard (1...Limits.threads).contains(threads) else {
            throw ValidationError("--threads must be from 1 to \(Limits.threads), found \(threads)")
        }
        var config = TrainingConfig()
        guard (2...100_000).contains(classes) else {
            throw ValidationError("--classes must be from 2 to 100000")
        }
        config.data.shape = try sampleShape()
        config.data.classes = classes
        config.data.statistics = Array(
            repeating: config.data.statistics[0], count: config.data.shape.channels)
        do {
            try config.set("model", .text(model))
            try config.set("batch_size", .integer(batchSize))
            _ = try config.modelSize()
        } catch let error as SettingError {
            throw ValidationError(error.message)
        } catch let error as SpecError {
            throw ValidationError(error.message)
        }
        let result = try Benchmark.run(config: config, threads: threads, seconds: seconds)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(
                "model \(model), batch \(batchSize), \(threads) thread\(threads == 1 ? "" : "s"), images \(config.data.shape), \(classes) classes"
            )
            print(
                String(
                    format: "train: %.0f images/s (%.2f s per 60,000-image epoch)",
                    result.trainImagesPerSecond,
                    60_000 / result.trainImagesPerSecond))
            print(String(format: "eval:  %.0f images/s", result.evalImagesPerSecond))
            print(
                String(
                    format: "achieved: %.1f GFLOP/s (training, 3 × %d forward FLOPs per image)",
                    result.gflops,
                    result.forwardFlopsPerImage))
        }
    }
}
