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
                    // Force unwrap: these buffers are never empty, so their base address is never nil.
                    // swift-format-ignore: NeverForceUnwrap
                    let winner = SharedPointer(win.baseAddress!)
                    // swift-format-ignore: NeverForceUnwrap
                    let meanOut = SharedPointer(meanBuffer.baseAddress!)
                    // swift-format-ignore: NeverForceUnwrap
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
        let height = height
        let outCount = channels * batch * outPlane
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
                    // Force unwrap: these buffers are never empty, so their base address is never nil.
                    // swift-format-ignore: NeverForceUnwrap
                    let winner = SharedPointer(win.baseAddress!)
                    // swift-format-ignore: NeverForceUnwrap
                    let meanOf = SharedPointer(meanBuffer.baseAddress!)
                    // swift-format-ignore: NeverForceUnwrap
                    let invOf = SharedPointer(invBuffer.baseAddress!)
                    // Each thread reads shared inputs and writes its own channels' gradients.
                    Parallel.split(channels, threads: threads) { range, _ in
                        for c in range {
                            let m = batch * plane
                            let xc = x.base + c * m
                            let mean = meanOf.base[c]
                            let invStd = invOf.base[c]
                            // Σ dy and Σ dy·x̂ of the batch norm's output: nonzero only at winners that
                            // passed the ReLU (ReLU's mask: output ≤ 0 → 0). Four float lanes per image
                            // (lane i sums outputs ox ≡ i mod 4), images summed in double: a fixed order.
                            var sumDy: Double = 0
                            var sumDyXhat: Double = 0
                            for image in 0..<batch {
                                let offset = (c * batch + image) * outPlane
                                let (lanesDy, lanesDyXhat) = Self.windowSums(
                                    xc + image * plane, y.base + offset, dy.base + offset,
                                    winner.base + offset, outputsLeft: outCount - offset, width: width,
                                    height: height, outputHeight: oh, outputWidth: ow, mean: mean,
                                    inverseStd: invStd)
                                sumDy += Double(lanesDy.sum())
                                sumDyXhat += Double(lanesDyXhat.sum())
                            }
                            shiftGradient.base[c] += Float(sumDy)
                            scaleGradient.base[c] += Float(sumDyXhat)
                            guard let d else { continue }
                            let k = scale.base[c] * invStd
                            let gradient = InputGradient(
                                trained: trained, mean: mean, inverseStd: invStd, k: k,
                                meanDy: Float(sumDy) / Float(m), meanDyXhat: Float(sumDyXhat) / Float(m))
                            for image in 0..<batch {
                                let offset = (c * batch + image) * outPlane
                                Self.inputGradientPlane(
                                    d.base + c * m + image * plane, xc + image * plane, y.base + offset,
                                    dy.base + offset, winner.base + offset, width: width, height: height,
                                    outputHeight: oh, outputWidth: ow, gradient)
                            }
                        }
                    }
                }
            }
        }
        return dx.map { Activation(buffer: $0, batch: batch, shape: norm.outputShape) }
    }

    /// One image plane's Σ dy and Σ dy·x̂ over its windows' winners, in four lanes: lane i holds the outputs
    /// ox with ox mod 4 = i, row after row. Vectors of four outputs (a row's last vector with its lanes beyond
    /// the row masked off) where the loads stay inside the plane and the outputs; lane by lane otherwise, in
    /// the same order.
    static func windowSums(
        _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
        _ winner: UnsafeMutablePointer<UInt8>, outputsLeft: Int, width: Int, height: Int,
        outputHeight oh: Int,
        outputWidth ow: Int, mean: Float, inverseStd: Float
    ) -> (SIMD4<Float>, SIMD4<Float>) {
        var lanesDy = SIMD4<Float>()
        var lanesDyXhat = SIMD4<Float>()
        let planeSize = width * height
        let lane = SIMD4<Float>(0, 1, 2, 3)
        for oy in 0..<oh {
            let top = x + 2 * oy * width
            let bottom = top + width
            var ox = 0
            while ox < ow {
                let j = oy * ow + ox
                if (2 * oy + 1) * width + 2 * ox + 8 <= planeSize && j + 4 <= outputsLeft {
                    let t = load(top + 2 * ox)
                    let u = load(bottom + 2 * ox)
                    let w = winners(winner + j)
                    var xw = t.evenHalf
                    xw.replace(with: t.oddHalf, where: w .== 1)
                    xw.replace(with: u.evenHalf, where: w .== 2)
                    xw.replace(with: u.oddHalf, where: w .== 3)
                    let outside = lane .>= Float(ow - ox)
                    let yv = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD4<Float>.self)
                    var g = UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD4<Float>.self)
                    g.replace(with: 0, where: (yv .<= 0) .| outside)
                    lanesDy += g
                    lanesDyXhat += (g * ((xw - mean) * inverseStd)).replacing(with: 0, where: outside)
                } else {
                    // Constant lane indices, so the vectors stay in registers.
                    let n = ow - ox
                    @inline(__always) func output(_ i: Int) -> (Float, Float) {
                        guard i < n else { return (0, 0) }
                        let g = y[j + i] <= 0 ? 0 : dy[j + i]
                        let w = Int(winner[j + i])
                        let xw = x[(2 * oy + (w >> 1)) * width + 2 * (ox + i) + (w & 1)]
                        return (g, g * ((xw - mean) * inverseStd))
                    }
                    let (a, b, c, d) = (output(0), output(1), output(2), output(3))
                    lanesDy += SIMD4(a.0, b.0, c.0, d.0)
                    lanesDyXhat += SIMD4(a.1, b.1, c.1, d.1)
                }
                ox += 4
            }
        }
        return (lanesDy, lanesDyXhat)
    }

    /// One channel's batch-norm backward constants: dx = k · (dy − meanDy − x̂ · meanDyXhat) in training
    /// (BatchNorm.backward), k · dy in evaluation.
    struct InputGradient {
        var trained: Bool, mean: Float, inverseStd: Float, k: Float, meanDy: Float, meanDyXhat: Float

        /// `dy` the gradient in place at the winners and 0 elsewhere; in evaluation already multiplied by k
        /// (as the separate layers compute it: 0 off the winners, k · dy at them).
        @inline(__always) func callAsFunction(_ x: Float, placed dy: Float) -> Float {
            trained ? k * (dy - meanDy - ((x - mean) * inverseStd) * meanDyXhat) : dy
        }

        @inline(__always) func callAsFunction(_ x: SIMD8<Float>, placed dy: SIMD8<Float>) -> SIMD8<Float> {
            trained ? k * (dy - meanDy - ((x - mean) * inverseStd) * meanDyXhat) : dy
        }
    }

    /// Four windows' winners (0 to 3) as floats: masks from float comparisons compile to vector compares
    /// and selects, where integer ones here fell back to a loop over the lanes.
    @inline(__always)
    static func winners(_ p: UnsafeMutablePointer<UInt8>) -> SIMD4<Float> {
        SIMD4<Float>(
            SIMD4<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD4<UInt8>.self)))
    }

    /// The gradient placed at each window's winner, 0 at its other three elements, as the windows' top and
    /// bottom rows.
    @inline(__always)
    static func place(_ g: SIMD4<Float>, _ w: SIMD4<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
        let d0 = g.replacing(with: 0, where: w .!= 0)
        let d1 = g.replacing(with: 0, where: w .!= 1)
        let d2 = g.replacing(with: 0, where: w .!= 2)
        let d3 = g.replacing(with: 0, where: w .!= 3)
        return (
            SIMD8(d0[0], d1[0], d0[1], d1[1], d0[2], d1[2], d0[3], d1[3]),
            SIMD8(d2[0], d3[0], d2[1], d3[1], d2[2], d3[2], d2[3], d3[3])
        )
    }

    /// One image plane's input gradient: every element, each window's winner with its output's gradient
    /// (0 where the ReLU masked it), the rest with 0. Four windows at a time as in `poolPlane` (a row's last
    /// four overlapping the previous ones); rows of under four windows lane by lane where the plane has no
    /// room for the vectors; the row and column that odd sizes leave out of every window with 0.
    static func inputGradientPlane(
        _ dx: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        _ dy: UnsafeMutablePointer<Float>, _ winner: UnsafeMutablePointer<UInt8>, width: Int, height: Int,
        outputHeight oh: Int, outputWidth ow: Int, _ gradient: InputGradient
    ) {
        let planeSize = width * height
        @inline(__always) func windows(_ oy: Int, _ ox: Int) -> (SIMD8<Float>, SIMD8<Float>) {
            let j = oy * ow + ox
            let yv = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD4<Float>.self)
            var g = UnsafeRawPointer(dy + j).loadUnaligned(as: SIMD4<Float>.self)
            g.replace(with: 0, where: yv .<= 0)
            if !gradient.trained { g = gradient.k * g }
            let (top, bottom) = place(g, winners(winner + j))
            let row = x + 2 * oy * width + 2 * ox
            return (gradient(load(row), placed: top), gradient(load(row + width), placed: bottom))
        }
        for oy in 0..<oh {
            let top = dx + 2 * oy * width
            if ow >= 4 {
                var ox = 0
                while true {
                    let (t, b) = windows(oy, ox)
                    store(t, top + 2 * ox)
                    store(b, top + width + 2 * ox)
                    if ox + 4 == ow { break }
                    ox = min(ox + 4, ow - 4)
                }
            } else if (2 * oy + 1) * width + 8 <= planeSize && oy * ow + 4 <= oh * ow {
                let (t, b) = windows(oy, 0)
                for i in 0..<(2 * ow) {
                    top[i] = t[i]
                    top[width + i] = b[i]
                }
            } else {
                for ox in 0..<ow {
                    let j = oy * ow + ox
                    let masked: Float = y[j] <= 0 ? 0 : dy[j]
                    let g = gradient.trained ? masked : gradient.k * masked
                    let w = Int(winner[j])
                    for q in 0..<4 {
                        let p = (2 * oy + (q >> 1)) * width + 2 * ox + (q & 1)
                        dx[p] = gradient(x[p], placed: q == w ? g : 0)
                    }
                }
            }
            if width % 2 == 1 {
                for r in (2 * oy)..<(2 * oy + 2) {
                    let p = r * width + width - 1
                    dx[p] = gradient(x[p], placed: 0)
                }
            }
        }
        if height % 2 == 1 {
            for p in ((height - 1) * width)..<planeSize { dx[p] = gradient(x[p], placed: 0) }
        }
    }

    public func setThreads(_ threads: Int) { self.threads = max(1, threads) }
}
