/// Batch norm → ReLU → 2×2 max pooling (stride 2, no padding) over a spatial input, in one pass over each
/// channel forward (after the statistics) and one backward, split across threads by channel. It computes
/// what the three layers compute in a row, without the three full-size tensors between them (normalised
/// input, batch-norm output, ReLU output) and their gradients. `Network` runs it in place of such a run of
/// layers; the three stay in `Network.layers` for checkpoints, shapes and FLOP counts, and the batch norm
/// keeps the parameters and running statistics.
///
/// Forward results are bit for bit the three layers' (the same operations in the same order per element);
/// the batch-norm gradient sums run over the pooled winners only (the other elements' gradient is zero),
/// so they differ from the separate layers' in summation order alone.
final class BatchNormReLUPool: Layer {
    let outputShape: Shape
    let norm: BatchNorm
    /// How many threads split each pass; changed between batches by `setThreads`.
    private(set) var threads: Int
    private let channels: Int, height: Int, width: Int
    private var output = Workspace(), inputGradient = Workspace()
    private var input: Activation?
    /// Per pooled output: which element of its 2×2 window won (0 top left, 1 top right, 2 and 3 below).
    private var winners: [UInt8] = []
    /// Per channel: the mean and 1/σ the last forward pass normalised with.
    private var means: [Float], inverseStds: [Float]
    private var trained = false

    /// nil unless the three layers are batch norm, ReLU and 2×2 stride-2 unpadded max pooling over the same
    /// spatial shape.
    init?(_ norm: Layer, _ relu: Layer, _ pool: Layer, threads: Int) {
        guard let norm = norm as? BatchNorm, relu is ReLU, let pool = pool as? MaxPool2d,
            case .spatial(let c, let h, let w) = norm.outputShape, relu.outputShape == norm.outputShape,
            pool.inputShape == norm.outputShape, pool.kernel == 2, pool.stride == 2, pool.padding == 0,
            h >= 2, w >= 2
        else { return nil }
        self.norm = norm
        self.threads = max(1, threads)
        channels = c
        height = h
        width = w
        outputShape = pool.outputShape
        means = [Float](repeating: 0, count: c)
        inverseStds = [Float](repeating: 1, count: c)
    }

    private var outputHeight: Int { height / 2 }
    private var outputWidth: Int { width / 2 }

