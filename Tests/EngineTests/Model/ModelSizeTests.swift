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
}
