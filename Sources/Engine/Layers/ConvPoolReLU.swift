/// An im2col convolution → 2×2 max pool → ReLU (`MaxPoolReLU`), chunk by chunk: each chunk of images is
/// pooled right after its GEMM, while its convolution output is still in the core's cache, and the full
/// convolution output (which nothing else reads) is never written; backward rebuilds each chunk's output
/// gradient from the pooled gradient right before the chunk's GEMMs read it. The assignment's network
/// has two such runs; its first layer's output (10×24×24 per image, 5.9 MB per batch of 256) and that
/// output's gradient were each written to memory and read back once per step without this.
///
/// Results are bit for bit the three layers': the same GEMMs on the same rows (`Conv2d.im2colForward`),
/// and `MaxPoolReLU`'s plane functions on them. `Network` runs it in place of the three layers, which
/// stay in `Network.layers` for shapes, parameters and checkpoints.
/// input [C,N,H,W] → output [OC,N,OH/2,OW/2].
final class ConvPoolReLU: Layer {
    let outputShape: Shape
    let conv: Conv2d
    /// The convolution's output plane: height and width (even, width at least 8).
    private let height: Int, width: Int
    private var output = Workspace()
    /// Per pooled output: which element of its 2×2 window won (see `MaxPoolReLU`).
    private var winners: [UInt8] = []

    /// nil unless the layers are a convolution on the im2col path followed by a max pool and ReLU that
    /// `MaxPoolReLU` fuses.
    init?(_ conv: Layer, _ pool: Layer, _ relu: Layer, threads: Int) {
        guard let conv = conv as? Conv2d, conv.winograd == nil, let pool = pool as? MaxPool2d,
            pool.inputShape == conv.outputShape, MaxPoolReLU(pool, relu, threads: threads) != nil,
            case .spatial(_, let h, let w) = conv.outputShape
        else { return nil }
        self.conv = conv
        height = h
        width = w
        outputShape = relu.outputShape
    }

    var forwardMACs: Int { conv.forwardMACs }

    func setThreads(_ threads: Int) { conv.setThreads(threads) }

    func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let batch = input.batch
        let channels = conv.outputChannels
        let (width, oh) = (width, height / 2)
        let plane = height * width
        let outPlane = oh * (width / 2)
        let out = output.get(channels * batch * outPlane)
        if winners.count != out.count { winners = [UInt8](repeating: 0, count: out.count) }
        // Each chunk's thread writes its own images' pooled planes and winners.
        let y = SharedPointer(out.pointer)
        winners.withUnsafeMutableBufferPointer { win in
            // Force unwrap: these buffers are never empty, so their base address is never nil.
            // swift-format-ignore: NeverForceUnwrap
            let winner = SharedPointer(win.baseAddress!)
            conv.im2colForward(input, output: nil) { chunk, rowStride, images in
                for oc in 0..<channels {
                    for n in images {
                        let j = (oc * batch + n) * outPlane
                        MaxPoolReLU.forwardPlane(
                            chunk + oc * rowStride + (n - images.lowerBound) * plane, y.base + j,
                            winner.base + j,
                            width: width, outputHeight: oh)
                    }
                }
            }
        }
        return Activation(buffer: out, batch: batch, shape: outputShape)
    }

    func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard let pooled = output.buffer else { preconditionFailure("backward before forward") }
        let batch = gradOutput.batch
        let channels = conv.outputChannels
        let (width, oh) = (width, height / 2)
        let plane = height * width
        let outPlane = oh * (width / 2)
        // Each chunk's thread reads the shared pooled output, gradient and winners of its own images.
        let y = SharedPointer(pooled.pointer)
        let dy = SharedPointer(gradOutput.pointer)
        return winners.withUnsafeMutableBufferPointer { win in
            // Force unwrap: these buffers are never empty, so their base address is never nil.
            // swift-format-ignore: NeverForceUnwrap
            let winner = SharedPointer(win.baseAddress!)
            return conv.im2colBackward(batch: batch, gradOutput: nil, needsInputGradient: needsInputGradient)
            {
                chunk, rowStride, images in
                for oc in 0..<channels {
                    for n in images {
                        let j = (oc * batch + n) * outPlane
                        MaxPoolReLU.backwardPlane(
                            chunk + oc * rowStride + (n - images.lowerBound) * plane, dy.base + j, y.base + j,
                            winner.base + j, width: width, outputHeight: oh)
                    }
                }
            }
        }
    }
}