    func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        self.input = input
        trained = context.training
        let batch = input.batch
        let plane = height * width
        let oh = outputHeight
        let ow = outputWidth
        let outPlane = oh * ow
        let out = output.get(channels * batch * outPlane)
        if winners.count != out.count { winners = [UInt8](repeating: 0, count: out.count) }
        let training = context.training
        let width = width
        let height = height
        let norm = norm
        let momentum = norm.momentum
        let epsilon = norm.epsilon
        // Each thread reads the shared input and writes its own channels' outputs, winners, statistics and
        // running statistics.
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(out.pointer)
        let scale = SharedPointer(norm.scale.value.pointer)
        let shift = SharedPointer(norm.shift.value.pointer)
        let runningMean = SharedPointer(norm.runningMean.pointer)
        let runningVariance = SharedPointer(norm.runningVariance.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            means.withUnsafeMutableBufferPointer { meanBuffer in
                inverseStds.withUnsafeMutableBufferPointer { invBuffer in
                    let winner = SharedPointer(win.baseAddress!)
                    let meanOut = SharedPointer(meanBuffer.baseAddress!)
                    let invOut = SharedPointer(invBuffer.baseAddress!)
                    Parallel.split(channels, threads: threads) { range, _ in
                        for c in range {
                            let m = batch * plane
                            let xc = x.base + c * m
                            let mean: Float
                            let variance: Float
                            // The batch norm's own statistics, in its order (BatchNorm.forward).
                            if training {
                                let mu = BatchNorm.sum(xc, 0, 1, m) / Double(m)
                                let squares = BatchNorm.squaredDeviations(xc, 0, 1, m, mean: Float(mu))
                                mean = Float(mu)
                                variance = Float(squares / Double(m))
                                let unbiased = m > 1 ? Float(squares / Double(m - 1)) : variance
                                runningMean.base[c] = (1 - momentum) * runningMean.base[c] + momentum * mean
                                runningVariance.base[c] =
                                    (1 - momentum) * runningVariance.base[c] + momentum * unbiased
                            } else {
                                mean = runningMean.base[c]
                                variance = runningVariance.base[c]
                            }
                            let invStd = 1 / (variance + epsilon).squareRoot()
                            meanOut.base[c] = mean
                            invOut.base[c] = invStd
                            let g = scale.base[c]
                            let b = shift.base[c]
                            let affine = Affine(mean: mean, inverseStd: invStd, scale: g, shift: b)
                            for image in 0..<batch {
                                let offset = (c * batch + image) * outPlane
                                Self.poolPlane(
                                    xc + image * plane, y.base + offset, winner.base + offset, width: width,
                                    height: height,
                                    outputHeight: oh, outputWidth: ow, affine)
                            }
                        }
                    }
                }
            }
        }
        return Activation(buffer: out, batch: batch, shape: outputShape)
    }

    /// One channel's normalise, scale and shift, then ReLU: y < 0 → 0 as ReLU's `replacing(…, where: v .< 0)`.
    /// The scalar and vector forms do the same operations per element.
    struct Affine {
        var mean: Float, inverseStd: Float, scale: Float, shift: Float

        @inline(__always) func callAsFunction(_ v: Float) -> Float {
            let n = (v - mean) * inverseStd
            let y = scale * n + shift
            return y < 0 ? 0 : y
        }

        @inline(__always) func callAsFunction(_ v: SIMD8<Float>) -> SIMD8<Float> {
            let n = (v - mean) * inverseStd
            let y = scale * n + shift
            return y.replacing(with: 0, where: y .< 0)
        }
    }

    /// One plane's pooled outputs and winners. Four outputs at a time from two 8-float loads per row pair (their even
    /// and odd elements are the windows' left and right columns); a row of at least four outputs ends with
    /// four that overlap the previous ones (rewriting the same values) instead of a scalar tail.
    @inline(__always)
    static func poolPlane(
        _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        _ winner: UnsafeMutablePointer<UInt8>,
        width: Int, height: Int, outputHeight oh: Int, outputWidth ow: Int, _ activation: Affine
    ) {
        let planeSize = width * height
        for oy in 0..<oh {
            let top = x + 2 * oy * width
            let bottom = top + width
            let yp = y + oy * ow
            let wp = winner + oy * ow
            if ow >= 4 {
                var ox = 0
                while true {
                    let (best, index) = pool(
                        activation(load(top + 2 * ox)), activation(load(bottom + 2 * ox)))
                    UnsafeMutableRawPointer(yp + ox).storeBytes(of: best, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(wp + ox).storeBytes(of: index, as: SIMD4<UInt8>.self)
                    if ox + 4 == ow { break }
                    ox = min(ox + 4, ow - 4)
                }
            } else if (2 * oy + 1) * width + 8 <= planeSize {
                // Fewer than four outputs (a 7-wide input pools to 3) and eight floats left in the plane from
                // the bottom row: the row pair's 2·ow elements in the vectors' first lanes, the other lanes
                // (the rows' next elements) unused.
                let (best, index) = pool(activation(load(top)), activation(load(bottom)))
                for ox in 0..<ow {
                    yp[ox] = best[ox]
                    wp[ox] = index[ox]
                }
            } else {
                for ox in 0..<ow {
                    // MaxPool2d.pool2x2's comparisons (the first maximum wins, a NaN wins), as selects
                    // rather than branches.
                    var best = activation(top[2 * ox])
                    var index: UInt8 = 0
                    let b1 = activation(top[2 * ox + 1])
                    let take1 = b1 > best || b1 != b1
                    best = take1 ? b1 : best
                    index = take1 ? 1 : index
                    let b2 = activation(bottom[2 * ox])
                    let take2 = b2 > best || b2 != b2
                    best = take2 ? b2 : best
                    index = take2 ? 2 : index
                    let b3 = activation(bottom[2 * ox + 1])
                    let take3 = b3 > best || b3 != b3
                    best = take3 ? b3 : best
                    index = take3 ? 3 : index
                    yp[ox] = best
                    wp[ox] = index
                }
            }
        }
    }

    /// Four 2×2 windows, their rows' activations `top` and `bottom`: each window's maximum and which of its
    /// elements won (0 top left, 1 top right, 2 and 3 below). MaxPool2d.pool2x2's comparisons per lane: the
    /// first maximum wins, a NaN wins.
    @inline(__always)
    static func pool(_ top: SIMD8<Float>, _ bottom: SIMD8<Float>) -> (SIMD4<Float>, SIMD4<UInt8>) {
        var best = top.evenHalf
        var index = SIMD4<Int32>()
        let b1 = top.oddHalf
        let take1 = (b1 .> best) .| (b1 .!= b1)
        best.replace(with: b1, where: take1)
        index.replace(with: 1, where: take1)
        let b2 = bottom.evenHalf
        let take2 = (b2 .> best) .| (b2 .!= b2)
        best.replace(with: b2, where: take2)
        index.replace(with: 2, where: take2)
        let b3 = bottom.oddHalf
        let take3 = (b3 .> best) .| (b3 .!= b3)
        best.replace(with: b3, where: take3)
        index.replace(with: 3, where: take3)
        return (best, SIMD4<UInt8>(truncatingIfNeeded: index))
    }

    func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard let input, let pooled = output.buffer else { preconditionFailure("backward before forward") }
        let batch = gradOutput.batch
        let plane = height * width
        let oh = outputHeight
        let ow = outputWidth
        let outPlane = oh * ow
        let width = width
        let trained = trained
        let dx = needsInputGradient ? inputGradient.get(input.count) : nil
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(pooled.pointer)
        let dy = SharedPointer(gradOutput.pointer)
        let d = dx.map { SharedPointer($0.pointer) }
        let scale = SharedPointer(norm.scale.value.pointer)
        let scaleGradient = SharedPointer(norm.scale.gradient.pointer)
        let shiftGradient = SharedPointer(norm.shift.gradient.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            means.withUnsafeMutableBufferPointer { meanBuffer in
                inverseStds.withUnsafeMutableBufferPointer { invBuffer in
                    let winner = SharedPointer(win.baseAddress!)
                    let meanOf = SharedPointer(meanBuffer.baseAddress!)
                    let invOf = SharedPointer(invBuffer.baseAddress!)
                    // Each thread reads shared inputs and writes its own channels' gradients.
                    Parallel.split(channels, threads: threads) { range, _ in
                        for c in range {
                            let m = batch * plane
                            let xc = x.base + c * m
                            let mean = meanOf.base[c]
                            let invStd = invOf.base[c]
                            // Σ dy and Σ dy·x̂ of the batch norm's output: nonzero only at winners that
                            // passed the ReLU (ReLU's mask: output ≤ 0 → 0). No branch on the mask: a
                            // masked winner adds zeros.
                            var sumDy: Double = 0
                            var sumDyXhat: Double = 0
                            for image in 0..<batch {
                                let offset = (c * batch + image) * outPlane
                                for oy in 0..<oh {
                                    let row = image * plane + 2 * oy * width
                                    for ox in 0..<ow {
                                        let j = offset + oy * ow + ox
                                        let g = y.base[j] <= 0 ? 0 : dy.base[j]
                                        let w = Int(winner.base[j])
                                        let p = row + (w >> 1) * width + 2 * ox + (w & 1)
                                        sumDy += Double(g)
                                        sumDyXhat += Double(g * ((xc[p] - mean) * invStd))
                                    }
                                }
                            }
                            shiftGradient.base[c] += Float(sumDy)
                            scaleGradient.base[c] += Float(sumDyXhat)
                            guard let d else { continue }
                            let dc = d.base + c * m
                            let k = scale.base[c] * invStd
                            let meanDy = Float(sumDy) / Float(m)
                            let meanDyXhat = Float(sumDyXhat) / Float(m)
                            // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)) (BatchNorm.backward); dy = 0 off the
                            // winners, so one pass for all elements, then the winners again with their dy.
                            if trained {
                                var i = 0
                                while i + 8 <= m {
                                    let xh = (load(xc + i) - mean) * invStd
                                    store(k * (SIMD8<Float>() - meanDy - xh * meanDyXhat), dc + i)
                                    i += 8
                                }
                                while i < m {
                                    let xh = (xc[i] - mean) * invStd
                                    dc[i] = k * (0 - meanDy - xh * meanDyXhat)
                                    i += 1
                                }
                            } else {
                                zeroFloats(dc, m)
                            }
                            // A masked winner's dy is 0, which writes the value the pass above wrote.
                            for image in 0..<batch {
                                let offset = (c * batch + image) * outPlane
                                for oy in 0..<oh {
                                    let row = image * plane + 2 * oy * width
                                    for ox in 0..<ow {
                                        let j = offset + oy * ow + ox
                                        let g = y.base[j] <= 0 ? 0 : dy.base[j]
                                        let w = Int(winner.base[j])
                                        let p = row + (w >> 1) * width + 2 * ox + (w & 1)
                                        if trained {
                                            let xh = (xc[p] - mean) * invStd
                                            dc[p] = k * (g - meanDy - xh * meanDyXhat)
                                        } else {
                                            dc[p] = k * g
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx.map { Activation(buffer: $0, batch: batch, shape: norm.outputShape) }
    }

    public func setThreads(_ threads: Int) { self.threads = max(1, threads) }
}
