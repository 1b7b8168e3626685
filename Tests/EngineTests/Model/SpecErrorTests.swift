import XCTest
import Yams

@testable import Engine

/// Mistakes in a model or configuration give a `SpecError` a person can act on.
final class SpecErrorTests: XCTestCase {
    private func parseError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let node = try XCTUnwrap(try Yams.compose(yaml: yaml), file: file, line: line)
            let specs = try LayerSpec.list(from: node)
            XCTFail("'\(yaml)' parsed as \(specs)", file: file, line: line)
        } catch let error as SpecError {
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return ""
    }

    private func configError(
        _ key: String, _ yaml: String, file: StaticString = #filePath, line: UInt = #line
    ) -> String {
        var config = TrainingConfig()
        do {
            try config.set(key, try XCTUnwrap(try Yams.compose(yaml: yaml), file: file, line: line))
            XCTFail("\(key): \(yaml) was accepted", file: file, line: line)
        } catch let error as SpecError {
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return ""
    }

    private func buildError(_ specs: [LayerSpec], file: StaticString = #filePath, line: UInt = #line)
        -> String
    {
        var config = TrainingConfig()
        config.model = .layers(specs)
        do {
            _ = try config.makeNetwork()
            XCTFail("\(specs) was built", file: file, line: line)
        } catch let error as SpecError {
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return ""
    }

    func testUnknownLayerSuggestsTheClosestName() {
        let message = parseError("[cnv: 20, relu]")
        XCTAssertTrue(message.hasPrefix("unknown layer 'cnv' (did you mean 'conv'?)"), message)
        XCTAssertTrue(message.contains("layers are conv, maxpool"), message)
        XCTAssertTrue(parseError("[flaten]").contains("(did you mean 'flatten'?)"))
        XCTAssertFalse(parseError("[transformer]").contains("did you mean"))
    }

    func testUnknownSettingSuggestsTheClosestName() {
        let message = parseError("[conv: {out: 8, kernal: 3}]")
        XCTAssertTrue(
            message.hasPrefix("unknown setting 'kernal' for 'conv' (did you mean 'kernel'?)"), message)
    }

    func testZeroAndNegativeSizes() {
        XCTAssertEqual(parseError("[conv: {out: 0}]"), "'out' of 'conv' must be positive, found 0")
        XCTAssertEqual(
            parseError("[conv: {out: 8, kernel: -3}]"), "'kernel' of 'conv' must be positive, found -3")
        XCTAssertEqual(
            parseError("[conv: {out: 8, stride: 0}]"), "'stride' of 'conv' must be positive, found 0")
        XCTAssertEqual(
            parseError("[maxpool: {kernel: 2, padding: -1}]"),
            "'padding' of 'maxpool' must be zero or more, found -1")
        XCTAssertEqual(parseError("[linear: -10]"), "'out' of 'linear' must be positive, found -10")
        XCTAssertEqual(parseError("[avgpool: 0]"), "'kernel' of 'avgpool' must be positive, found 0")
        XCTAssertEqual(
            parseError("[conv: {out: 2.5}]"), "'out' of 'conv' must be a whole number, found '2.5'")
    }

    func testDropoutRateOutsideZeroToOne() {
        XCTAssertEqual(
            parseError("[dropout: 1.5]"), "the rate of 'dropout' must be a number in [0, 1], found '1.5'")
        XCTAssertEqual(
            parseError("[dropout2d: -0.1]"),
            "the rate of 'dropout2d' must be a number in [0, 1], found '-0.1'")
        XCTAssertEqual(configError("dropout", "1.5"), "'dropout' must be at most 1, found 1.5")
        XCTAssertEqual(configError("conv_dropout", "-0.5"), "'conv_dropout' must be at least 0, found -0.5")
    }

    func testKernelLargerThanInput() {
        XCTAssertThrowsError(
            try Network(
                specs: [.conv(out: 4, kernel: 7, stride: 1, padding: 0, bias: true)],
                input: .spatial(channels: 1, height: 5, width: 5), seed: 1)
        ) { error in
            XCTAssertEqual(
                (error as? SpecError)?.message,
                "layer 1 (conv: {out: 4, kernel: 7}): kernel 7 is larger than its 5×5 input")
        }
        // The default model's stack leaves 4×4 before a third 5×5 convolution.
        let message = buildError(
            BuiltinModel.default.layers().prefix(6) + [
                .conv(out: 8, kernel: 5, stride: 1, padding: 0, bias: true)
            ])
        XCTAssertEqual(message, "layer 7 (conv: {out: 8, kernel: 5}): kernel 5 is larger than its 4×4 input")
        XCTAssertEqual(
            buildError([.maxpool(kernel: 3, stride: 3, padding: 2)]),
            "layer 1 (maxpool: {kernel: 3, stride: 3, padding: 2}): padding 2 is more than half the kernel 3")
    }

    func testImageLayersAfterFlatten() {
        let message = buildError([.flatten, .conv(out: 4, kernel: 3, stride: 1, padding: 0, bias: true)])
        XCTAssertEqual(
            message,
            "layer 2 (conv: {out: 4, kernel: 3}) needs an image-shaped input (channels × height × width) but gets 784 features; put it before 'flatten'"
        )
    }

    /// A linear layer reads examples as rows [N, F]; on a channel-major image batch [C,N,H,W] with C > 1
    /// it would mix examples, so an image-shaped input must be flattened first.
    func testLinearNeedsFlatFeatures() {
        let message = buildError([
            .conv(out: 4, kernel: 3, stride: 1, padding: 0, bias: true), .linear(out: 10, bias: true),
        ])
        XCTAssertTrue(message.hasPrefix("layer 2 (linear: 10) needs flat features"), message)
        XCTAssertTrue(message.contains("'flatten'"), message)
    }

    func testModelMustEndInTenOutputs() {
        XCTAssertEqual(
            buildError([.flatten, .linear(out: 5, bias: true)]),
            "the model ends with 5 outputs; it needs 10, one per class (end with 'linear: 10')")
        XCTAssertEqual(
            buildError([.conv(out: 10, kernel: 3, stride: 1, padding: 1, bias: true)]),
            "the model ends with an image-shaped output; add 'flatten' and 'linear: 10'")
    }

    func testUnknownDatasetOptimizerModelAndKey() {
        XCTAssertEqual(
            configError("dataset", "mnsit"),
            "unknown dataset 'mnsit' (did you mean 'mnist'?); expected one of mnist, fashion_mnist")
        XCTAssertEqual(
            configError("optimizer", "adamm"),
            "unknown optimizer 'adamm' (did you mean 'adam'?); expected one of sgd, adam, adamw, rmsprop")
        XCTAssertTrue(
            configError("model", "defualt").hasPrefix("unknown model 'defualt' (did you mean 'default'?)"))
        XCTAssertEqual(configError("learnig_rate", "0.1"), "unknown key 'learnig_rate' (did you mean 'lr'?)")
        XCTAssertEqual(configError("lr", "0"), "'lr' must be greater than 0, found 0")
        XCTAssertEqual(configError("batch_size", "0"), "'batch_size' must be at least 1, found 0")
        XCTAssertEqual(
            configError("schedule", "cosin"),
            "unknown schedule 'cosin' (did you mean 'cosine'?); expected one of constant, step, cosine, onecycle"
        )
    }

    func testErrorsCarryTheirYAMLNode() throws {
        let node = try XCTUnwrap(try Yams.compose(yaml: "[relu, {conv: {out: 0}}]"))
        XCTAssertThrowsError(try LayerSpec.list(from: node)) { error in
            XCTAssertEqual((error as? SpecError)?.node?.int, 0)
        }
    }
}
