import Foundation

/// Log-softmax over the features of each example. input [N,F] → output [N,F];
/// backward: dx = dy − softmax(x) · Σ dy.
public final class LogSoftmax: Layer {
    public let outputShape: Shape
    private var output = Workspace(), inputGradient = Workspace()

    init(input: Shape) { outputShape = input }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let f = outputShape.count
        let out = output.get(input.count)
        for i in 0..<input.batch {
            let x = input.pointer + i * f
            let y = out.pointer + i * f
            var top = x[0]
            for j in 1..<f where x[j] > top { top = x[j] }
            var sum: Float = 0
            for j in 0..<f { sum += expf(x[j] - top) }
            let logSum = top + logf(sum)
            for j in 0..<f { y[j] = x[j] - logSum }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient, let out = output.buffer else { return nil }
        let f = outputShape.count
        let dx = inputGradient.get(gradOutput.count)
        for i in 0..<gradOutput.batch {
            let y = out.pointer + i * f
            let dy = gradOutput.pointer + i * f
            let d = dx.pointer + i * f
            var sum: Float = 0
            for j in 0..<f { sum += dy[j] }
            for j in 0..<f { d[j] = dy[j] - expf(y[j]) * sum }
        }
        return Activation(buffer: dx, batch: gradOutput.batch, shape: outputShape)
    }
}
