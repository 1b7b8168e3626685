import XCTest

@testable import Engine

/// Every layer's backward pass against central finite differences (tolerances in `GradientCheck`).
final class GradientCheckTests: XCTestCase {

    private let image = Shape.spatial(channels: 2, height: 7, width: 7)

    private func spatialInput(_ shape: Shape, batch: Int = 3, seed: UInt64 = 5) -> Activation {
        TestData.activation(TestData.uniform(batch * shape.count, seed: seed), batch: batch, shape: shape)
    }

    func testConvStride2Padding1WithBias() throws {
        let layer = try TestData.layer(
            .conv(out: 3, kernel: 3, stride: 2, padding: 1, bias: true), input: image)
        XCTAssertEqual(layer.outputShape, .spatial(channels: 3, height: 4, width: 4))
        GradientCheck().check(layer, input: spatialInput(image))
    }

    func testConvStride2Padding1WithoutBias() throws {
        let layer = try TestData.layer(
            .conv(out: 3, kernel: 3, stride: 2, padding: 1, bias: false), input: image)
        XCTAssertEqual(layer.parameters.count, 1)
        GradientCheck().check(layer, input: spatialInput(image))
    }

    func testConv5x5Unpadded() throws {
        let shape = Shape.spatial(channels: 3, height: 8, width: 8)
        let layer = try TestData.layer(
            .conv(out: 2, kernel: 5, stride: 1, padding: 0, bias: true), input: shape)
        GradientCheck().check(layer, input: spatialInput(shape, batch: 2))
    }

    func testMaxPool2x2() throws {
        let layer = try TestData.layer(
            .maxpool(kernel: 2, stride: 2, padding: 0), input: .spatial(channels: 2, height: 6, width: 6))
        let input = TestData.activation(
            TestData.distinct(3 * 72, seed: 1), batch: 3, shape: .spatial(channels: 2, height: 6, width: 6))
        GradientCheck().check(layer, input: input)
    }

    func testMaxPool3x3Stride2Padding1() throws {
        let layer = try TestData.layer(.maxpool(kernel: 3, stride: 2, padding: 1), input: image)
        XCTAssertEqual(layer.outputShape, .spatial(channels: 2, height: 4, width: 4))
        let input = TestData.activation(TestData.distinct(3 * image.count, seed: 2), batch: 3, shape: image)
        GradientCheck().check(layer, input: input)
    }

    func testAvgPool() throws {
        for spec in [
            LayerSpec.avgpool(kernel: 2, stride: 2, padding: 0), .avgpool(kernel: 3, stride: 2, padding: 1),
        ] {
            let layer = try TestData.layer(spec, input: image)
            GradientCheck().check(layer, input: spatialInput(image))
        }
    }

    func testGlobalAvgPool() throws {
        let shape = Shape.spatial(channels: 3, height: 4, width: 4)
        let layer = try TestData.layer(.globalAvgpool, input: shape)
        XCTAssertEqual(layer.outputShape, .spatial(channels: 3, height: 1, width: 1))
        GradientCheck().check(layer, input: spatialInput(shape))
    }

    func testReLU() throws {
        let layer = try TestData.layer(.relu, input: image)
        // Inputs at least 0.1 from the kink, ten times the finite-difference step.
        let input = TestData.activation(
            TestData.awayFromZero(3 * image.count, seed: 4), batch: 3, shape: image)
        GradientCheck().check(layer, input: input)
    }

    func testDropoutInTrainingWithFixedMask() throws {
        let layer = try TestData.layer(.dropout(0.3), input: image)
        GradientCheck().check(layer, input: spatialInput(image))
    }

    func testDropout2dInTrainingWithFixedMask() throws {
        let layer = try TestData.layer(.dropout2d(0.4), input: image)
        GradientCheck().check(layer, input: spatialInput(image, batch: 4))
    }

    func testBatchNormOverChannels() throws {
        let layer = try TestData.layer(.batchnorm, input: image)
        randomizeAffine(layer)
        GradientCheck().check(layer, input: spatialInput(image))
    }

    func testBatchNormOverFeatures() throws {
        let shape = Shape.flat(features: 5)
        let layer = try TestData.layer(.batchnorm, input: shape)
        randomizeAffine(layer)
        GradientCheck().check(layer, input: spatialInput(shape, batch: 6))
    }

    func testBatchNormInEvaluation() throws {
        let layer = try TestData.layer(.batchnorm, input: image)
        randomizeAffine(layer)
        var context = ForwardContext(training: true, random: Random(seed: 1))
        _ = layer.forward(spatialInput(image, seed: 9), context: &context)  // moves the running statistics
        var check = GradientCheck()
        check.training = false
        check.check(layer, input: spatialInput(image))
    }

