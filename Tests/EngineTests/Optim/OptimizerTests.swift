import XCTest

@testable import Engine

/// Optimizer steps against values worked out from the update rules in PyTorch's `torch.optim`
/// documentation, in Double. The engine updates in Float32: after two steps the values agree to
/// about 1e-7 relative, so the tolerance is 1e-5 (of max(1, |value|)).
final class OptimizerTests: XCTestCase {
    private let start: [Float] = [1.0, -2.0, 0.5, 0.0]
    private let gradients: [[Float]] = [[0.1, -0.2, 0.3, 1.0], [0.05, 0.4, -0.1, -2.0]]
    private let tolerance = 1e-5

    /// Runs `steps` optimizer steps with the fixed gradients and returns the values after each step.
    private func run(_ settings: OptimizerSettings, lr: Double, steps: Int = 2) -> [[Float]] {
        let parameter = Parameter(name: "weight", shape: [start.count], isWeight: true)
        parameter.value.copy(from: start)
        let optimizer = Optimizer(settings: settings, parameters: [parameter])
        return (0..<steps).map { step in
            parameter.gradient.copy(from: gradients[step])
            optimizer.step(learningRate: lr)
            XCTAssertEqual(parameter.gradient.array, [0, 0, 0, 0], "the step zeroes the gradient")
            return parameter.value.array
        }
    }

    private func settings(
        _ kind: OptimizerKind, momentum: Double = 0, weightDecay: Double = 0, nesterov: Bool = false
    )
        -> OptimizerSettings
    {
        var s = OptimizerSettings()
        s.kind = kind
        s.momentum = momentum
        s.weightDecay = weightDecay
        s.nesterov = nesterov
        return s
    }

