/// 2-D convolution as im2col + SGEMM, over chunks of images small enough that the column matrix stays
/// in the core's cache, chunks split across threads. 3×3 kernels at stride 1 and padding 1 over 8 input
/// channels or more run as Winograd F(2×2, 3×3) instead (`Conv2d+Winograd.swift`), with 16 instead of 36
/// multiplications per 2×2 outputs; `forceIm2col` keeps them on im2col, the reference in tests.
/// input [C,N,H,W], weight [OC,C,K,K], bias [OC] → output [OC,N,OH,OW].
public final class Conv2d: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    let weight: Parameter
    let bias: Parameter?
    let outputChannels: Int, kernel: Int, stride: Int, padding: Int
    /// How many threads split each pass; changed between batches by `setThreads`.
    private(set) var threads: Int
    private var geometry: ConvGeometry
    var output = Workspace(), inputGradient = Workspace()
    var input: Activation?
    /// Set when this layer runs as Winograd F(2×2, 3×3), with its per-thread and per-group buffers.
    let winograd: WinogradGeometry?
    var winogradState = WinogradState()
    /// Per thread: a column matrix and its gradient (grown when the thread count grows), the gradient with
    /// `Im2col.margin` floats before and after it for `Im2col.backwardNarrow`.
    private var scratch: [(columns: Buffer, columnGradient: Buffer)]
    /// Per reduction group: partial weight and bias gradients (see `backward`).
    private var partials: [(weightGradient: Buffer, biasGradient: Buffer)] = []
    /// Images per chunk: about 128K floats (512 KB) of columns.
    private let chunk: Int
    /// Per thread: one chunk's output or output gradient [OC, chunk·OH·OW], for a stage that fuses work
    /// into the chunk loop (`ChunkHook`); made on first use.
    private var chunkScratch: [Buffer] = []

    /// A fused stage's work on one chunk of images (`ConvPoolReLU`): `chunk` holds the chunk's output or
    /// output gradient, [OC, images.count·OH·OW] with rows `rowStride` floats apart. Called on the thread
    /// that computes the chunk.
    typealias ChunkHook =
        @Sendable (
            _ chunk: UnsafeMutablePointer<Float>, _ rowStride: Int, _ images: Range<Int>
        ) -> Void

    init(
        input: Shape, outputChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool, threads: Int,
        random: inout Random, forceIm2col: Bool = false
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
        scratch = []
        if kernel == 3 && stride == 1 && padding == 1 && c >= 8 && !forceIm2col {
            winograd = WinogradGeometry(channels: c, outputChannels: outputChannels, height: h, width: w)
        } else {
            winograd = nil
            growScratch()
        }
    }

    public func setThreads(_ threads: Int) {
        self.threads = max(1, threads)
        if winograd == nil { growScratch() }
    }

    /// One column matrix and its gradient for each thread.
    private func growScratch() {
        let size = chunk * geometry.columnRows * geometry.outputPlane
        while scratch.count < threads {
            scratch.append((Buffer(count: size), Buffer(count: size + 2 * Im2col.margin)))
        }
    }

    /// The most reduction groups a batch is cut into: the parallelism of the weight gradient.
    static let maximumGroups = 16

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var forwardMACs: Int { outputShape.count * geometry.columnRows }

    /// The chunks of `0..<batch`, each a range of images.
    private func chunks(_ batch: Int) -> [Range<Int>] {
        Swift.stride(from: 0, to: batch, by: chunk).map { $0..<min($0 + chunk, batch) }
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        if let winograd { return winogradForward(input, geometry: winograd) }
        let out = output.get(outputChannels * input.batch * geometry.outputPlane)
        im2colForward(input, output: out.pointer, epilogue: nil)
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        if let winograd {
            return winogradBackward(gradOutput, needsInputGradient: needsInputGradient, geometry: winograd)
        }
        return im2colBackward(
            batch: gradOutput.batch, gradOutput: gradOutput.pointer, needsInputGradient: needsInputGradient,
            prologue: nil)
    }

    /// Per-thread chunk scratch for a fused stage's hooks.
    private func growChunkScratch() {
        let size = outputChannels * chunk * geometry.outputPlane
        while chunkScratch.count < threads { chunkScratch.append(Buffer(count: size)) }
    }

    /// The im2col forward pass, chunk by chunk: into `output` [OC,N,OH,OW], or, with an `epilogue`, into a
    /// per-thread chunk scratch that the epilogue reads right after (the full output is never written).
    /// The epilogue sees the bits the output would hold: oneDNN 2.6's kernels sum each output over the
    /// column rows in the same order whatever the output's row stride (not a documented promise:
    /// `ConvPoolReLUTests` compares the two bit for bit, and would catch another version that differs).
    func im2colForward(_ input: Activation, output: UnsafeMutablePointer<Float>?, epilogue: ChunkHook?) {
        precondition((output == nil) != (epilogue == nil), "im2colForward needs an output or an epilogue")
        self.input = input
        geometry.batch = input.batch
        let g = geometry
        let plane = g.outputPlane
        let total = input.batch * plane
        let pieces = chunks(input.batch)
        let outputChannels = outputChannels
        if epilogue != nil { growChunkScratch() }
        // Each thread writes its own chunks' output columns (or its own chunk scratch) and its own column
        // scratch.
        let x = SharedPointer(input.pointer)
        let y = output.map { SharedPointer($0) }
        let w = SharedPointer(weight.value.pointer)
        let b = bias.map { SharedPointer($0.value.pointer) }
        let columns = scratch.map { SharedPointer($0.columns.pointer) }
        let chunkOutputs = epilogue == nil ? [] : chunkScratch.map { SharedPointer($0.pointer) }
        Parallel.split(pieces.count, threads: threads) { range, t in
            let cols = columns[t].base
            for images in pieces[range] {
                let width = images.count * plane
                // Force unwrap: `y` is nil only when there is an epilogue, which this branch excludes.
                // swift-format-ignore: NeverForceUnwrap
                let (out, stride) =
                    epilogue == nil
                    ? (y!.base + images.lowerBound * plane, total) : (chunkOutputs[t].base, width)
                Im2col.forward(columns: cols, input: x.base, geometry: g, images: images)
                // out[:, images] = W[OC, CKK] · cols[CKK, images·P]
                BLAS.sgemm(out, w.base, cols, m: outputChannels, n: width, k: g.columnRows, ldc: stride)
                if let b {
                    for oc in 0..<outputChannels {
                        let row = out + oc * stride
                        let bias = b.base[oc]
                        for j in 0..<width { row[j] += bias }
                    }
                }
                epilogue?(out, stride, images)
            }
        }
    }

    /// The im2col backward pass, chunk by chunk, from `gradOutput` [OC,N,OH,OW], or, with a `prologue`,
    /// from a per-thread chunk scratch that the prologue fills right before the chunk's GEMMs read it
    /// (with oneDNN 2.6 their sums do not depend on where the rows lie, as for `im2colForward`).
    func im2colBackward(
        batch: Int, gradOutput: UnsafeMutablePointer<Float>?, needsInputGradient: Bool, prologue: ChunkHook?
    ) -> Activation? {
        guard let input else { preconditionFailure("backward before forward") }
        precondition((gradOutput == nil) != (prologue == nil), "im2colBackward needs dY or a prologue")
        let g = geometry
        let plane = g.outputPlane
        let total = batch * plane
        let rows = g.columnRows
        let dx = needsInputGradient ? inputGradient.get(batch * inputShape.count) : nil
        let pieces = chunks(batch)
        if prologue != nil { growChunkScratch() }
        let outputChannels = outputChannels
        let hasBias = bias != nil
        // The chunks fall into a fixed number of reduction groups that depends on the batch alone, never
        // on the thread count: each group sums its chunks' dW and db into its own partial, in chunk order,
        // and the partials are added in group order. So gradients are bit-identical for any thread count.
        let groups = min(pieces.count, Self.maximumGroups)
        while partials.count < groups {
            partials.append((Buffer(count: weight.count), Buffer(count: outputChannels)))
        }
        // Each thread reads the shared input, dY and W, and writes its own groups' rows of dX and partials,
        // and its own column scratch.
        let x = SharedPointer(input.pointer)
        let dout = gradOutput.map { SharedPointer($0) }
        let chunkGradients = prologue == nil ? [] : chunkScratch.map { SharedPointer($0.pointer) }
        let w = SharedPointer(weight.value.pointer)
        let dxShared = dx.map { SharedPointer($0.pointer) }
        let columns = scratch.map {
            (
                columns: SharedPointer($0.columns.pointer),
                columnGradient: SharedPointer($0.columnGradient.pointer + Im2col.margin)
            )
        }
        let groupPartials = partials.map {
            (
                weightGradient: SharedPointer($0.weightGradient.pointer),
                biasGradient: SharedPointer($0.biasGradient.pointer)
            )
        }
        let weightCount = weight.count
        Parallel.split(groups, threads: threads) { groupRange, t in
            let s = columns[t]
            for group in groupRange {
                let p = groupPartials[group]
                p.weightGradient.base.update(repeating: 0, count: weightCount)
                p.biasGradient.base.update(repeating: 0, count: outputChannels)
                for images in pieces[Parallel.share(group, of: pieces.count, workers: groups)] {
                    let width = images.count * plane
                    // Force unwrap: `dout` is nil only when there is an prologue, which this branch excludes.
                    // swift-format-ignore: NeverForceUnwrap
                    let (dy, stride) =
                        prologue == nil
                        ? (dout!.base + images.lowerBound * plane, total) : (chunkGradients[t].base, width)
                    prologue?(dy, stride, images)
                    Im2col.forward(columns: s.columns.base, input: x.base, geometry: g, images: images)
                    // dW[OC, CKK] += dY[OC, images·P] · colsᵀ
                    BLAS.sgemm(
                        p.weightGradient.base, dy, s.columns.base, m: outputChannels, n: rows, k: width,
                        transposeB: true, beta: 1, lda: stride)
                    if hasBias {
                        for oc in 0..<outputChannels {
                            p.biasGradient.base[oc] += Self.sum(dy + oc * stride, width)
                        }
                    }
                    if let dxShared {
                        // dcols[CKK, images·P] = Wᵀ · dY, then scatter back to the input positions.
                        BLAS.sgemm(
                            s.columnGradient.base, w.base, dy, m: rows, n: width, k: outputChannels,
                            transposeA: true, ldb: stride)
                        if Im2col.isNarrow(g) {
                            Im2col.backwardNarrow(
                                inputGradient: dxShared.base, columns: s.columnGradient.base, geometry: g,
                                images: images)
                        } else {
                            Im2col.backward(
                                inputGradient: dxShared.base, columns: s.columnGradient.base, geometry: g,
                                images: images)
                        }
                    }
                }
            }
        }
        // Sum the partials in group order.
        for group in 0..<groups {
            let p = partials[group]
            for i in 0..<weight.count { weight.gradient[i] += p.weightGradient[i] }
            if let bias { for oc in 0..<outputChannels { bias.gradient[oc] += p.biasGradient[oc] } }
        }
        return dx.map { Activation(buffer: $0, batch: batch, shape: inputShape) }
    }

    /// Σ row[0..<count] in a fixed order: eight float lanes (lane i sums the elements j ≡ i mod 8 below the
    /// last multiple of 8), the lanes added in order, then the rest one by one.
    static func sum(_ row: UnsafeMutablePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var j = 0
        while j + 8 <= count {
            lanes += load(row + j)
            j += 8
        }
        var sum = lanes.sum()
        while j < count {
            sum += row[j]
            j += 1
        }
        return sum
    }
}
