import XCTest

@testable import Engine

/// Impossible models give a `SpecError` naming the layer, found from shapes before anything is allocated.
final class SpecErrorTests: XCTestCase {
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
            "the model ends with 5 outputs; it needs 10, one per class of 'mnist' (end with 'linear: 10')")
        XCTAssertEqual(
            buildError([.conv(out: 10, kernel: 3, stride: 1, padding: 1, bias: true)]),
            "the model ends with an image-shaped output; add 'flatten' and 'linear: 10'")
    }
}
