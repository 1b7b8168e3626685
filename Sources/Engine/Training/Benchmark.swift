import Datasets
import Foundation

/// Throughput of a model on synthetic 28×28 data already in memory: what `report bench` prints.
public struct BenchmarkResult: Codable, Sendable {
    public var model: String
    public var batchSize: Int
    public var threads: Int
    public var trainImagesPerSecond: Double
    public var evalImagesPerSecond: Double
    /// Achieved training GFLOP/s, counting forward + backward as 3 × the forward FLOPs.
    public var gflops: Double
    public var forwardFlopsPerImage: Int

    enum CodingKeys: String, CodingKey {
        case model, threads, gflops
        case batchSize = "batch_size"
        case trainImagesPerSecond = "train_images_per_s"
        case evalImagesPerSecond = "eval_images_per_s"
        case forwardFlopsPerImage = "forward_flops_per_image"
    }
}

public enum Benchmark {
    /// Trains on `config` with random images of its dataset's shape for about `seconds` after a warm-up, then evaluates as long;
    /// the median of `repeats` timing rounds is reported.
    public static func run(config: TrainingConfig, threads: Int, seconds: Double = 3, repeats: Int = 3) throws
        -> BenchmarkResult
    {
        let count = config.batchSize * 32
        var random = Random(seed: 42)
        let shape = config.data.shape
        let images = (0..<(count * shape.elements)).map { _ in UInt8(random.nextInt(256)) }
        let labels = (0..<count).map { _ in Int32(random.nextInt(config.data.classes)) }
        let set = ImageSet(pixels: .bytes(images), labels: labels, count: count, shape: shape)
        var trainConfig = config
        trainConfig.epochs = 1
        let trainer = try Trainer(config: trainConfig, threads: threads)
        _ = try trainer.run(train: set.prefix(config.batchSize * 2), validation: set.prefix(1000))  // warm-up
        var trainRates: [Double] = []
        var evalRates: [Double] = []
        for _ in 0..<repeats {
            var images = 0
            let start = Date()
            while Date().timeIntervalSince(start) < seconds / Double(repeats) {
                _ = try trainer.run(train: set, validation: set.prefix(config.batchSize))
                images += count
            }
            trainRates.append(Double(images) / Date().timeIntervalSince(start))
            var batches = Batcher(set: set, statistics: trainer.normalization, augment: Augmentation())
            var evaluated = 0
            let evalStart = Date()
            while Date().timeIntervalSince(evalStart) < seconds / Double(repeats) / 2 {
                _ = trainer.evaluate(&batches)
                evaluated += count
            }
            evalRates.append(Double(evaluated) / Date().timeIntervalSince(evalStart))
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let flops = trainer.network.flopsPerImage
        let train = median(trainRates)
        return BenchmarkResult(
            model: config.modelDescription, batchSize: config.batchSize, threads: threads,
            trainImagesPerSecond: train, evalImagesPerSecond: median(evalRates),
            gflops: train * Double(3 * flops) / 1e9, forwardFlopsPerImage: flops)
    }
}