    private func assertSteps(
        _ actual: [[Float]], _ expected: [[Double]], file: StaticString = #filePath, line: UInt = #line
    ) {
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            assertClose(a, e, tolerance: tolerance, "step \(step + 1)", file: file, line: line)
        }
    }

    /// `torch.optim.SGD` (dampening 0): d = g + λp; b = d on the first step, then b = μb + d;
    /// d = nesterov ? d + μb : b; p −= lr·d.
    private func sgdReference(lr: Double, momentum mu: Double, weightDecay wd: Double, nesterov: Bool)
        -> [[Double]]
    {
        var p = start.map(Double.init)
        var b = [Double](repeating: 0, count: p.count)
        var out: [[Double]] = []
        for (t, g) in gradients.enumerated() {
            for i in p.indices {
                var d = Double(g[i]) + wd * p[i]
                if mu != 0 {
                    b[i] = t == 0 ? d : mu * b[i] + d
                    d = nesterov ? d + mu * b[i] : b[i]
                }
                p[i] -= lr * d
            }
            out.append(p)
        }
        return out
    }

    func testSGDWithoutMomentum() {
        let steps = run(settings(.sgd), lr: 0.1)
        // By hand: p − 0.1·g, twice.
        assertSteps(steps, [[0.99, -1.98, 0.47, -0.1], [0.985, -2.02, 0.48, 0.1]])
    }

    func testSGDWithMomentum() {
        // By hand for the first element: b₁ = 0.1, p₁ = 1 − 0.01 = 0.99; b₂ = 0.5·0.1 + 0.05 = 0.1, p₂ = 0.98.
        let steps = run(settings(.sgd, momentum: 0.5), lr: 0.1)
        XCTAssertEqual(Double(steps[1][0]), 0.98, accuracy: 1e-6)
        assertSteps(steps, sgdReference(lr: 0.1, momentum: 0.5, weightDecay: 0, nesterov: false))
    }

    func testSGDWithNesterovMomentum() {
        let steps = run(settings(.sgd, momentum: 0.9, nesterov: true), lr: 0.1)
        assertSteps(steps, sgdReference(lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: true))
        // First step by hand: d = g + 0.9·g = 1.9·g.
        XCTAssertEqual(Double(steps[0][3]), -0.19, accuracy: 1e-6)
    }

    func testSGDWithWeightDecay() {
        let steps = run(settings(.sgd, momentum: 0.5, weightDecay: 0.1), lr: 0.1)
        assertSteps(steps, sgdReference(lr: 0.1, momentum: 0.5, weightDecay: 0.1, nesterov: false))
        // First step by hand for the second element: d = −0.2 + 0.1·(−2) = −0.4 → p = −2 + 0.04.
        XCTAssertEqual(Double(steps[0][1]), -1.96, accuracy: 1e-6)
    }

    /// `torch.optim.Adam` / `AdamW`: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
    /// p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε); Adam adds λp to g, AdamW first multiplies p by 1 − lr·λ.
    private func adamReference(lr: Double, weightDecay wd: Double, decoupled: Bool) -> [[Double]] {
        let b1 = 0.9
        let b2 = 0.999
        let eps = 1e-8
        var p = start.map(Double.init)
        var m = [Double](repeating: 0, count: p.count)
        var v = m
        var out: [[Double]] = []
        for (index, g) in gradients.enumerated() {
            let t = Double(index + 1)
            for i in p.indices {
                var d = Double(g[i])
                if decoupled { p[i] *= 1 - lr * wd } else { d += wd * p[i] }
                m[i] = b1 * m[i] + (1 - b1) * d
                v[i] = b2 * v[i] + (1 - b2) * d * d
                let mHat = m[i] / (1 - pow(b1, t))
                let vHat = v[i] / (1 - pow(b2, t))
                p[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
            out.append(p)
        }
        return out
    }

    func testAdamWithBiasCorrection() {
        let steps = run(settings(.adam), lr: 0.01)
        assertSteps(steps, adamReference(lr: 0.01, weightDecay: 0, decoupled: false))
        // With bias correction the first step moves every element by lr·sign(g) (up to ε).
        assertClose(steps[0], [0.99, -1.99, 0.49, -0.01], tolerance: 1e-6)
    }

    func testAdamWithL2Penalty() {
        assertSteps(
            run(settings(.adam, weightDecay: 0.1), lr: 0.01),
            adamReference(lr: 0.01, weightDecay: 0.1, decoupled: false))
    }

    func testAdamWDecouplesWeightDecay() {
        let steps = run(settings(.adamw, weightDecay: 0.5), lr: 0.01)
        assertSteps(steps, adamReference(lr: 0.01, weightDecay: 0.5, decoupled: true))
        // First step by hand, first element: 1·(1 − 0.005) − 0.01.
        XCTAssertEqual(Double(steps[0][0]), 0.985, accuracy: 1e-6)
        // Different from Adam's L2 penalty with the same λ.
        let coupled = run(settings(.adam, weightDecay: 0.5), lr: 0.01)
        XCTAssertGreaterThan(abs(steps[1][0] - coupled[1][0]), 1e-3)
    }

    /// `torch.optim.RMSprop` (not centred): s = αs + (1−α)g²; with momentum μ > 0,
    /// b = μb + g/(√s + ε) and p −= lr·b; otherwise p −= lr·g/(√s + ε).
    private func rmspropReference(lr: Double, alpha: Double, momentum mu: Double) -> [[Double]] {
        let eps = 1e-8
        var p = start.map(Double.init)
        var s = [Double](repeating: 0, count: p.count)
        var b = s
        var out: [[Double]] = []
        for g in gradients {
            for i in p.indices {
                let d = Double(g[i])
                s[i] = alpha * s[i] + (1 - alpha) * d * d
                let update = d / (s[i].squareRoot() + eps)
                if mu > 0 {
                    b[i] = mu * b[i] + update
                    p[i] -= lr * b[i]
                } else {
                    p[i] -= lr * update
                }
            }
            out.append(p)
        }
        return out
    }

    func testRMSpropWithoutMomentum() {
        let steps = run(settings(.rmsprop), lr: 0.01)
        assertSteps(steps, rmspropReference(lr: 0.01, alpha: 0.99, momentum: 0))
        // First step by hand: s = 0.01·g², so p moves by lr·g/(0.1·|g|) = 0.1·sign(g).
        assertClose(steps[0], [0.9, -1.9, 0.4, -0.1], tolerance: 1e-6)
    }

    func testRMSpropWithMomentum() {
        assertSteps(
            run(settings(.rmsprop, momentum: 0.9), lr: 0.01),
            rmspropReference(lr: 0.01, alpha: 0.99, momentum: 0.9))
    }

    /// PyTorch's defaults as `TrainingConfig` resolves them.
    func testResolvedDefaults() {
        var config = TrainingConfig()
        XCTAssertEqual(config.resolvedLearningRate, 0.01)
        XCTAssertEqual(config.resolvedMomentum, 0.5)
        config.optimizer = .adamw
        XCTAssertEqual(config.resolvedLearningRate, 1e-3)
        XCTAssertEqual(config.resolvedWeightDecay, 0.01)
        config.optimizer = .rmsprop
        XCTAssertEqual(config.resolvedMomentum, 0)
        XCTAssertEqual(config.optimizerSettings.alpha, 0.99)
    }
}
