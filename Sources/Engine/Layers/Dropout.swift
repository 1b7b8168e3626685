/// Inverted dropout: in training each element (or, for `channelwise`, each whole channel plane — PyTorch's
/// Dropout2d) is zeroed with probability `rate` and the survivors scaled by 1/(1 − rate); evaluation is
/// the identity. Rate 1 zeroes everything (scale 0, never 1/0), as PyTorch does.
public final class Dropout: Layer {
    public let outputShape: Shape
    let rate: Float
    let channelwise: Bool
    private var output = Workspace(), inputGradient = Workspace()
    private var mask: [Float] = []
    private var active = false

    init(input: Shape, rate: Float, channelwise: Bool) {
        outputShape = input
        self.rate = rate
        self.channelwise = channelwise
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        active = context.training && rate > 0
        guard active else { return input }
        let scale: Float = rate >= 1 ? 0 : 1 / (1 - rate)
        // One mask entry per element, or per (channel, example) plane for channel-wise dropout.
        let plane: Int
        if channelwise, case .spatial(_, let h, let w) = outputShape { plane = h * w } else { plane = 1 }
        let units = input.count / plane
        if mask.count != units { mask = [Float](repeating: 0, count: units) }
        for u in 0..<units { mask[u] = context.random.nextFloat() < rate ? 0 : scale }
        let out = output.get(input.count)
        let x = input.pointer
        let y = out.pointer
        mask.withUnsafeBufferPointer { m in
            for u in 0..<units {
                let s = m[u]
                let base = u * plane
                for i in base..<(base + plane) { y[i] = x[i] * s }
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient else { return nil }
        guard active else { return gradOutput }
        let plane = gradOutput.count / mask.count
        let dx = inputGradient.get(gradOutput.count)
        let dy = gradOutput.pointer
        let d = dx.pointer
        mask.withUnsafeBufferPointer { m in
            for u in 0..<m.count {
                let s = m[u]
                let base = u * plane
                for i in base..<(base + plane) { d[i] = dy[i] * s }
            }
        }
        return Activation(buffer: dx, batch: gradOutput.batch, shape: outputShape)
    }
}
