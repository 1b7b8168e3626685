import XCTest

@testable import Engine

/// The fused convolution → 2×2 max pool → ReLU stage against the three layers run one after another (its
/// reference), bit for bit: output, input gradient, weight and bias gradients, over batches that make
/// several chunks of unequal size, on 1 to 3 threads.
final class ConvPoolReLUTests: XCTestCase {
    private func check(
        channels: Int, height: Int, width: Int, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, batch: Int, threads: Int, needsInputGradient: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let specs: [LayerSpec] = [
            .conv(out: out, kernel: kernel, stride: stride, padding: padding, bias: bias),
            .maxpool(kernel: 2, stride: 2, padding: 0), .relu,
        ]
        let shape = Shape.spatial(channels: channels, height: height, width: width)
        let fusedNetwork = try Network(specs: specs, input: shape, seed: 3, threads: threads)
        let plainNetwork = try Network(specs: specs, input: shape, seed: 3, threads: threads)
        XCTAssertEqual(fusedNetwork.stages.count, 1, "not fused", file: file, line: line)
        let fused = try XCTUnwrap(fusedNetwork.stages.first as? ConvPoolReLU, file: file, line: line)
        let layers = plainNetwork.layers
        let x = TestData.uniform(batch * shape.count, seed: UInt64(batch * 7 + width))
        let label =
            "\(shape) \(out)×\(kernel)×\(kernel) stride \(stride) padding \(padding) batch \(batch) threads \(threads)"

        // Twice: the second pass reuses the stage's scratch and buffers.
        for round in 0..<2 {
            let y = assertFusedForward(
                fused, layers, input: x, batch: batch, shape: shape, label, file: file, line: line)

            var dy = TestData.uniform(y.count, seed: UInt64(11 + round))
            for i in Swift.stride(from: 0, to: dy.count, by: 9) { dy[i] = -0.0 }
            for p in fusedNetwork.parameters + plainNetwork.parameters { p.gradient.zero() }
            let dx = fused.backward(
                TestData.activation(dy, batch: batch, shape: y.shape), needsInputGradient: needsInputGradient)
            var g = TestData.activation(dy, batch: batch, shape: y.shape)
            for (index, layer) in layers.enumerated().reversed() {
                guard let next = layer.backward(g, needsInputGradient: index > 0 || needsInputGradient) else {
                    break
                }
                g = next
            }
            if needsInputGradient {
                XCTAssertEqual(
                    try XCTUnwrap(dx, file: file, line: line).buffer.array.map(\.bitPattern),
                    g.buffer.array.map(\.bitPattern), "\(label) input gradient", file: file, line: line)
            } else {
                XCTAssertNil(dx, file: file, line: line)
            }
            for (a, b) in zip(fusedNetwork.parameters, plainNetwork.parameters) {
                XCTAssertEqual(
                    a.gradient.array.map(\.bitPattern), b.gradient.array.map(\.bitPattern),
                    "\(label) \(a.name) gradient", file: file, line: line)
            }
        }
    }

    /// The default network's two layers: 1×28×28 → 10×24×24 (chunks of 9 images) and 10×12×12 → 20×8×8
    /// (chunks of 8); 21 images make chunks of 9, 9, 3 and of 8, 8, 5.
    func testMatchesTheDefaultNetworksLayers() throws {
        for threads in [1, 2, 3] {
            try check(channels: 1, height: 28, width: 28, out: 10, kernel: 5, batch: 21, threads: threads)
            try check(channels: 10, height: 12, width: 12, out: 20, kernel: 5, batch: 21, threads: threads)
        }
    }

    /// Padding, stride 2, no bias, an output row of 6 pooled windows, and no input gradient (a first layer).
    func testMatchesOtherGeometries() throws {
        try check(
            channels: 3, height: 12, width: 12, out: 4, kernel: 3, padding: 1, bias: false, batch: 5,
            threads: 2)
        try check(channels: 2, height: 33, width: 33, out: 3, kernel: 3, stride: 2, batch: 4, threads: 2)
        try check(
            channels: 1, height: 28, width: 28, out: 10, kernel: 5, batch: 12, threads: 2,
            needsInputGradient: false)
    }

    /// Winograd convolutions keep their own chunk loop and are not fused; neither is a pool whose window
    /// `MaxPoolReLU` does not take.
    func testFusesOnlyIm2colConvolutionsBeforeAFusablePool() throws {
        let input = Shape.spatial(channels: 8, height: 8, width: 8)
        let winograd = try Network(
            specs: [
                .conv(out: 8, kernel: 3, stride: 1, padding: 1, bias: true),
                .maxpool(kernel: 2, stride: 2, padding: 0), .relu,
            ],
            input: input, seed: 1)
        XCTAssertFalse(winograd.stages.contains { $0 is ConvPoolReLU })
        let narrow = try Network(
            specs: [
                .conv(out: 4, kernel: 3, stride: 1, padding: 0, bias: true),
                .maxpool(kernel: 2, stride: 2, padding: 0), .relu,
            ],
            input: input, seed: 1)
        XCTAssertFalse(narrow.stages.contains { $0 is ConvPoolReLU }, "a 6-wide output is not fused")
    }
}
