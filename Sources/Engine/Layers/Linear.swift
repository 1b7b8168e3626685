/// Fully connected layer. input [N,F], weight [O,F], bias [O] → output [N,O].
public final class Linear: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    let weight: Parameter
    let bias: Parameter?
    let inputFeatures: Int, outputFeatures: Int
    private var output = Workspace(), inputGradient = Workspace()
    private var input: Activation?

    init(input: Shape, outputFeatures: Int, bias: Bool, random: inout Random) {
        inputShape = input
        inputFeatures = input.count
        self.outputFeatures = outputFeatures
        outputShape = .flat(features: outputFeatures)
        weight = Parameter(name: "weight", shape: [outputFeatures, inputFeatures], isWeight: true)
        weight.initializeUniform(fanIn: inputFeatures, random: &random)
        if bias {
            let b = Parameter(name: "bias", shape: [outputFeatures], isWeight: false)
            b.initializeUniform(fanIn: inputFeatures, random: &random)
            self.bias = b
        } else {
            self.bias = nil
        }
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var forwardMACs: Int { inputFeatures * outputFeatures }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        self.input = input
        let n = input.batch
        let out = output.get(n * outputFeatures)
        // Y[N,O] = X[N,F] · Wᵀ
        BLAS.sgemm(
            out.pointer, input.pointer, weight.value.pointer, m: n, n: outputFeatures, k: inputFeatures,
            transposeB: true)
        if let bias {
            for i in 0..<n {
                let row = out.pointer + i * outputFeatures
                for o in 0..<outputFeatures { row[o] += bias.value[o] }
            }
        }
        return Activation(buffer: out, batch: n, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard let input else { preconditionFailure("backward before forward") }
        let n = gradOutput.batch
        // dW[O,F] += dYᵀ[O,N] · X[N,F]
        BLAS.sgemm(
            weight.gradient.pointer, gradOutput.pointer, input.pointer, m: outputFeatures,
            n: inputFeatures, k: n, transposeA: true, beta: 1)
        if let bias {
            for i in 0..<n {
                let row = gradOutput.pointer + i * outputFeatures
                for o in 0..<outputFeatures { bias.gradient[o] += row[o] }
            }
        }
        guard needsInputGradient else { return nil }
        // dX[N,F] = dY[N,O] · W[O,F]
        let dx = inputGradient.get(n * inputFeatures)
        BLAS.sgemm(
            dx.pointer, gradOutput.pointer, weight.value.pointer, m: n, n: inputFeatures, k: outputFeatures)
        return Activation(buffer: dx, batch: n, shape: inputShape)
    }
}
