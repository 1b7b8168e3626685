import XCTest

@testable import Engine

/// PyTorch's BatchNorm: training normalises with the batch's biased variance and moves the running
/// estimates by momentum 0.1 towards the batch mean and *unbiased* variance; evaluation uses the running
/// estimates. Float32 outputs against Double references: tolerance 1e-5.
final class BatchNormTests: XCTestCase {
    private func forward(_ layer: Layer, _ x: [Float], batch: Int, shape: Shape, training: Bool) -> [Float] {
        var context = ForwardContext(training: training, random: Random(seed: 1))
        return layer.forward(TestData.activation(x, batch: batch, shape: shape), context: &context).buffer
            .array
    }

    /// Values of channel/feature `c` for each layout.
    private func members(_ c: Int, shape: Shape, batch: Int) -> [Int] {
        switch shape {
        case .spatial(_, let h, let w): return Array((c * batch * h * w)..<((c + 1) * batch * h * w))
        case .flat(let f): return (0..<batch).map { $0 * f + c }
        }
    }

    private func checkRunningStatistics(shape: Shape, batch: Int, channels: Int) throws {
        let layer = try XCTUnwrap(try TestData.layer(.batchnorm, input: shape) as? BatchNorm)
        let x = TestData.uniform(batch * shape.count, -2, 3, seed: 12)
        let y = forward(layer, x, batch: batch, shape: shape, training: true)
        var expectedMean: [Double] = []
        var expectedVariance: [Double] = []
        for c in 0..<channels {
            let values = members(c, shape: shape, batch: batch).map { Double(x[$0]) }
            let m = Double(values.count)
            let mean = values.reduce(0, +) / m
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            expectedMean.append(0.9 * 0 + 0.1 * mean)
            expectedVariance.append(0.9 * 1 + 0.1 * squares / (m - 1))
            // Training output: batch statistics, biased variance, γ = 1, β = 0.
            let normalized = values.map { ($0 - mean) / (squares / m + 1e-5).squareRoot() }
            assertClose(
                members(c, shape: shape, batch: batch).map { y[$0] }, normalized, tolerance: 1e-5,
                "channel \(c)")
        }
        assertClose(layer.runningMean.array, expectedMean, tolerance: 1e-6, "running mean")
        assertClose(layer.runningVariance.array, expectedVariance, tolerance: 1e-6, "running variance")

        // A second training batch moves the estimates again from where they are.
        let x2 = TestData.uniform(batch * shape.count, -1, 1, seed: 13)
        _ = forward(layer, x2, batch: batch, shape: shape, training: true)
        for c in 0..<channels {
            let values = members(c, shape: shape, batch: batch).map { Double(x2[$0]) }
            let m = Double(values.count)
            let mean = values.reduce(0, +) / m
            let unbiased = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (m - 1)
            expectedMean[c] = 0.9 * expectedMean[c] + 0.1 * mean
            expectedVariance[c] = 0.9 * expectedVariance[c] + 0.1 * unbiased
        }
        assertClose(layer.runningMean.array, expectedMean, tolerance: 1e-6, "running mean after two batches")
        assertClose(
            layer.runningVariance.array, expectedVariance, tolerance: 1e-6,
            "running variance after two batches")

        // Evaluation: running statistics, and they stay put.
        layer.scale.value.copy(from: (0..<channels).map { Float($0) + 0.5 })
        layer.shift.value.copy(from: (0..<channels).map { Float($0) * -0.25 })
        let runningBefore = (layer.runningMean.array, layer.runningVariance.array)
        let x3 = TestData.uniform(batch * shape.count, seed: 14)
        let y3 = forward(layer, x3, batch: batch, shape: shape, training: false)
        for c in 0..<channels {
            let gamma = Double(c) + 0.5
            let beta = Double(c) * -0.25
            let expected = members(c, shape: shape, batch: batch).map {
                gamma * (Double(x3[$0]) - expectedMean[c]) / (expectedVariance[c] + 1e-5).squareRoot() + beta
            }
            assertClose(
                members(c, shape: shape, batch: batch).map { y3[$0] }, expected, tolerance: 1e-5,
                "evaluation channel \(c)")
        }
        XCTAssertEqual(layer.runningMean.array, runningBefore.0, "evaluation leaves the running mean")
        XCTAssertEqual(layer.runningVariance.array, runningBefore.1, "evaluation leaves the running variance")
    }

    /// The channel sums (sixteen float lanes per block of 4096, blocks in double) against plain double sums:
    /// counts that end inside the 16-lane loop, the 8-lane step and the scalar tail, and several blocks.
    func testChannelSumsMatchPlainSums() {
        let x = TestData.uniform(10_100, -1, 3, seed: 21)
        x.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for (start, m) in [(0, 5), (3, 23), (1, 40), (0, 4096), (7, 4133), (11, 10_000)] {
                let values = x[start..<(start + m)].map(Double.init)
                let plain = values.reduce(0, +)
                let sum = BatchNorm.sum(p, start, 1, m)
                XCTAssertEqual(sum, plain, accuracy: 1e-6 * Double(m), "Σ x, \(m) from \(start)")
                let mean = Float(plain / Double(m))
                let squares = values.reduce(0) { $0 + ($1 - Double(mean)) * ($1 - Double(mean)) }
                XCTAssertEqual(
                    BatchNorm.squaredDeviations(p, start, 1, m, mean: mean), squares,
                    accuracy: 1e-6 * Double(m),
                    "Σ (x − mean)², \(m) from \(start)")
                XCTAssertEqual(BatchNorm.sum(p, start, 1, m), sum, "the same order every time")
            }
        }
    }

    func testOverChannels() throws {
        try checkRunningStatistics(shape: .spatial(channels: 3, height: 4, width: 5), batch: 2, channels: 3)
    }

    func testOverFeatures() throws {
        try checkRunningStatistics(shape: .flat(features: 4), batch: 7, channels: 4)
    }

    func testStartsAsIdentityInEvaluation() throws {
        let shape = Shape.flat(features: 3)
        let layer = try TestData.layer(.batchnorm, input: shape)
        let x = TestData.uniform(9, seed: 1)
        // Running mean 0 and variance 1: y = x / √(1 + 1e-5).
        assertClose(
            forward(layer, x, batch: 3, shape: shape, training: false),
            x.map { Double($0) / (1 + 1e-5).squareRoot() },
            tolerance: 1e-6)
    }
}
