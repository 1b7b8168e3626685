/// 2-D convolution as im2col + SGEMM, over chunks of images small enough that the column matrix stays
/// in the core's cache, chunks split across threads.
/// input [C,N,H,W], weight [OC,C,K,K], bias [OC] → output [OC,N,OH,OW].
public final class Conv2d: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    let weight: Parameter
    let bias: Parameter?
    let outputChannels: Int, kernel: Int, stride: Int, padding: Int
    let threads: Int
    private var geometry: ConvGeometry
    private var output = Workspace(), inputGradient = Workspace()
    private var input: Activation?
    /// Per thread: a column matrix, its gradient, and partial weight and bias gradients.
    private var scratch:
        [(columns: Buffer, columnGradient: Buffer, weightGradient: Buffer, biasGradient: Buffer)]
    /// Images per chunk: about 128K floats (512 KB) of columns.
    private let chunk: Int

    init(
        input: Shape, outputChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool, threads: Int,
        random: inout Random
    ) {
        guard case .spatial(let c, let h, let w) = input else {
            preconditionFailure("conv needs a spatial input")
        }
        inputShape = input
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.threads = max(1, threads)
        geometry = ConvGeometry(
            channels: c, batch: 0, height: h, width: w, kernel: kernel, stride: stride, padding: padding)
        outputShape = .spatial(
            channels: outputChannels, height: geometry.outputHeight, width: geometry.outputWidth)
        weight = Parameter(name: "weight", shape: [outputChannels, c, kernel, kernel], isWeight: true)
        weight.initializeUniform(fanIn: c * kernel * kernel, random: &random)
        if bias {
            let b = Parameter(name: "bias", shape: [outputChannels], isWeight: false)
            b.initializeUniform(fanIn: c * kernel * kernel, random: &random)
            self.bias = b
        } else {
            self.bias = nil
        }
        let perImage = geometry.columnRows * geometry.outputPlane
        chunk = max(1, 131_072 / perImage)
        let rows = geometry.columnRows
        let oc = outputChannels
        let size = chunk * perImage
        scratch = (0..<self.threads).map { _ in
            (Buffer(count: size), Buffer(count: size), Buffer(count: oc * rows), Buffer(count: oc))
        }
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var forwardMACs: Int { outputShape.count * geometry.columnRows }

    /// The chunks of `0..<batch`, each a range of images.
    private func chunks(_ batch: Int) -> [Range<Int>] {
        Swift.stride(from: 0, to: batch, by: chunk).map { $0..<min($0 + chunk, batch) }
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        self.input = input
        geometry.batch = input.batch
        let g = geometry
        let plane = g.outputPlane
        let total = input.batch * plane
        let out = output.get(outputChannels * total)
        let pieces = chunks(input.batch)
        let outputChannels = outputChannels
        // Each thread writes its own chunks' output columns and its own column scratch.
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(out.pointer)
        let w = SharedPointer(weight.value.pointer)
        let b = bias.map { SharedPointer($0.value.pointer) }
        let columns = scratch.map { SharedPointer($0.columns.pointer) }
        Parallel.split(pieces.count, threads: threads) { range, t in
            let cols = columns[t].base
            for images in pieces[range] {
                Im2col.forward(columns: cols, input: x.base, geometry: g, images: images)
                // out[:, images] = W[OC, CKK] · cols[CKK, images·P]
                BLAS.sgemm(
                    y.base + images.lowerBound * plane, w.base, cols,
                    m: outputChannels, n: images.count * plane, k: g.columnRows, ldc: total)
                if let b {
                    for oc in 0..<outputChannels {
                        let row = y.base + oc * total + images.lowerBound * plane
                        let bias = b.base[oc]
                        for j in 0..<(images.count * plane) { row[j] += bias }
                    }
                }
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard let input else { preconditionFailure("backward before forward") }
        let g = geometry
        let plane = g.outputPlane
        let total = gradOutput.batch * plane
        let rows = g.columnRows
        let dx = needsInputGradient ? inputGradient.get(gradOutput.batch * inputShape.count) : nil
        let pieces = chunks(gradOutput.batch)
        let outputChannels = outputChannels
        let hasBias = bias != nil
        let workers = max(1, min(threads, pieces.count))
        // Each thread reads the shared input, dY and W, and writes its own chunks' rows of dX and its own
        // scratch: columns, column gradient and partial dW and db (summed below in thread order).
        let x = SharedPointer(input.pointer)
        let dout = SharedPointer(gradOutput.pointer)
        let w = SharedPointer(weight.value.pointer)
        let dxShared = dx.map { SharedPointer($0.pointer) }
        let perThread = scratch.map {
            (
                columns: SharedPointer($0.columns.pointer),
                columnGradient: SharedPointer($0.columnGradient.pointer),
                weightGradient: SharedPointer($0.weightGradient.pointer),
                biasGradient: SharedPointer($0.biasGradient.pointer)
            )
        }
        let weightCount = weight.count
        Parallel.split(pieces.count, threads: threads) { range, t in
            let s = perThread[t]
            s.weightGradient.base.update(repeating: 0, count: weightCount)
            s.biasGradient.base.update(repeating: 0, count: outputChannels)
            for images in pieces[range] {
                let width = images.count * plane
                let dy = dout.base + images.lowerBound * plane
                Im2col.forward(columns: s.columns.base, input: x.base, geometry: g, images: images)
                // dW[OC, CKK] += dY[OC, images·P] · colsᵀ
                BLAS.sgemm(
                    s.weightGradient.base, dy, s.columns.base, m: outputChannels, n: rows, k: width,
                    transposeB: true, beta: 1, lda: total)
                if hasBias {
                    for oc in 0..<outputChannels {
                        let row = dy + oc * total
                        var sum: Float = 0
                        for j in 0..<width { sum += row[j] }
                        s.biasGradient.base[oc] += sum
                    }
                }
                if let dxShared {
                    // dcols[CKK, images·P] = Wᵀ · dY, then scatter back to the input positions.
                    BLAS.sgemm(
                        s.columnGradient.base, w.base, dy, m: rows, n: width, k: outputChannels,
                        transposeA: true, ldb: total)
                    Im2col.backward(
                        inputGradient: dxShared.base, columns: s.columnGradient.base, geometry: g,
                        images: images)
                }
            }
        }
        // Sum the per-thread partials in thread order (deterministic for a given thread count).
        for t in 0..<workers {
            let s = scratch[t]
            for i in 0..<weight.count { weight.gradient[i] += s.weightGradient[i] }
            if let bias { for oc in 0..<outputChannels { bias.gradient[oc] += s.biasGradient[oc] } }
        }
        return dx.map { Activation(buffer: $0, batch: gradOutput.batch, shape: inputShape) }
    }
}
