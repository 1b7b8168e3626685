import Datasets
import XCTest

@testable import Engine

/// The engine on shapes other than MNIST's: colour images of any size, tables of features, any number of
/// classes; built-in models adapt or refuse with the shape they need.
final class InputShapeTests: XCTestCase {
    /// `count` samples of `shape` whose class is the channel (or feature group) that is brightest.
    private func brightestChannelSet(count: Int, shape: SampleShape, classes: Int, seed: UInt64) -> ImageSet {
        var random = Random(seed: seed)
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        let plane = shape.rows * shape.cols
        for _ in 0..<count {
            let label = random.nextInt(classes)
            labels.append(Int32(label))
            for c in 0..<shape.channels {
                let bright = c % classes == label
                for _ in 0..<plane { pixels.append(UInt8((bright ? 120 : 0) + random.nextInt(100))) }
            }
        }
        return ImageSet(pixels: .bytes(pixels), labels: labels, count: count, shape: shape)
    }

    private func config(shape: SampleShape, classes: Int, model: ModelChoice) -> TrainingConfig {
        var config = TrainingConfig()
        config.dataset = DatasetID("synthetic")
        config.data = DatasetDescription(
            id: config.dataset, shape: shape, classes: classes, classNames: nil, trainCount: 512,
            testCount: 128,
            contentHash: String(repeating: "0", count: 64),
            statistics: Array(repeating: ChannelStatistics(mean: 0.3, std: 0.25), count: shape.channels))
        config.model = model
        config.epochs = 3
        config.batchSize = 32
        config.learningRate = 0.05
        config.momentum = 0.9
        return config
    }

    func testThreeChannelImagesTrainWithTheBuiltInNetwork() throws {
        let shape = SampleShape(channels: 3, rows: 32, cols: 32)
        var config = config(shape: shape, classes: 3, model: .builtin(.default))
        config.dropout = 0
        config.augment.crop = 2
        config.augment.flip = true
        config.augment.erase = 0.5
        // 32×32×3 → conv 5 → 28 → pool → 14 → conv 5 → 10 → pool → 5: 20·5·5 = 500 inputs to the first linear.
        let size = try config.modelSize()
        XCTAssertEqual(
            size.parameters, (3 * 25 * 10 + 10) + (10 * 25 * 20 + 20) + (500 * 50 + 50) + (50 * 3 + 3))
        let train = brightestChannelSet(count: 512, shape: shape, classes: 3, seed: 1)
        let test = brightestChannelSet(count: 128, shape: shape, classes: 3, seed: 2)
        let metrics = try Trainer(config: config, threads: 2).run(train: train, validation: test)
        XCTAssertGreaterThan(metrics.final?.valAcc ?? 0, 0.9)
    }

    func testTablesTrainWithLinearLayersAndNormalisePerFeature() throws {
        let shape = SampleShape(features: 12)
        var config = config(
            shape: shape, classes: 4,
            model: .layers([.linear(out: 16, bias: true), .relu, .linear(out: 4, bias: true)]))
        config.normalize = .dataset
        XCTAssertEqual(config.inputShape, .flat(features: 12))
        var train = brightestChannelSet(count: 512, shape: shape, classes: 4, seed: 3)
        let test = brightestChannelSet(count: 128, shape: shape, classes: 4, seed: 4)
        config.data.statistics = train.channelStatistics()
        XCTAssertEqual(config.data.statistics.count, 12)
        train.pixels = .floats(train.images.map { Float($0) / 255 * 7 })  // floats are used unscaled
        config.data.statistics = train.channelStatistics()
        let metrics = try Trainer(config: config, threads: 1).run(
            train: train,
            validation: ImageSet(
                pixels: .floats(test.images.map { Float($0) / 255 * 7 }),
                labels: test.labels, count: test.count, shape: shape))
        XCTAssertGreaterThan(metrics.final?.valAcc ?? 0, 0.9)
    }

    func testBuiltInModelsRefuseShapesTheyCannotTake() {
        let small = config(
            shape: SampleShape(channels: 1, rows: 8, cols: 8), classes: 10, model: .builtin(.default))
        XCTAssertThrowsError(try small.modelSize()) { error in
            let message = (error as? SpecError)?.message ?? ""
            XCTAssertTrue(
                message.contains("'default' needs larger images than dataset 'synthetic' has (1×8×8)"),
                message)
        }
        let table = config(shape: SampleShape(features: 64), classes: 10, model: .builtin(.strong))
        XCTAssertThrowsError(try table.modelSize()) { error in
            XCTAssertTrue(
                ((error as? SpecError)?.message ?? "").contains(
                    "takes images; dataset 'synthetic' is a table (64 features)"), "\(error)")
        }
        let wrongHead = config(
            shape: SampleShape(features: 64), classes: 7, model: .layers([.linear(out: 10, bias: true)]))
        XCTAssertThrowsError(try wrongHead.modelSize()) { error in
            XCTAssertTrue(
                ((error as? SpecError)?.message ?? "").contains("it needs 7, one per class"), "\(error)")
        }
    }

    /// Each channel is normalised with its own mean and deviation, and a batch is laid out as the engine's
    /// layers read it: [C, N, H, W] for images (a channel's planes of the whole batch together), [N, F] for
    /// a table.
    func testChannelsAreNormalisedSeparatelyInTheEnginesLayout() {
        let stats = [ChannelStatistics(mean: 0.5, std: 0.5), ChannelStatistics(mean: 0, std: 2)]
        // Two samples of 2 channels × 1×3 pixels, stored NCHW.
        let bytes: [UInt8] = [0, 255, 51, 10, 20, 30] + [255, 0, 0, 40, 50, 60]
        func normalised(_ b: UInt8, _ c: Int) -> Float {
            (Float(b) / 255 - Float(stats[c].mean)) / Float(stats[c].std)
        }
        let image = ImageSet(
            pixels: .bytes(bytes), labels: [0, 1], count: 2, shape: SampleShape(channels: 2, rows: 1, cols: 3)
        )
        var batcher = Batcher(set: image, statistics: stats, augment: Augmentation())
        var random = Random(seed: 1)
        let batch = batcher.batch([0, 1][...], augmenting: false, random: &random)
        XCTAssertEqual(batch.shape, .spatial(channels: 2, height: 1, width: 3))
        let cnhw = [0, 255, 51, 255, 0, 0, 10, 20, 30, 40, 50, 60].enumerated().map { i, b in
            normalised(UInt8(b), i / 6)
        }
        for (got, want) in zip(batch.buffer.array, cnhw) { XCTAssertEqual(got, want, accuracy: 1e-6) }

        let stats6 = (0..<6).map { ChannelStatistics(mean: 0, std: Double($0 + 1)) }
        let table = ImageSet(
            pixels: .floats(bytes.map(Float.init)), labels: [0, 1], count: 2, shape: SampleShape(features: 6))
        var rows = Batcher(set: table, statistics: stats6, augment: Augmentation())
        let flat = rows.batch([1, 0][...], augmenting: false, random: &random)
        XCTAssertEqual(flat.shape, .flat(features: 6))
        let nf = (Array(bytes[6...]) + Array(bytes[..<6])).enumerated().map { i, b in
            Float(b) / Float(i % 6 + 1)
        }
        for (got, want) in zip(flat.buffer.array, nf) { XCTAssertEqual(got, want, accuracy: 1e-5) }
    }
}
