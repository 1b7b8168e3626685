/// Fully connected layer. input [N,F], weight [O,F], bias [O] → output [N,O].
///
/// The GEMMs are cut into fixed blocks of rows (examples) or of output features, never along the summed
/// dimension, and the blocks are split across threads: every value is one GEMM's dot product whatever
/// the thread count, so results are bit-identical for any thread count.
public final class Linear: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    let weight: Parameter
    let bias: Parameter?
    let inputFeatures: Int, outputFeatures: Int
    /// How many threads split each pass; changed between batches by `setThreads`.
    private(set) var threads: Int
    private var output = Workspace(), inputGradient = Workspace()
    private var input: Activation?

    init(input: Shape, outputFeatures: Int, bias: Bool, threads: Int = 1, random: inout Random) {
        inputShape = input
        self.threads = max(1, threads)
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

    /// Rows per block: 32 examples or output features.
    static let block = 32

    /// `body(rows)` for each block of `0..<count`, blocks split across threads when the GEMM is big enough
    /// to pay for the hand-off (about a million multiply-adds).
    private func blocks(_ count: Int, macsPerRow: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        let pieces = (count + Self.block - 1) / Self.block
        let threads = count * macsPerRow >= 1 << 20 ? threads : 1
        Parallel.split(pieces, threads: threads) { range, _ in
            for piece in range {
                body((piece * Self.block)..<min(count, (piece + 1) * Self.block))
            }
        }
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        self.input = input
        let n = input.batch
        let out = output.get(n * outputFeatures)
        // Y[rows,O] = X[rows,F] · Wᵀ; each thread writes its own blocks' rows of Y.
        let (o, f) = (outputFeatures, inputFeatures)
        let (y, x, w) = (
            SharedPointer(out.pointer), SharedPointer(input.pointer), SharedPointer(weight.value.pointer)
        )
        blocks(n, macsPerRow: o * f) { rows in
            BLAS.sgemm(
                y.base + rows.lowerBound * o, x.base + rows.lowerBound * f, w.base, m: rows.count, n: o, k: f,
                transposeB: true)
        }
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
        let (o, f) = (outputFeatures, inputFeatures)
        let (dy, x, w) = (
            SharedPointer(gradOutput.pointer), SharedPointer(input.pointer),
            SharedPointer(weight.value.pointer)
        )
        // dW[features,F] += dYᵀ[features,N] · X[N,F]; each thread writes its own blocks' rows of dW.
        let dw = SharedPointer(weight.gradient.pointer)
        blocks(o, macsPerRow: n * f) { features in
            BLAS.sgemm(
                dw.base + features.lowerBound * f, dy.base + features.lowerBound, x.base, m: features.count,
                n: f, k: n, transposeA: true, beta: 1, lda: o)
        }
        if let bias {
            for i in 0..<n {
                let row = gradOutput.pointer + i * outputFeatures
                for o in 0..<outputFeatures { bias.gradient[o] += row[o] }
            }
        }
        guard needsInputGradient else { return nil }
        // dX[rows,F] = dY[rows,O] · W[O,F]; each thread writes its own blocks' rows of dX.
        let dx = inputGradient.get(n * inputFeatures)
        let d = SharedPointer(dx.pointer)
        blocks(n, macsPerRow: o * f) { rows in
            BLAS.sgemm(
                d.base + rows.lowerBound * f, dy.base + rows.lowerBound * o, w.base, m: rows.count, n: f, k: o
            )
        }
        return Activation(buffer: dx, batch: n, shape: inputShape)
    }

    public func setThreads(_ threads: Int) { self.threads = max(1, threads) }
}
