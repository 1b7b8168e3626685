import XCTest

@testable import Engine

/// The fast kernels (im2col + SGEMM in chunks across threads; unrolled max pooling) against the naive
/// loops in `Naive`. Float32 GEMM sums up to C·K·K products of values in [−1, 1]; against the Double
/// reference the error stays near 1e-6, so a relative tolerance of 1e-4 (of max(1, |value|)) has margin.
final class KernelReferenceTests: XCTestCase {

    private let tolerance = 1e-4

    private func checkConv(
        _ g: Naive.Geometry, bias: Bool, threads: Int, file: StaticString = #filePath, line: UInt = #line
    ) {
        var random = Random(seed: 5)
        let input = Shape.spatial(channels: g.channels, height: g.height, width: g.width)
        let conv = Conv2d(
            input: input, outputChannels: g.outputChannels, kernel: g.kernel, stride: g.stride,
            padding: g.padding, bias: bias, threads: threads, random: &random)
        let x = TestData.uniform(g.batch * input.count, seed: UInt64(g.batch))
        var context = ForwardContext(training: true, random: Random(seed: 1))
        let y = conv.forward(TestData.activation(x, batch: g.batch, shape: input), context: &context)
        let w = conv.weight.value.array
        let b = conv.bias?.value.array
        let label = "conv \(g) bias \(bias) threads \(threads)"
        assertClose(
            y.buffer.array, Naive.convForward(g, input: x, weight: w, bias: b), tolerance: tolerance,
            "\(label) forward", file: file, line: line)

        let dy = TestData.uniform(y.count, seed: 99)
        for p in conv.parameters { p.gradient.zero() }
        let dx = conv.backward(
            TestData.activation(dy, batch: g.batch, shape: y.shape), needsInputGradient: true)
        let expected = Naive.convBackward(g, input: x, weight: w, gradOutput: dy)
        assertClose(
            dx?.buffer.array ?? [], expected.input, tolerance: tolerance, "\(label) input gradient",
            file: file, line: line)
        assertClose(
            conv.weight.gradient.array, expected.weight, tolerance: tolerance, "\(label) weight gradient",
            file: file, line: line)
        if let bias = conv.bias {
            assertClose(
                bias.gradient.array, expected.bias, tolerance: tolerance, "\(label) bias gradient",
                file: file, line: line)
        }
    }

    /// Chunks hold 131,072 / (C·K·K·OH·OW) images: 33 here, so 70 images make chunks of 33, 33 and 4,
    /// split unevenly across 2 threads.
    func testConvMatchesNaiveAcrossChunksAndThreads() {
        let g = Naive.Geometry(
            channels: 3, batch: 70, height: 12, width: 12, outputChannels: 4, kernel: 3, stride: 1, padding: 1
        )
        for threads in [1, 2] { checkConv(g, bias: true, threads: threads) }
    }

    func testConvStride2MatchesNaive() {
        // 3·25·6·6 = 2,700 floats per image → chunks of 48; 101 images → 48, 48, 5.
        let g = Naive.Geometry(
            channels: 3, batch: 101, height: 13, width: 13, outputChannels: 5, kernel: 5, stride: 2,
            padding: 2)
        for threads in [1, 2] { checkConv(g, bias: false, threads: threads) }
    }

    func testConvLikeTheDefaultModelMatchesNaive() {
        // The default model's first layer: 1×28×28, 10 channels of 5×5 → chunks of 9 images; 20 → 9, 9, 2.
        let g = Naive.Geometry(
            channels: 1, batch: 20, height: 28, width: 28, outputChannels: 10, kernel: 5, stride: 1,
            padding: 0)
        for threads in [1, 2] { checkConv(g, bias: true, threads: threads) }
    }

