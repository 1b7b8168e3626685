/// Channel-major batch [C,N,H,W] → row-major [N, C·H·W], features in PyTorch's (c, h, w) order.
public final class Flatten: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    private var output = Workspace(), inputGradient = Workspace()

    init(input: Shape) {
        inputShape = input
        outputShape = .flat(features: input.count)
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        guard case .spatial(let c, let h, let w) = inputShape else {
            return Activation(buffer: input.buffer, batch: input.batch, shape: outputShape)
        }
        let n = input.batch
        let plane = h * w
        let features = c * plane
        let out = output.get(input.count)
        for ch in 0..<c {
            for i in 0..<n {
                (out.pointer + i * features + ch * plane).update(
                    from: input.pointer + (ch * n + i) * plane, count: plane)
            }
        }
        return Activation(buffer: out, batch: n, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient else { return nil }
        guard case .spatial(let c, let h, let w) = inputShape else {
            return Activation(buffer: gradOutput.buffer, batch: gradOutput.batch, shape: inputShape)
        }
        let n = gradOutput.batch
        let plane = h * w
        let features = c * plane
        let dx = inputGradient.get(gradOutput.count)
        for ch in 0..<c {
            for i in 0..<n {
                (dx.pointer + (ch * n + i) * plane).update(
                    from: gradOutput.pointer + i * features + ch * plane, count: plane)
            }
        }
        return Activation(buffer: dx, batch: n, shape: inputShape)
    }
}
