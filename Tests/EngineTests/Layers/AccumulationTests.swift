import XCTest

@testable import Engine

/// Backward passes add into parameter gradients (`+=`) and the optimizer zeroes them: two backward
/// passes over the same forward must give exactly twice one pass's gradients (up to float rounding of
/// one addition, so the tolerance is relative 1e-6).
final class AccumulationTests: XCTestCase {

    private func checkTwoBackwardsDouble(
        _ spec: LayerSpec, input: Shape, batch: Int, threads: Int = 1, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let layer = try TestData.layer(spec, input: input, threads: threads)
        XCTAssertFalse(layer.parameters.isEmpty, "\(spec) has no parameters to check", file: file, line: line)
        var context = ForwardContext(training: true, random: Random(seed: 1))
        let x = TestData.uniform(batch * input.count, seed: 7)
        let y = layer.forward(TestData.activation(x, batch: batch, shape: input), context: &context)
        let dy = TestData.uniform(y.count, seed: 8)
        for p in layer.parameters { p.gradient.zero() }
        _ = layer.backward(TestData.activation(dy, batch: batch, shape: y.shape), needsInputGradient: true)
        let once = layer.parameters.map { $0.gradient.array }
        _ = layer.backward(TestData.activation(dy, batch: batch, shape: y.shape), needsInputGradient: true)
        for (p, first) in zip(layer.parameters, once) {
            XCTAssertTrue(
                first.contains { $0 != 0 }, "\(spec) \(p.name): gradient is all zero", file: file, line: line)
            assertClose(
                p.gradient.array, first.map { Double(2 * $0) }, tolerance: 1e-6,
                "\(spec) \(p.name) after two backward passes", file: file, line: line)
        }
    }

    func testConvGradientsAccumulate() throws {
        let input = Shape.spatial(channels: 2, height: 7, width: 7)
        for threads in [1, 2] {
            try checkTwoBackwardsDouble(
                .conv(out: 3, kernel: 3, stride: 1, padding: 1, bias: true), input: input,
                batch: 40, threads: threads)
        }
    }

    func testLinearGradientsAccumulate() throws {
        try checkTwoBackwardsDouble(.linear(out: 4, bias: true), input: .flat(features: 6), batch: 5)
    }

    func testBatchNormGradientsAccumulate() throws {
        try checkTwoBackwardsDouble(.batchnorm, input: .spatial(channels: 3, height: 4, width: 4), batch: 6)
        try checkTwoBackwardsDouble(.batchnorm, input: .flat(features: 5), batch: 6)
    }
}

/// A NaN in a pooling window wins the window, as in PyTorch (`val > maxval || isnan(val)`), whether the
/// window goes through the unrolled 2×2 path or the general one.
final class MaxPoolNaNTests: XCTestCase {
    /// Output and input gradient of one channel; the gradient flows from the first output only.
    private func pool(_ values: [Float], kernel: Int, stride: Int, height: Int, width: Int) -> (
        y: [Float], dx: [Float]
    ) {
        let input = Shape.spatial(channels: 1, height: height, width: width)
        let layer = MaxPool2d(input: input, kernel: kernel, stride: stride, padding: 0, threads: 1)
        var context = ForwardContext(training: true, random: Random(seed: 1))
        let y = layer.forward(TestData.activation(values, batch: 1, shape: input), context: &context)
        let dy: [Float] = (0..<y.count).map { $0 == 0 ? 1 : 0 }  // the first window's only
        let dx = layer.backward(TestData.activation(dy, batch: 1, shape: y.shape), needsInputGradient: true)
        return (y.buffer.array, dx?.buffer.array ?? [])
    }

    func testNaNWinsItsWindowInEveryPosition() {
        for position in 0..<4 {
            var window: [Float] = [1, 2, 3, 4]
            window[position] = .nan
            // Fast path: a 2×2 input with a 2×2 stride-2 window.
            let fast = pool(window, kernel: 2, stride: 2, height: 2, width: 2)
            // General path: the same window inside a 2×3 input, stride 1, read by the generic loop.
            let general = pool(
                [window[0], window[1], 0, window[2], window[3], 0], kernel: 2, stride: 1, height: 2, width: 3)
            XCTAssertTrue(fast.y[0].isNaN, "fast 2×2 path, NaN at \(position): got \(fast.y[0])")
            XCTAssertTrue(general.y[0].isNaN, "general path, NaN at \(position): got \(general.y[0])")
            XCTAssertEqual(fast.dx.firstIndex(of: 1), position, "fast path routes the gradient to the NaN")
            XCTAssertEqual(
                general.dx.firstIndex(of: 1).map { [0, 1, 3, 4].firstIndex(of: $0) }, position,
                "general path routes the gradient to the NaN")
        }
    }

    /// Four windows side by side go through the vector loop: a NaN wins whichever lane and position it has.
    func testNaNWinsInEveryLaneOfTheVectorPath() {
        for lane in 0..<4 {
            for position in 0..<4 {
                var values = (0..<16).map(Float.init)
                values[(position >> 1) * 8 + 2 * lane + (position & 1)] = .nan
                let y = pool(values, kernel: 2, stride: 2, height: 2, width: 8).y
                for other in 0..<4 {
                    XCTAssertEqual(y[other].isNaN, other == lane, "NaN at lane \(lane), position \(position)")
                }
            }
        }
    }

    func testTheLastOfSeveralNaNsWinsInBothPaths() {
        let window: [Float] = [.nan, 2, .nan, 4]
        let fast = pool(window, kernel: 2, stride: 2, height: 2, width: 2)
        let general = pool(
            [window[0], window[1], 0, window[2], window[3], 0], kernel: 2, stride: 1, height: 2, width: 3)
        XCTAssertEqual(fast.dx, [0, 0, 1, 0])
        XCTAssertEqual(general.dx, [0, 0, 0, 1, 0, 0])
    }
}
