import XCTest

@testable import Engine

/// Sizes of the built-in models, as PyTorch counts them.
final class ModelSizeTests: XCTestCase {
    /// conv 1→10 5×5 (260) + conv 10→20 5×5 (5,020) + linear 320→50 (16,050) + linear 50→10 (510).
    func testDefaultModelParameterCount() throws {
        let network = try TrainingConfig().makeNetwork()
        XCTAssertEqual(network.parameterCount, 21_840)
        XCTAssertEqual(network.parameters.map(\.count), [250, 10, 5_000, 20, 16_000, 50, 500, 10])
        XCTAssertEqual(network.outputShape, .flat(features: 10))
        let shapes = network.layers.map(\.outputShape.description)
        XCTAssertEqual(
            shapes,
            [
                "10×24×24", "10×12×12", "10×12×12", "20×8×8", "20×4×4", "20×4×4", "320", "50", "50", "50",
                "10", "10",
            ])
    }

    /// Multiply-accumulates per image: 10·24·24·25 + 20·8·8·250 + 320·50 + 50·10 = 480,500; 2 FLOPs each.
    func testDefaultModelFLOPs() throws {
        XCTAssertEqual(try TrainingConfig().makeNetwork().flopsPerImage, 961_000)
    }

    func testBatchNormVariantAddsScaleAndShift() throws {
        var config = TrainingConfig()
        config.model = .builtin(.batchnorm)
        XCTAssertEqual(try config.makeNetwork().parameterCount, 21_840 + 20)
        config.model = .builtin(.noHidden)
        XCTAssertEqual(try config.makeNetwork().parameterCount, 260 + 5_020 + 3_210)
    }

    func testEveryBuiltinModelBuilds() throws {
        for model in BuiltinModel.allCases {
            var config = TrainingConfig()
            config.model = .builtin(model)
            XCTAssertEqual(try config.makeNetwork().outputShape, .flat(features: 10), model.rawValue)
        }
    }

    /// Sizes from shapes alone agree with the built network, for every built-in model and a residual one.
    func testComputedSizeMatchesTheBuiltNetwork() throws {
        var models: [[LayerSpec]] = BuiltinModel.allCases.map { $0.layers() }
        models.append([
            .conv(out: 4, kernel: 3, stride: 2, padding: 1, bias: false), .batchnorm,
            .residual([.conv(out: 4, kernel: 3, stride: 1, padding: 1, bias: true), .relu]),
            .avgpool(kernel: 2, stride: 2, padding: 0), .globalAvgpool, .flatten,
            .linear(out: 10, bias: true),
        ])
        for specs in models {
            let size = try ModelSize(specs: specs, input: TrainingConfig().inputShape)
            let network = try Network(specs: specs, input: TrainingConfig().inputShape, seed: 1)
            XCTAssertEqual(size.parameters, network.parameterCount, "\(specs)")
            XCTAssertEqual(size.flopsPerImage, network.flopsPerImage, "\(specs)")
            XCTAssertEqual(size.outputShape, network.outputShape, "\(specs)")
        }
    }

    /// Enormous models are errors that state the limit, found without allocating (this would be 20 GB).
    func testOversizedModelsAreRefusedWithoutAllocating() {
        var config = TrainingConfig()
        config.width = 1000
        XCTAssertThrowsError(try config.modelSize()) { error in
            let message = (error as? SpecError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("the model has 21,"), message)
            XCTAssertTrue(message.hasSuffix(" parameters; the limit is 100,000,000"), message)
        }
        config.width = 1
        config.model = .layers([.flatten, .linear(out: 1 << 62, bias: true)])
        XCTAssertThrowsError(try config.makeNetwork()) { error in
            XCTAssertTrue(
                (error as? SpecError)?.message.contains("does not fit in 64 bits") ?? false, "\(error)")
        }
        config.model = .layers([
            .conv(out: 1 << 62, kernel: 3, stride: 1, padding: 0, bias: true), .flatten,
            .linear(out: 10, bias: true),
        ])
        XCTAssertThrowsError(try config.makeNetwork())
        config.model = .layers([.conv(out: 2, kernel: 1 << 62, stride: 1, padding: 1 << 61, bias: true)])
        XCTAssertThrowsError(try config.makeNetwork())
        // Activations: 4,096 channels of 28×28 for a batch of 65,536 images.
        config.model = .layers([
            .conv(out: 4_096, kernel: 3, stride: 1, padding: 1, bias: true), .globalAvgpool, .flatten,
            .linear(out: 10, bias: true),
        ])
        config.batchSize = 65_536
        XCTAssertThrowsError(try config.modelSize()) { error in
            XCTAssertTrue(
                (error as? SpecError)?.message.contains("of activations; the limit is 8.0 GiB") ?? false,
                "\(error)")
        }
    }

    func testGroupedNumbers() {
        XCTAssertEqual(100_000_000.grouped, "100,000,000")
        XCTAssertEqual(999.grouped, "999")
        XCTAssertEqual((-1_000).grouped, "-1,000")
    }
}
