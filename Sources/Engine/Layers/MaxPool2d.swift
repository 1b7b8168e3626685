/// Max pooling over each channel plane. input [C,N,H,W] → output [C,N,OH,OW]; backward routes each
/// gradient to the position that won the max (the first one on ties, as PyTorch does).
public final class MaxPool2d: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    let kernel: Int, stride: Int, padding: Int
    /// How many threads split each pass; changed between batches by `setThreads`.
    private(set) var threads: Int
    private let geometry: ConvGeometry
    private var output = Workspace(), inputGradient = Workspace()
    /// For each output, the index in its input plane of the winning element.
    private var winners: [Int32] = []

    init(input: Shape, kernel: Int, stride: Int, padding: Int, threads: Int) {
        guard case .spatial(let c, let h, let w) = input else {
            preconditionFailure("maxpool needs a spatial input")
        }
        inputShape = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.threads = threads
        geometry = ConvGeometry(
            channels: c, batch: 1, height: h, width: w, kernel: kernel, stride: stride, padding: padding)
        outputShape = .spatial(channels: c, height: geometry.outputHeight, width: geometry.outputWidth)
    }

    /// Non-overlapping windows that tile the input exactly: each input element has one window.
    private var tiles: Bool {
        kernel == stride && padding == 0 && geometry.height % kernel == 0 && geometry.width % kernel == 0
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let g = geometry
        let oh = g.outputHeight
        let ow = g.outputWidth
        let planes = g.channels * input.batch
        let inPlane = g.height * g.width
        let outPlane = oh * ow
        let out = output.get(planes * outPlane)
        if winners.count != planes * outPlane { winners = [Int32](repeating: 0, count: planes * outPlane) }
        let kernel = kernel
        let stride = stride
        let padding = padding
        // Each thread reads and writes its own planes.
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(out.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            // Force unwrap: these buffers are never empty, so their base address is never nil.
            // swift-format-ignore: NeverForceUnwrap
            let winner = SharedPointer(win.baseAddress!)
            Parallel.split(planes, threads: threads) { range, _ in
                for plane in range {
                    let xp = x.base + plane * inPlane
                    let yp = y.base + plane * outPlane
                    let wp = winner.base + plane * outPlane
                    if kernel == 2 && stride == 2 && padding == 0 {
                        Self.pool2x2(xp, yp, wp, geometry: g)
                    } else {
                        Self.pool(xp, yp, wp, geometry: g, kernel: kernel, stride: stride, padding: padding)
                    }
                }
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    /// One plane, any window: input [H,W] → output [OH,OW], winners [OH,OW].
    private static func pool(
        _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Int32>,
        geometry g: ConvGeometry, kernel: Int, stride: Int, padding: Int
    ) {
        let ow = g.outputWidth
        for oy in 0..<g.outputHeight {
            for ox in 0..<ow {
                var best = -Float.infinity
                var bestIndex: Int32 = -1
                for ky in 0..<kernel {
                    let iy = oy * stride + ky - padding
                    if iy < 0 || iy >= g.height { continue }
                    for kx in 0..<kernel {
                        let ix = ox * stride + kx - padding
                        if ix < 0 || ix >= g.width { continue }
                        let v = x[iy * g.width + ix]
                        if v > best || bestIndex < 0 || v.isNaN {
                            best = v
                            bestIndex = Int32(iy * g.width + ix)
                        }
                    }
                }
                y[oy * ow + ox] = best
                w[oy * ow + ox] = bestIndex
            }
        }
    }

    /// One plane, the common 2×2 stride-2 window, unrolled.
    private static func pool2x2(
        _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Int32>,
        geometry g: ConvGeometry
    ) {
        let ow = g.outputWidth
        let width = g.width
        for oy in 0..<g.outputHeight {
            let top = x + 2 * oy * width
            let bottom = top + width
            let base = Int32(2 * oy * width)
            if ow >= 4 {
                // Four windows at a time (BatchNormReLUPool.pool: the same comparisons per lane), a row's
                // last four overlapping the previous ones.
                let lane = SIMD4<Int32>(0, 2, 4, 6)
                var ox = 0
                while true {
                    let (best, q) = BatchNormReLUPool.pool(load(top + 2 * ox), load(bottom + 2 * ox))
                    let element = SIMD4<Int32>(truncatingIfNeeded: q)
                    let row: SIMD4<Int32> = (element &>> 1) &* Int32(width)
                    let column: SIMD4<Int32> = lane &+ (element & 1)
                    let index: SIMD4<Int32> = row &+ column &+ (base + Int32(2 * ox))
                    UnsafeMutableRawPointer(y + oy * ow + ox).storeBytes(of: best, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(w + oy * ow + ox).storeBytes(of: index, as: SIMD4<Int32>.self)
                    if ox + 4 == ow { break }
                    ox = min(ox + 4, ow - 4)
                }
                continue
            }
            for ox in 0..<ow {
                let a = top[2 * ox]
                let b = top[2 * ox + 1]
                let c = bottom[2 * ox]
                let d = bottom[2 * ox + 1]
                // A NaN wins (the last one if several), as in the general path and PyTorch's `val > max || isnan(val)`.
                // Selects rather than branches: which element wins is data, so branches mispredict.
                var best = a
                var index = base + Int32(2 * ox)
                let takeB = b > best || b != b
                best = takeB ? b : best
                index = takeB ? base + Int32(2 * ox + 1) : index
                let takeC = c > best || c != c
                best = takeC ? c : best
                index = takeC ? base + Int32(width + 2 * ox) : index
                let takeD = d > best || d != d
                best = takeD ? d : best
                index = takeD ? base + Int32(width + 2 * ox + 1) : index
                y[oy * ow + ox] = best
                w[oy * ow + ox] = index
            }
        }
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient else { return nil }
        let g = geometry
        let planes = g.channels * gradOutput.batch
        let inPlane = g.height * g.width
        let outPlane = g.outputHeight * g.outputWidth
        let dx = inputGradient.get(planes * inPlane)
        let exact = tiles
        let kernel = kernel
        // Each thread writes the input gradient of its own planes.
        let d = SharedPointer(dx.pointer)
        let dy = SharedPointer(gradOutput.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            // Force unwrap: these buffers are never empty, so their base address is never nil.
            // swift-format-ignore: NeverForceUnwrap
            let winner = SharedPointer(win.baseAddress!)
            Parallel.split(planes, threads: threads) { range, _ in
                let d = d.base
                let dy = dy.base
                let winner = winner.base
                if exact && kernel == 2 {
                    // Every input element lies in exactly one window: write 0 or the gradient, no clearing pass.
                    for plane in range {
                        let dp = d + plane * inPlane
                        let gp = dy + plane * outPlane
                        let wp = winner + plane * outPlane
                        for oy in 0..<g.outputHeight {
                            let top = dp + 2 * oy * g.width
                            zeroFloats(top, 2 * g.width)
                            for ox in 0..<g.outputWidth {
                                let j = oy * g.outputWidth + ox
                                dp[Int(wp[j])] = gp[j]
                            }
                        }
                    }
                } else {
                    (d + range.lowerBound * inPlane).update(repeating: 0, count: range.count * inPlane)
                    for plane in range {
                        let dp = d + plane * inPlane
                        let gp = dy + plane * outPlane
                        let wp = winner + plane * outPlane
                        for j in 0..<outPlane { dp[Int(wp[j])] += gp[j] }
                    }
                }
            }
        }
        return Activation(buffer: dx, batch: gradOutput.batch, shape: inputShape)
    }
}

extension MaxPool2d {
    public func setThreads(_ threads: Int) { self.threads = max(1, threads) }
}
