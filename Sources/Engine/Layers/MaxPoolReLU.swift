/// 2×2 max pooling (stride 2, no padding) → ReLU over a spatial input whose height and width are even,
/// in one pass forward and one backward, split across threads by plane: the assignment's network pools
/// then rectifies twice. `Network` runs it in place of the two layers, which stay in `Network.layers`
/// for shapes and checkpoints.
///
/// Results are bit for bit the two layers': the same comparisons (`BatchNormReLUPool.pool`: the first
/// maximum wins, a NaN wins), ReLU's `v < 0 → 0` on the maximum, and backward ReLU's mask (output ≤ 0 →
/// zero gradient) before the gradient goes to the window's winner; the other three elements get zero.
/// input [C,N,H,W] → output [C,N,H/2,W/2].
final class MaxPoolReLU: Layer {
    let outputShape: Shape
    /// How many threads split each pass; changed between batches by `setThreads`.
    private(set) var threads: Int
    private let planeCount: Int, height: Int, width: Int
    private var output = Workspace(), inputGradient = Workspace()
    /// Per pooled output: which element of its 2×2 window won (0 top left, 1 top right, 2 and 3 below).
    private var winners: [UInt8] = []

    /// nil unless the layers are 2×2 stride-2 unpadded max pooling and ReLU over an input with even height
    /// and width, and at least four pooled outputs per row (the width of this kernel's vectors).
    init?(_ pool: Layer, _ relu: Layer, threads: Int) {
        guard let pool = pool as? MaxPool2d, relu is ReLU, relu.outputShape == pool.outputShape,
            case .spatial(let c, let h, let w) = pool.inputShape, pool.kernel == 2, pool.stride == 2,
            pool.padding == 0, h % 2 == 0, w % 2 == 0, w >= 8
        else { return nil }
        self.threads = max(1, threads)
        planeCount = c
        height = h
        width = w
        outputShape = pool.outputShape
    }

    func setThreads(_ threads: Int) { self.threads = max(1, threads) }

    func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let planes = planeCount * input.batch
        let (width, oh, ow) = (width, height / 2, width / 2)
        let inPlane = height * width
        let outPlane = oh * ow
        let out = output.get(planes * outPlane)
        if winners.count != out.count { winners = [UInt8](repeating: 0, count: out.count) }
        // Each thread reads and writes its own planes.
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(out.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            // Force unwrap: these buffers are never empty, so their base address is never nil.
            // swift-format-ignore: NeverForceUnwrap
            let winner = SharedPointer(win.baseAddress!)
            Parallel.split(planes, threads: threads) { range, _ in
                for plane in range {
                    Self.forwardPlane(
                        x.base + plane * inPlane, y.base + plane * outPlane, winner.base + plane * outPlane,
                        width: width, outputHeight: oh)
                }
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient else { return nil }
        guard let pooled = output.buffer else { preconditionFailure("backward before forward") }
        let planes = planeCount * gradOutput.batch
        let (width, oh, ow) = (width, height / 2, width / 2)
        let inPlane = height * width
        let outPlane = oh * ow
        let dx = inputGradient.get(planes * inPlane)
        // Each thread writes the input gradient of its own planes: every input element lies in exactly one
        // window, so each is written once, with no clearing pass.
        let d = SharedPointer(dx.pointer)
        let dy = SharedPointer(gradOutput.pointer)
        let y = SharedPointer(pooled.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            // Force unwrap: these buffers are never empty, so their base address is never nil.
            // swift-format-ignore: NeverForceUnwrap
            let winner = SharedPointer(win.baseAddress!)
            Parallel.split(planes, threads: threads) { range, _ in
                for plane in range {
                    let j = plane * outPlane
                    Self.backwardPlane(
                        d.base + plane * inPlane, dy.base + j, y.base + j, winner.base + j, width: width,
                        outputHeight: oh)
                }
            }
        }
        return Activation(
            buffer: dx, batch: gradOutput.batch,
            shape: .spatial(channels: planeCount, height: height, width: width))
    }

    /// One plane: input [H,W] (`width` = W, even and at least 8) → output [OH,W/2] after the ReLU, and
    /// which element of each window won. Four windows at a time, a row's last four overlapping the
    /// previous ones.
    @inline(__always)
    static func forwardPlane(
        _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        _ winner: UnsafeMutablePointer<UInt8>,
        width: Int, outputHeight oh: Int
    ) {
        let ow = width / 2
        for oy in 0..<oh {
            let top = x + 2 * oy * width
            let j = oy * ow
            var ox = 0
            while true {
                let (best, index) = BatchNormReLUPool.pool(load(top + 2 * ox), load(top + width + 2 * ox))
                UnsafeMutableRawPointer(y + j + ox).storeBytes(
                    of: best.replacing(with: 0, where: best .< 0), as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(winner + j + ox).storeBytes(of: index, as: SIMD4<UInt8>.self)
                if ox + 4 == ow { break }
                ox = min(ox + 4, ow - 4)
            }
        }
    }

    /// One plane's input gradient [2·OH, width] from its output gradient `dy`, output `y` and winners
    /// [OH, width/2]: ReLU's mask (output ≤ 0 → 0), then each window's gradient at its winner and 0 at the
    /// other three elements, every element written once.
    @inline(__always)
    static func backwardPlane(
        _ dx: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
        _ y: UnsafeMutablePointer<Float>,
        _ winner: UnsafeMutablePointer<UInt8>, width: Int, outputHeight oh: Int
    ) {
        let ow = width / 2
        for oy in 0..<oh {
            let top = dx + 2 * oy * width
            let j = oy * ow
            var ox = 0
            while true {
                let out = UnsafeRawPointer(y + j + ox).loadUnaligned(as: SIMD4<Float>.self)
                var g = UnsafeRawPointer(dy + j + ox).loadUnaligned(as: SIMD4<Float>.self)
                g.replace(with: 0, where: out .<= 0)
                let (upper, lower) = BatchNormReLUPool.place(g, BatchNormReLUPool.winners(winner + j + ox))
                store(upper, top + 2 * ox)
                store(lower, top + width + 2 * ox)
                if ox + 4 == ow { break }
                ox = min(ox + 4, ow - 4)
            }
        }
    }
}
