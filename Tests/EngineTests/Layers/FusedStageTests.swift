import XCTest

@testable import Engine

/// The fused batch norm → ReLU → max pool stage against the three layers run one after another (its
/// reference): forward bit-identical, gradients equal up to summation order.
final class FusedStageTests: XCTestCase {

    private let specs: [LayerSpec] = [.batchnorm, .relu, .maxpool(kernel: 2, stride: 2, padding: 0)]

    private func check(
        channels: Int, height: Int, width: Int, batch: Int, training: Bool, threads: Int,
        nanPositions: [Int] = [], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let shape = Shape.spatial(channels: channels, height: height, width: width)
        let fusedNetwork = try Network(specs: specs, input: shape, seed: 1, threads: threads)
        let plainNetwork = try Network(specs: specs, input: shape, seed: 1, threads: threads)
        XCTAssertEqual(fusedNetwork.stages.count, 1, file: file, line: line)
        let fused = fusedNetwork.stages[0]
        let layers = plainNetwork.layers
        // Not the defaults: scale and shift away from 1 and 0, running statistics away from 0 and 1.
        for network in [fusedNetwork, plainNetwork] {
            let norm = try XCTUnwrap(network.layers[0] as? BatchNorm)
            for c in 0..<channels {
                norm.scale.value[c] = 0.5 + Float(c) * 0.25
                norm.shift.value[c] = Float(c % 3) * 0.1 - 0.1
                norm.runningMean[c] = 0.05 * Float(c)
                norm.runningVariance[c] = 0.8 + 0.1 * Float(c)
            }
        }
        var x = TestData.uniform(batch * shape.count, seed: UInt64(batch + height))
        for i in nanPositions { x[i] = .nan }
        let label = "\(shape) batch \(batch) training \(training) threads \(threads)"

        let y = assertFusedForward(
            fused, layers, input: x, batch: batch, shape: shape, training: training, label, file: file,
            line: line)
        guard nanPositions.isEmpty else { return }
        for (a, b) in zip(fusedNetwork.layers[0].buffers, layers[0].buffers) {
            XCTAssertEqual(a.buffer.array, b.buffer.array, "\(label) \(a.name)", file: file, line: line)
        }

        let dy = TestData.uniform(y.count, seed: 7)
        let dx = try XCTUnwrap(
            fused.backward(TestData.activation(dy, batch: batch, shape: y.shape), needsInputGradient: true))
        var g = TestData.activation(dy, batch: batch, shape: y.shape)
        for layer in layers.reversed() { g = try XCTUnwrap(layer.backward(g, needsInputGradient: true)) }
        assertClose(
            dx.buffer.array, g.buffer.array.map(Double.init), tolerance: 1e-4, "\(label) input gradient",
            file: file, line: line)
        if !training {
            // Evaluation's input gradient has no sums: k · dy at the winners, 0 elsewhere, bit for bit.
            XCTAssertEqual(
                dx.buffer.array.map(\.bitPattern), g.buffer.array.map(\.bitPattern),
                "\(label) input gradient bits", file: file, line: line)
        }
        for (a, b) in zip(fusedNetwork.parameters, plainNetwork.parameters) {
            assertClose(
                a.gradient.array, b.gradient.array.map(Double.init), tolerance: 1e-4,
                "\(label) \(a.name) gradient", file: file, line: line)
        }
    }

    func testFusedStageMatchesTheThreeLayers() throws {
        // Rows of 14, 7, 3, 4, 5 and 1 pooled outputs: whole vectors of four, an overlapping last vector, and
        // rows shorter than a vector; odd sizes leave a row and a column out of every window.
        for (h, w) in [(14, 14), (7, 7), (6, 9), (2, 2), (28, 28), (8, 8), (11, 10), (5, 7), (3, 2)] {
            for training in [true, false] {
                for threads in [1, 2] {
                    try check(
                        channels: 5, height: h, width: w, batch: 6, training: training, threads: threads)
                }
            }
        }
    }

    /// Ties after the ReLU (all four elements of a window negative) route no gradient, as the layers do.
    func testNegativeWindowsRouteNoGradient() throws {
        try check(channels: 3, height: 4, width: 4, batch: 2, training: false, threads: 1)
    }

    /// A NaN wins its window in the fused stage as in max pooling (evaluation: the running statistics keep
    /// the other windows finite).
    func testNaNWinsItsWindowAsInMaxPooling() throws {
        for (h, w) in [(8, 8), (7, 7)] {
            try check(
                channels: 2, height: h, width: w, batch: 2, training: false, threads: 1,
                nanPositions: [0, 3, w + 1, 2 * w + 2, 2 * w + 3, 3 * w + 2, 3 * w + 3, h * w + 5])
        }
    }

    func testStrongModelFusesItsThreeBlocksOnly() throws {
        let network = try Network(
            specs: BuiltinModel.strong.layers(), input: .spatial(channels: 1, height: 28, width: 28), seed: 1)
        XCTAssertEqual(network.stages.filter { $0 is BatchNormReLUPool }.count, 3)
        XCTAssertEqual(network.stages.count, network.layers.count - 6)
        let other = try Network(
            specs: [.batchnorm, .relu, .maxpool(kernel: 3, stride: 2, padding: 0)],
            input: .spatial(channels: 2, height: 8, width: 8), seed: 1)
        XCTAssertEqual(other.stages.count, 3, "a 3×3 pool is not fused")
    }
}
