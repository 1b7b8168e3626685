/// Batch normalisation over channels (spatial input [C,N,H,W]: statistics over N·H·W per channel) or
/// over features (flat input [N,F]: statistics over N per feature). PyTorch semantics: biased variance
/// to normalise, unbiased variance in the running estimate, momentum 0.1, eps 1e-5; evaluation uses
/// the running statistics.
public final class BatchNorm: Layer {
    public let outputShape: Shape
    let channels: Int
    let momentum: Float = 0.1
    let epsilon: Float = 1e-5
    let scale: Parameter
    let shift: Parameter
    let runningMean: Buffer
    let runningVariance: Buffer
    private var output = Workspace(), inputGradient = Workspace()
    private var normalized = Workspace()
    private var inverseStd: [Float]
    private var trained = false

    init(input: Shape) {
        outputShape = input
        switch input {
        case .spatial(let c, _, _): channels = c
        case .flat(let f): channels = f
        }
        scale = Parameter(name: "weight", shape: [channels], isWeight: false)
        shift = Parameter(name: "bias", shape: [channels], isWeight: false)
        for c in 0..<channels { scale.value[c] = 1 }
        runningMean = Buffer(count: channels)
        runningVariance = Buffer(count: channels)
        for c in 0..<channels { runningVariance[c] = 1 }
        inverseStd = [Float](repeating: 1, count: channels)
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var buffers: [(name: String, buffer: Buffer)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }

    /// Where channel `c`'s elements lie: `count` values from `start`, `step` apart.
    private func layout(_ c: Int, batch: Int) -> (start: Int, step: Int, count: Int) {
        switch outputShape {
        case .spatial(_, let h, let w): return (c * batch * h * w, 1, batch * h * w)
        case .flat(let f): return (c, f, batch)
        }
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let out = output.get(input.count)
        let xhat = normalized.get(input.count)
        trained = context.training
        let x = input.pointer
        let y = out.pointer
        let xh = xhat.pointer
        for c in 0..<channels {
            let (start, step, m) = layout(c, batch: input.batch)
            var mean: Float
            var variance: Float
            if context.training {
                let mu = BatchNorm.sum(x, start, step, m) / Double(m)
                let squares = BatchNorm.squaredDeviations(x, start, step, m, mean: Float(mu))
                mean = Float(mu)
                variance = Float(squares / Double(m))
                let unbiased = m > 1 ? Float(squares / Double(m - 1)) : variance
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean
                runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * unbiased
            } else {
                mean = runningMean[c]
                variance = runningVariance[c]
            }
            let invStd = 1 / (variance + epsilon).squareRoot()
            inverseStd[c] = invStd
            let g = scale.value[c]
            let b = shift.value[c]
            var i = 0
            if step == 1 {
                while i + 8 <= m {
                    let n = (load(x + start + i) - mean) * invStd
                    store(n, xh + start + i)
                    store(g * n + b, y + start + i)
                    i += 8
                }
            }
            while i < m {
                let index = start + i * step
                let n = (x[index] - mean) * invStd
                xh[index] = n
                y[index] = g * n + b
                i += 1
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    /// Σ x over one channel, in sixteen float lanes per block of 4096 (two independent 8-lane chains, so the
    /// additions overlap; then eight), blocks summed in double.
    static func sum(_ x: UnsafeMutablePointer<Float>, _ start: Int, _ step: Int, _ m: Int) -> Double {
        var total: Double = 0
        if step == 1 {
            var i = 0
            while i < m {
                let end = min(m, i + 4096)
                var lanes = SIMD8<Float>()
                var more = SIMD8<Float>()
                while i + 16 <= end {
                    lanes += load(x + start + i)
                    more += load(x + start + i + 8)
                    i += 16
                }
                lanes += more
                while i + 8 <= end {
                    lanes += UnsafeRawPointer(x + start + i).loadUnaligned(as: SIMD8<Float>.self)
                    i += 8
                }
                var block = Double(lanes.sum())
                while i < end {
                    block += Double(x[start + i])
                    i += 1
                }
                total += block
            }
        } else {
            for i in 0..<m { total += Double(x[start + i * step]) }
        }
        return total
    }

    /// Σ (x − mean)² over one channel, in the lanes and blocks of `sum`.
    static func squaredDeviations(
        _ x: UnsafeMutablePointer<Float>, _ start: Int, _ step: Int, _ m: Int, mean: Float
    ) -> Double {
        var total: Double = 0
        if step == 1 {
            var i = 0
            while i < m {
                let end = min(m, i + 4096)
                var lanes = SIMD8<Float>()
                var more = SIMD8<Float>()
                while i + 16 <= end {
                    let d = load(x + start + i) - mean
                    let e = load(x + start + i + 8) - mean
                    lanes += d * d
                    more += e * e
                    i += 16
                }
                lanes += more
                while i + 8 <= end {
                    let d = UnsafeRawPointer(x + start + i).loadUnaligned(as: SIMD8<Float>.self) - mean
                    lanes += d * d
                    i += 8
                }
                var block = Double(lanes.sum())
                while i < end {
                    let d = x[start + i] - mean
                    block += Double(d * d)
                    i += 1
                }
                total += block
            }
        } else {
            for i in 0..<m {
                let d = Double(x[start + i * step]) - Double(mean)
                total += d * d
            }
        }
        return total
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard let xhat = normalized.buffer else { preconditionFailure("backward before forward") }
        let dx = inputGradient.get(gradOutput.count)
        let dy = gradOutput.pointer
        let xh = xhat.pointer
        let d = dx.pointer
        for c in 0..<channels {
            let (start, step, m) = layout(c, batch: gradOutput.batch)
            var sumDy: Float = 0
            var sumDyXhat: Float = 0
            var i = 0
            if step == 1 {
                var lanesDy = SIMD8<Float>()
                var lanesDyXhat = SIMD8<Float>()
                while i + 8 <= m {
                    let g = load(dy + start + i)
                    lanesDy += g
                    lanesDyXhat += g * load(xh + start + i)
                    i += 8
                }
                sumDy = lanesDy.sum()
                sumDyXhat = lanesDyXhat.sum()
            }
            while i < m {
                let index = start + i * step
                sumDy += dy[index]
                sumDyXhat += dy[index] * xh[index]
                i += 1
            }
            shift.gradient[c] += sumDy
            scale.gradient[c] += sumDyXhat
            guard needsInputGradient else { continue }
            let g = scale.value[c]
            let invStd = inverseStd[c]
            if trained {
                // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂))
                let meanDy = sumDy / Float(m)
                let meanDyXhat = sumDyXhat / Float(m)
                let k = g * invStd
                var i = 0
                if step == 1 {
                    while i + 8 <= m {
                        store(
                            k * (load(dy + start + i) - meanDy - load(xh + start + i) * meanDyXhat),
                            d + start + i)
                        i += 8
                    }
                }
                while i < m {
                    let index = start + i * step
                    d[index] = k * (dy[index] - meanDy - xh[index] * meanDyXhat)
                    i += 1
                }
            } else {
                for i in 0..<m {
                    let index = start + i * step
                    d[index] = g * invStd * dy[index]
                }
            }
        }
        return needsInputGradient ? Activation(buffer: dx, batch: gradOutput.batch, shape: outputShape) : nil
    }
}