    /// 3×3 stride-1 padded convolutions over 8 channels or more run as Winograd F(2×2, 3×3): odd and even
    /// sizes (partial tiles; tile columns padded to a multiple of 4), 1×1 and 2×2 inputs, and batches that
    /// make several chunks (about 262,144 / (16·(C + OC)·tiles) images each) split across 1, 2 and 3 threads.
    func testWinogradConvMatchesNaive() {
        for (size, batch) in [(7, 170), (16, 40), (9, 30), (14, 12), (1, 3), (2, 5), (3, 4)] {
            let g = Naive.Geometry(
                channels: 8, batch: batch, height: size, width: size, outputChannels: 6, kernel: 3, stride: 1,
                padding: 1)
            for threads in [1, 2, 3] { checkConv(g, bias: size % 2 == 0, threads: threads) }
        }
        // Not square, more output than input channels.
        let g = Naive.Geometry(
            channels: 9, batch: 6, height: 5, width: 12, outputChannels: 17, kernel: 3, stride: 1, padding: 1)
        checkConv(g, bias: true, threads: 2)
    }

    /// The Winograd path against the im2col path (`forceIm2col`) on the strong model's 64-channel 7×7 layer
    /// shape, from the same weights: forward, input and weight gradients agree to float rounding.
    func testWinogradMatchesTheIm2colPath() throws {
        let input = Shape.spatial(channels: 16, height: 7, width: 7)
        let x = TestData.uniform(40 * input.count, seed: 31)
        var results: [(y: [Float], dx: [Float], dw: [Float])] = []
        for forceIm2col in [false, true] {
            var random = Random(seed: 5)
            let conv = Conv2d(
                input: input, outputChannels: 12, kernel: 3, stride: 1, padding: 1, bias: false, threads: 2,
                random: &random, forceIm2col: forceIm2col)
            XCTAssertEqual(conv.winograd == nil, forceIm2col)
            var context = ForwardContext(training: true, random: Random(seed: 1))
            let y = conv.forward(TestData.activation(x, batch: 40, shape: input), context: &context)
            let dy = TestData.uniform(y.count, seed: 32)
            let dx = try XCTUnwrap(
                conv.backward(TestData.activation(dy, batch: 40, shape: y.shape), needsInputGradient: true))
            results.append((y.buffer.array, dx.buffer.array, conv.weight.gradient.array))
        }
        let (winograd, im2col) = (results[0], results[1])
        assertClose(winograd.y, im2col.y.map(Double.init), tolerance: tolerance, "forward")
        assertClose(winograd.dx, im2col.dx.map(Double.init), tolerance: tolerance, "input gradient")
        assertClose(winograd.dw, im2col.dw.map(Double.init), tolerance: tolerance, "weight gradient")
    }

