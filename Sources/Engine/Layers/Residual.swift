/// A residual block: y = x + f(x), where f is a list of layers that keeps the shape (He et al., 2016).
public final class Residual: Layer {
    public let outputShape: Shape
    let body: [Layer]
    private var output = Workspace(), inputGradient = Workspace()

    init(input: Shape, body: [Layer]) {
        outputShape = input
        self.body = body
    }

    public var parameters: [Parameter] { body.flatMap(\.parameters) }
    public var buffers: [(name: String, buffer: Buffer)] { body.flatMap(\.buffers) }
    public var forwardMACs: Int { body.reduce(0) { $0 + $1.forwardMACs } }
    public func setThreads(_ threads: Int) { for layer in body { layer.setThreads(threads) } }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        var x = input
        for layer in body { x = layer.forward(x, context: &context) }
        let out = output.get(input.count)
        for i in 0..<input.count { out[i] = input.pointer[i] + x.pointer[i] }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        var g = gradOutput
        for layer in body.reversed() {
            guard let next = layer.backward(g, needsInputGradient: true) else { break }
            g = next
        }
        guard needsInputGradient else { return nil }
        let dx = inputGradient.get(gradOutput.count)
        for i in 0..<gradOutput.count { dx[i] = gradOutput.pointer[i] + g.pointer[i] }
        return Activation(buffer: dx, batch: gradOutput.batch, shape: outputShape)
    }
}
