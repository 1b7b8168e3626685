import XCTest

@testable import Engine

/// Builds activations from plain arrays and draws test data from the engine's own generator.
enum TestData {
    static func activation(_ values: [Float], batch: Int, shape: Shape) -> Activation {
        let buffer = Buffer(count: values.count)
        buffer.copy(from: values)
        return Activation(buffer: buffer, batch: batch, shape: shape)
    }

    static func uniform(_ count: Int, _ low: Float = -1, _ high: Float = 1, seed: UInt64) -> [Float] {
        var random = Random(seed: seed, stream: 77)
        return (0..<count).map { _ in random.uniform(low, high) }
    }

    /// Values at least `gap` apart, in random order: finite differences smaller than `gap / 2` never
    /// change which element of a max-pooling window wins.
    static func distinct(_ count: Int, gap: Float = 0.05, seed: UInt64) -> [Float] {
        var order = Array(0..<count)
        var random = Random(seed: seed, stream: 78)
        random.shuffle(&order)
        return order.map { Float($0 - count / 2) * gap }
    }

    /// Values with magnitude in [0.1, 1] and a random sign: away from ReLU's kink at 0.
    static func awayFromZero(_ count: Int, seed: UInt64) -> [Float] {
        var random = Random(seed: seed, stream: 79)
        return (0..<count).map { _ in
            let magnitude = random.uniform(0.1, 1)
            return random.nextFloat() < 0.5 ? -magnitude : magnitude
        }
    }

    /// A one-layer network's layer: the way `Network` builds it, with inferred shapes.
    static func layer(_ spec: LayerSpec, input: Shape, seed: UInt64 = 3, threads: Int = 1) throws -> Layer {
        try Network(specs: [spec], input: input, seed: seed, threads: threads).layers[0]
    }
}

/// Central finite differences of the scalar objective f(x) = Σ output · r for fixed random weights r,
/// computed in Double from the layer's Float32 outputs, against the layer's backward pass.
///
/// Tolerance: an analytic value `a` and numeric value `n` agree when
/// `|a − n| ≤ absoluteTolerance + relativeTolerance · max(|a|, |n|)`. With Float32 forward passes
/// and ε = 1e-2, the rounding error of f (≈ 1e-7 · √outputs) divided by 2ε stays below 1e-4 and the
/// O(ε²) truncation error of smooth layers below 1e-3, so rtol = 1e-2 and atol = 1e-3 have margin
/// while still catching any wrong factor, sign, index or missing term (errors of order 1e-1 and up).
struct GradientCheck {
    var epsilon: Float = 1e-2
    var relativeTolerance: Double = 1e-2
    var absoluteTolerance: Double = 1e-3
    /// Forward mode; dropout and batch norm are checked in training mode.
    var training = true

    /// Checks the input gradient and every parameter gradient of `layer` at `input`.
    /// The forward context is copied for every evaluation, so dropout draws the same mask each time.
    func check(
        _ layer: Layer, input: Activation, seed: UInt64 = 11, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let context = ForwardContext(training: training, random: Random(seed: 1234, stream: 9))
        var first = context
        let output = layer.forward(input, context: &first)
        let weights = TestData.uniform(output.count, seed: seed)
        let objective = { () -> Double in
            var c = context
            let y = layer.forward(input, context: &c)
            var sum: Double = 0
            for i in 0..<y.count { sum += Double(y.pointer[i]) * Double(weights[i]) }
            return sum
        }
        for parameter in layer.parameters { parameter.gradient.zero() }
        let gradOutput = TestData.activation(weights, batch: output.batch, shape: output.shape)
        guard let inputGradient = layer.backward(gradOutput, needsInputGradient: true)?.buffer.array else {
            XCTFail("backward returned no input gradient", file: file, line: line)
            return
        }
        XCTAssertEqual(inputGradient.count, input.count, "input gradient size", file: file, line: line)
        compare(inputGradient, numeric(input.buffer, objective), "input", file: file, line: line)
        for parameter in layer.parameters {
            let analytic = parameter.gradient.array
            compare(
                analytic, numeric(parameter.value, objective), "parameter '\(parameter.name)'", file: file,
                line: line)
        }
    }

    /// ∂f/∂buffer[i] by central differences, restoring every value afterwards.
    func numeric(_ buffer: Buffer, _ f: () -> Double) -> [Double] {
        (0..<buffer.count).map { i in
            let original = buffer[i]
            let up = original + epsilon
            let down = original - epsilon
            buffer[i] = up
            let fUp = f()
            buffer[i] = down
            let fDown = f()
            buffer[i] = original
            return (fUp - fDown) / (Double(up) - Double(down))
        }
    }

    func compare(_ analytic: [Float], _ numeric: [Double], _ what: String, file: StaticString, line: UInt) {
        XCTAssertEqual(analytic.count, numeric.count, file: file, line: line)
        var failures = 0
        for (i, (a, n)) in zip(analytic.map(Double.init), numeric).enumerated() {
            let allowed = absoluteTolerance + relativeTolerance * max(abs(a), abs(n))
            if !(abs(a - n) <= allowed) {
                failures += 1
                if failures <= 3 {
                    XCTFail(
                        "\(what) gradient [\(i)]: backward \(a), finite difference \(n)", file: file,
                        line: line)
                }
            }
        }
        if failures > 3 {
            XCTFail("\(what): \(failures) of \(numeric.count) gradients disagree", file: file, line: line)
        }
    }
}

/// Element-wise closeness: |a − b| ≤ tolerance · max(1, |b|).
func assertClose(
    _ actual: [Float], _ expected: [Double], tolerance: Double, _ what: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(what) count", file: file, line: line)
    var worst = 0.0
    var worstIndex = -1
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let error = abs(Double(a) - e) / max(1, abs(e))
        if !(error <= worst) {
            worst = error
            worstIndex = i
        }
    }
    if worstIndex >= 0 && !(worst <= tolerance) {
        XCTFail(
            "\(what)[\(worstIndex)]: \(actual[worstIndex]) vs \(expected[worstIndex]) (relative error \(worst) > \(tolerance))",
            file: file, line: line)
    }
}