    func testLinear() throws {
        let shape = Shape.flat(features: 7)
        for bias in [true, false] {
            let layer = try TestData.layer(.linear(out: 4, bias: bias), input: shape)
            XCTAssertEqual(layer.parameters.count, bias ? 2 : 1)
            GradientCheck().check(layer, input: spatialInput(shape, batch: 3))
        }
    }

    func testFlatten() throws {
        let layer = try TestData.layer(.flatten, input: image)
        XCTAssertEqual(layer.outputShape, .flat(features: 98))
        GradientCheck().check(layer, input: spatialInput(image))
    }

    func testLogSoftmax() throws {
        let shape = Shape.flat(features: 10)
        let layer = try TestData.layer(.logSoftmax, input: shape)
        let input = TestData.activation(TestData.uniform(40, -3, 3, seed: 6), batch: 4, shape: shape)
        GradientCheck().check(layer, input: input)
    }

    func testResidual() throws {
        let spec = LayerSpec.residual([
            .conv(out: 2, kernel: 3, stride: 1, padding: 1, bias: true), .batchnorm,
        ])
        let layer = try TestData.layer(spec, input: image)
        XCTAssertEqual(layer.parameters.count, 4)
        GradientCheck().check(layer, input: spatialInput(image))
    }

    /// Loss gradient through log-softmax, with label smoothing, against finite differences of the loss
    /// itself. The loss is a batch mean of order 1, so its Float rounding noise over 2ε is about 1e-5:
    /// rtol 1e-2, atol 1e-4.
    func testNLLLossWithLabelSmoothing() throws {
        let shape = Shape.flat(features: 10)
        let batch = 5
        let softmax = try TestData.layer(.logSoftmax, input: shape)
        let logits = TestData.activation(
            TestData.uniform(batch * 10, -2, 2, seed: 8), batch: batch, shape: shape)
        let labels: [Int32] = [3, 0, 9, 3, 7]
        var loss = NLLLoss(labelSmoothing: 0.1)
        var context = ForwardContext(training: true, random: Random(seed: 1))
        func evaluate(gradient: Bool) -> (Double, Activation?) {
            let lp = softmax.forward(logits, context: &context)
            let r = labels.withUnsafeBufferPointer {
                loss.evaluate(lp, labels: $0.baseAddress!, computeGradient: gradient)
            }
            return (r.loss, r.gradient)
        }
        let (value, gradLogProbabilities) = evaluate(gradient: true)
        let analytic = try XCTUnwrap(
            softmax.backward(try XCTUnwrap(gradLogProbabilities), needsInputGradient: true)
        ).buffer.array

        // PyTorch's CrossEntropyLoss(label_smoothing: ε): mean over examples of −(1−ε)·lp[label] − ε/K·Σ lp.
        var expected = 0.0
        for i in 0..<batch {
            let row = (0..<10).map { Double(logits.buffer[i * 10 + $0]) }
            let logSum = log(row.map { exp($0) }.reduce(0, +))
            let lp = row.map { $0 - logSum }
            expected += -0.9 * lp[Int(labels[i])] - 0.01 * lp.reduce(0, +)
        }
        XCTAssertEqual(value, expected / Double(batch), accuracy: 1e-5)

        var check = GradientCheck()
        check.absoluteTolerance = 1e-4
        let numeric = check.numeric(logits.buffer) { evaluate(gradient: false).0 }
        check.compare(analytic, numeric, "logits", file: #filePath, line: #line)
    }

    /// Backward passes add into parameter gradients; the optimizer is the one that zeroes them.
    func testParameterGradientsAccumulate() throws {
        let specs: [(LayerSpec, Shape)] = [
            (.conv(out: 3, kernel: 3, stride: 1, padding: 1, bias: true), image),
            (.linear(out: 4, bias: true), .flat(features: 6)),
            (.batchnorm, image),
        ]
        for (spec, shape) in specs {
            let layer = try TestData.layer(spec, input: shape)
            var context = ForwardContext(training: true, random: Random(seed: 1))
            let input = spatialInput(shape)
            let output = layer.forward(input, context: &context)
            let gradOutput = TestData.activation(
                TestData.uniform(output.count, seed: 2), batch: output.batch, shape: output.shape)
            for p in layer.parameters { p.gradient.zero() }
            _ = layer.backward(gradOutput, needsInputGradient: false)
            let once = layer.parameters.map(\.gradient.array)
            _ = layer.backward(gradOutput, needsInputGradient: false)
            for (p, first) in zip(layer.parameters, once) {
                assertClose(
                    p.gradient.array, first.map { 2 * Double($0) }, tolerance: 1e-6, "\(spec) \(p.name)")
            }
        }
    }

    private func randomizeAffine(_ layer: Layer) {
        let values = TestData.uniform(2 * layer.parameters[0].count, 0.5, 1.5, seed: 21)
        layer.parameters[0].value.copy(from: Array(values.prefix(layer.parameters[0].count)))
        layer.parameters[1].value.copy(from: Array(values.suffix(layer.parameters[1].count)).map { $0 - 1 })
    }
}
