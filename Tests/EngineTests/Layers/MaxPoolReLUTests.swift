import XCTest

@testable import Engine

/// The fused 2×2 max pool → ReLU stage against the two layers run one after another (its reference):
/// output and input gradient bit for bit, NaNs, ties and negative windows included.
final class MaxPoolReLUTests: XCTestCase {
    private let specs: [LayerSpec] = [.maxpool(kernel: 2, stride: 2, padding: 0), .relu]

    private func check(
        channels: Int, height: Int, width: Int, batch: Int, threads: Int, special: [Int: Float] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let shape = Shape.spatial(channels: channels, height: height, width: width)
        let network = try Network(specs: specs, input: shape, seed: 1, threads: threads)
        XCTAssertEqual(network.stages.count, 1, "not fused", file: file, line: line)
        let fused = try XCTUnwrap(network.stages.first as? MaxPoolReLU, file: file, line: line)
        let layers = try Network(specs: specs, input: shape, seed: 1, threads: threads).layers
        // Values in [-1, 1] rounded to eighths: plenty of ties inside windows and of exact zeros.
        var x = TestData.uniform(batch * shape.count, seed: UInt64(batch * 31 + width)).map {
            ($0 * 8).rounded() / 8
        }
        for (i, value) in special { x[i] = value }
        let label = "\(shape) batch \(batch) threads \(threads)"

        let y = assertFusedForward(
            fused, layers, input: x, batch: batch, shape: shape, label, file: file, line: line)

        // Gradients with signed zeros among them: −0 must reach the winner as −0, as in the layers.
        var dy = TestData.uniform(y.count, seed: 7)
        for i in stride(from: 0, to: dy.count, by: 5) { dy[i] = -0.0 }
        let dx = try XCTUnwrap(
            fused.backward(TestData.activation(dy, batch: batch, shape: y.shape), needsInputGradient: true))
        var g = TestData.activation(dy, batch: batch, shape: y.shape)
        for layer in layers.reversed() { g = try XCTUnwrap(layer.backward(g, needsInputGradient: true)) }
        XCTAssertEqual(
            dx.buffer.array.map(\.bitPattern), g.buffer.array.map(\.bitPattern), "\(label) input gradient",
            file: file, line: line)
    }

    func testMatchesMaxPoolThenReLU() throws {
        // Rows of 4, 6 (an overlapping last vector), 12 and 14 pooled outputs; the default network's two
        // shapes (24×24 and 8×8).
        for (h, w) in [(24, 24), (8, 8), (2, 12), (6, 28), (10, 8)] {
            for threads in [1, 2, 3] {
                try check(channels: 3, height: h, width: w, batch: 5, threads: threads)
            }
        }
    }

    /// A NaN wins its window (the last of several), and the ReLU keeps it, as the layers do.
    func testNaNWinsItsWindow() throws {
        try check(
            channels: 2, height: 4, width: 8, batch: 2, threads: 1,
            special: [0: .nan, 9: .nan, 10: -.infinity, 11: .nan, 18: .infinity, 19: .nan, 40: -0.0])
    }

    func testFusesOnlyEvenInputsAtLeastEightWide() throws {
        for (h, w, fused) in [(8, 8, true), (6, 12, true), (8, 6, false), (7, 8, false), (8, 9, false)] {
            let network = try Network(
                specs: specs, input: .spatial(channels: 2, height: h, width: w), seed: 1)
            XCTAssertEqual(network.stages.count, fused ? 1 : 2, "\(h)×\(w)")
        }
        let other = try Network(
            specs: [.maxpool(kernel: 2, stride: 1, padding: 0), .relu],
            input: .spatial(channels: 2, height: 8, width: 8), seed: 1)
        XCTAssertEqual(other.stages.count, 2, "a stride-1 pool is not fused")
    }

    /// Max pool → ReLU after a convolution fuses into that convolution's chunk loop (`ConvPoolReLU`);
    /// after anything else it stays a `MaxPoolReLU`.
    func testDefaultModelFusesBothPoolsIntoTheirConvolutions() throws {
        let network = try Network(
            specs: BuiltinModel.default.layers(), input: .spatial(channels: 1, height: 28, width: 28), seed: 1
        )
        XCTAssertEqual(network.stages.filter { $0 is ConvPoolReLU }.count, 2)
        XCTAssertEqual(network.stages.count, network.layers.count - 4)
        let batchnorm = try Network(
            specs: BuiltinModel.batchnorm.layers(), input: .spatial(channels: 1, height: 28, width: 28),
            seed: 1)
        XCTAssertEqual(batchnorm.stages.filter { $0 is MaxPoolReLU }.count, 1, "conv, batch norm, pool, ReLU")
        XCTAssertEqual(batchnorm.stages.filter { $0 is ConvPoolReLU }.count, 1)
    }
}