    /// The Winograd path gives the same bits for any thread count: chunks and reduction groups depend on the
    /// batch alone.
    func testWinogradConvIsIdenticalForAnyThreadCount() throws {
        let input = Shape.spatial(channels: 16, height: 7, width: 7)
        let x = TestData.uniform(300 * input.count, seed: 21)
        var results: [[Float]] = []
        for threads in [1, 2, 4] {
            var random = Random(seed: 5)
            let conv = Conv2d(
                input: input, outputChannels: 8, kernel: 3, stride: 1, padding: 1, bias: true,
                threads: threads,
                random: &random)
            XCTAssertNotNil(conv.winograd)
            var context = ForwardContext(training: true, random: Random(seed: 1))
            let y = conv.forward(TestData.activation(x, batch: 300, shape: input), context: &context)
            let dy = TestData.uniform(y.count, seed: 22)
            let dx = conv.backward(
                TestData.activation(dy, batch: 300, shape: y.shape), needsInputGradient: true)
            results.append(
                y.buffer.array + (dx?.buffer.array ?? []) + conv.weight.gradient.array
                    + (try XCTUnwrap(conv.bias).gradient.array))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    /// Same-size convolutions (stride 1, padding (K − 1)/2) copy and add each column row as one shifted run
    /// of the input plane: the strong model's 28×28 and 7×7 layers, and a 5×5 kernel that wraps two columns.
    func testSameSizeConvMatchesNaive() {
        for (channels, size, kernel, padding) in [(1, 28, 3, 1), (3, 7, 3, 1), (2, 9, 5, 2), (2, 6, 3, 1)] {
            let g = Naive.Geometry(
                channels: channels, batch: 5, height: size, width: size, outputChannels: 3, kernel: kernel,
                stride: 1, padding: padding)
            for threads in [1, 2] { checkConv(g, bias: false, threads: threads) }
        }
    }

    /// Unpadded stride-1 convolutions copy whole rows: rows of 8 (the default model's second layer), 7 and 4.
    func testUnpaddedConvMatchesNaive() {
        for (channels, size, kernel) in [(10, 12, 5), (2, 9, 3), (3, 6, 3)] {
            let g = Naive.Geometry(
                channels: channels, batch: 4, height: size, width: size, outputChannels: 3, kernel: kernel,
                stride: 1, padding: 0)
            for threads in [1, 2] { checkConv(g, bias: true, threads: threads) }
        }
    }

    /// Inputs narrower than the kernel reach beyond the padding: window columns lying entirely outside the
    /// input must read zeros, never the neighbouring image.
    func testConvOnInputsSmallerThanTheKernelMatchesNaive() {
        for (size, kernel, stride, padding) in [
            (1, 3, 1, 1), (1, 3, 2, 1), (2, 5, 1, 2), (2, 5, 2, 2), (3, 5, 2, 2),
        ] {
            let g = Naive.Geometry(
                channels: 2, batch: 3, height: size, width: size, outputChannels: 2, kernel: kernel,
                stride: stride, padding: padding)
            checkConv(g, bias: true, threads: 1)
        }
    }

    /// Linear's GEMMs in blocks of 32 rows or features split across threads: 70 examples and 40 features make
    /// uneven blocks, and 70·40·400 multiply-adds are enough to split; 1 and 3 threads give bit-identical
    /// results, both close to the plain sums.
    func testLinearBlocksMatchNaiveAndAnyThreadCount() throws {
        let (n, f, o) = (70, 400, 40)
        let x = TestData.uniform(n * f, seed: 11)
        let dy = TestData.uniform(n * o, seed: 12)
        var results: [(y: [Float], dx: [Float], dw: [Float], db: [Float])] = []
        var weights: [Float] = []
        var biases: [Float] = []
        for threads in [1, 3] {
            var random = Random(seed: 5)
            let linear = Linear(
                input: .flat(features: f), outputFeatures: o, bias: true, threads: threads, random: &random)
            weights = linear.weight.value.array
            biases = try XCTUnwrap(linear.bias).value.array
            var context = ForwardContext(training: true, random: Random(seed: 1))
            let y = linear.forward(
                TestData.activation(x, batch: n, shape: .flat(features: f)), context: &context)
            let dx = try XCTUnwrap(
                linear.backward(TestData.activation(dy, batch: n, shape: y.shape), needsInputGradient: true))
            results.append(
                (
                    y.buffer.array, dx.buffer.array, linear.weight.gradient.array,
                    try XCTUnwrap(linear.bias).gradient.array
                ))
        }
        XCTAssertEqual(results[0].y, results[1].y)
        XCTAssertEqual(results[0].dx, results[1].dx)
        XCTAssertEqual(results[0].dw, results[1].dw)
        XCTAssertEqual(results[0].db, results[1].db)
        var y = [Double](repeating: 0, count: n * o)
        var dx = [Double](repeating: 0, count: n * f)
        var dw = [Double](repeating: 0, count: o * f)
        for i in 0..<n {
            for j in 0..<o {
                y[i * o + j] = Double(biases[j])
                for k in 0..<f {
                    y[i * o + j] += Double(x[i * f + k]) * Double(weights[j * f + k])
                    dx[i * f + k] += Double(dy[i * o + j]) * Double(weights[j * f + k])
                    dw[j * f + k] += Double(dy[i * o + j]) * Double(x[i * f + k])
                }
            }
        }
        assertClose(results[0].y, y, tolerance: tolerance, "linear forward")
        assertClose(results[0].dx, dx, tolerance: tolerance, "linear input gradient")
        assertClose(results[0].dw, dw, tolerance: tolerance, "linear weight gradient")
    }

    private func checkMaxPool(
        _ g: Naive.Geometry, values: [Float], threads: Int, file: StaticString = #filePath, line: UInt = #line
    ) {
        let input = Shape.spatial(channels: g.channels, height: g.height, width: g.width)
        let pool = MaxPool2d(
            input: input, kernel: g.kernel, stride: g.stride, padding: g.padding, threads: threads)
        var context = ForwardContext(training: true, random: Random(seed: 1))
        let y = pool.forward(TestData.activation(values, batch: g.batch, shape: input), context: &context)
        let expected = Naive.maxPool(g, input: values)
        let label =
            "maxpool k\(g.kernel) s\(g.stride) p\(g.padding) \(g.height)×\(g.width) threads \(threads)"
        XCTAssertEqual(y.buffer.array, expected.output, "\(label) forward", file: file, line: line)
        let dy = TestData.uniform(y.count, seed: 3)
        let dx = pool.backward(
            TestData.activation(dy, batch: g.batch, shape: y.shape), needsInputGradient: true)
        assertClose(
            dx?.buffer.array ?? [],
            Naive.maxPoolBackward(inputCount: values.count, winners: expected.winners, gradOutput: dy),
            tolerance: 1e-6, "\(label) backward", file: file, line: line)
    }

    func testMaxPoolMatchesNaive() {
        let windows = [(2, 2, 0), (3, 2, 1), (3, 3, 0), (2, 1, 0)]
        for (kernel, stride, padding) in windows {
            // For 2×2 windows, rows of 3 to 12 outputs: lane by lane, one vector, an overlapping last one.
            for size in [6, 7, 8, 10, 11, 18, 24] {
                for threads in [1, 2] {
                    let g = Naive.Geometry(
                        channels: 3, batch: 5, height: size, width: size, outputChannels: 3, kernel: kernel,
                        stride: stride, padding: padding)
                    checkMaxPool(
                        g, values: TestData.uniform(3 * 5 * size * size, seed: UInt64(size)), threads: threads
                    )
                }
            }
        }
    }

    /// Whole numbers 0…3 make ties in most windows: the first maximum in window order wins, as PyTorch's.
    func testMaxPoolTiesGoToTheFirstMaximum() {
        var random = Random(seed: 4)
        let values = (0..<(2 * 3 * 8 * 8)).map { _ in Float(random.nextInt(4)) }
        for (kernel, stride, padding) in [(2, 2, 0), (3, 2, 1)] {
            let g = Naive.Geometry(
                channels: 2, batch: 3, height: 8, width: 8, outputChannels: 2, kernel: kernel,
                stride: stride, padding: padding)
            checkMaxPool(g, values: values, threads: 1)
        }
    }

    /// Channel-major [C,N,H,W] becomes [N, C·H·W] in PyTorch's (c, h, w) feature order.
    func testFlattenLayout() throws {
        let shape = Shape.spatial(channels: 2, height: 2, width: 3)
        let layer = try TestData.layer(.flatten, input: shape)
        let values = (0..<24).map(Float.init)  // value = ((c·N + n)·H + y)·W + x with N = 2
        var context = ForwardContext(training: true, random: Random(seed: 1))
        let out = layer.forward(TestData.activation(values, batch: 2, shape: shape), context: &context)
        var expected: [Float] = []
        for n in 0..<2 { for c in 0..<2 { for i in 0..<6 { expected.append(Float((c * 2 + n) * 6 + i)) } } }
        XCTAssertEqual(out.buffer.array, expected)
    }
}
