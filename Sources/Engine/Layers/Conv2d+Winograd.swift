/// Buffers of a Winograd convolution: the transformed weights, one set of tile matrices and padded planes
/// per thread, and one partial weight gradient per reduction group. Grown on demand.
struct WinogradState {
    /// U [16][OC,C], from the weights of the last forward pass.
    var weights: Buffer?
    /// Per thread: V [16][C,T] (dV in backward), M [16][OC,T] (dM in backward), the even and odd column
    /// planes of a padded input, the two of a padded input gradient, and two output stages (forward,
    /// and the output gradient's, which stays zero outside the plane).
    var scratch: [(v: Buffer, m: Buffer, planes: Buffer, gradientPlanes: Buffer, stages: Buffer)] = []
    /// Per reduction group: dU [16][OC,C] and the bias gradient.
    var partials: [(du: Buffer, bias: Buffer)] = []
    var tileCapacity = 0
}

extension Conv2d {
    /// Images per chunk: about 512K floats (2 MB, the core's L2 cache) of V and M together, so that a
    /// chunk's 16 GEMMs and transforms work in cache.
    private func winogradChunk(_ g: WinogradGeometry) -> Int {
        max(1, 524_288 / (16 * (g.channels + g.outputChannels) * g.tilesPerImage))
    }

    private func winogradChunks(_ batch: Int, _ g: WinogradGeometry) -> [Range<Int>] {
        let chunk = winogradChunk(g)
        return Swift.stride(from: 0, to: batch, by: chunk).map { $0..<min($0 + chunk, batch) }
    }

    /// Per-thread buffers for `threads` threads and chunks of up to `winogradChunk` images.
    private func growWinogradScratch(_ g: WinogradGeometry) {
        let tiles = winogradChunk(g) * g.tilesPerImage
        if winogradState.tileCapacity != tiles {
            winogradState.scratch = []
            winogradState.tileCapacity = tiles
        }
        while winogradState.scratch.count < threads {
            let planes = Buffer(count: 2 * g.planeCount)  // zero outside the input, forever
            winogradState.scratch.append(
                (
                    Buffer(count: 16 * WinogradGeometry.matrixStride(rows: g.channels, tiles: tiles)),
                    Buffer(count: 16 * WinogradGeometry.matrixStride(rows: g.outputChannels, tiles: tiles)),
                    planes, Buffer(count: 2 * g.planeCount), Buffer(count: 2 * g.stageCount)
                ))
        }
    }

    /// input [C,N,H,W], weight [OC,C,3,3], bias [OC] → output [OC,N,H,W]: per chunk of images, V = Bᵀ d B,
    /// 16 GEMMs M[ξ] = U[ξ] · V[ξ], then Y = Aᵀ M A + bias.
    func winogradForward(_ input: Activation, geometry g: WinogradGeometry) -> Activation {
        self.input = input
        let batch = input.batch
        let out = output.get(outputChannels * batch * g.height * g.width)
        let u = winogradState.weights ?? Buffer(count: 16 * g.outputChannels * g.channels)
        winogradState.weights = u
        Winograd.transformWeights(u.pointer, weight: weight.value.pointer, geometry: g)
        growWinogradScratch(g)
        let pieces = winogradChunks(batch, g)
        // Each thread reads the shared input and U, writes its own chunks' outputs and its own scratch.
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(out.pointer)
        let uShared = SharedPointer(u.pointer)
        let b = bias.map { SharedPointer($0.value.pointer) }
        let scratch = winogradState.scratch.map {
            (
                v: SharedPointer($0.v.pointer), m: SharedPointer($0.m.pointer),
                planes: SharedPointer($0.planes.pointer), stages: SharedPointer($0.stages.pointer)
            )
        }
        let (oc, c) = (g.outputChannels, g.channels)
        Parallel.split(pieces.count, threads: threads) { range, t in
            let s = scratch[t]
            for images in pieces[range] {
                let tiles = images.count * g.tilesPerImage
                let (vStride, mStride) = (
                    WinogradGeometry.matrixStride(rows: c, tiles: tiles),
                    WinogradGeometry.matrixStride(rows: oc, tiles: tiles)
                )
                Winograd.transformInput(
                    s.v.base, input: x.base, batch: batch, images: images, geometry: g, even: s.planes.base,
                    odd: s.planes.base + g.planeCount)
                for xi in 0..<16 {
                    // M[ξ] [OC,T] = U[ξ] [OC,C] · V[ξ] [C,T]
                    BLAS.sgemm(
                        s.m.base + xi * mStride, uShared.base + xi * oc * c, s.v.base + xi * vStride,
                        m: oc,
                        n: tiles, k: c)
                }
                Winograd.transformOutput(
                    y.base, m: s.m.base, bias: b.map { UnsafePointer($0.base) }, batch: batch, images: images,
                    geometry: g, stage: s.stages.base)
            }
        }
        return Activation(buffer: out, batch: batch, shape: outputShape)
    }

    /// dY [OC,N,H,W] → dX [C,N,H,W]; dW and db accumulate. Per chunk: dM = A dY Aᵀ, dU[ξ] += dM[ξ] · V[ξ]ᵀ
    /// (V recomputed from the input), dV[ξ] = U[ξ]ᵀ · dM[ξ], dX = B dV Bᵀ. Chunks fall into the same fixed
    /// reduction groups as the im2col path (by the batch alone), summed in group order, so gradients are
    /// bit-identical for any thread count; dW = Gᵀ (Σ dU) G once at the end.
    func winogradBackward(_ gradOutput: Activation, needsInputGradient: Bool, geometry g: WinogradGeometry)
        -> Activation?
    {
        guard let input, let u = winogradState.weights else { preconditionFailure("backward before forward") }
        let batch = gradOutput.batch
        let dx = needsInputGradient ? inputGradient.get(batch * inputShape.count) : nil
        let pieces = winogradChunks(batch, g)
        let groups = min(pieces.count, Self.maximumGroups)
        let (oc, c) = (g.outputChannels, g.channels)
        while winogradState.partials.count < groups {
            winogradState.partials.append((Buffer(count: 16 * oc * c), Buffer(count: oc)))
        }
        growWinogradScratch(g)
        let x = SharedPointer(input.pointer)
        let dy = SharedPointer(gradOutput.pointer)
        let uShared = SharedPointer(u.pointer)
        let dxShared = dx.map { SharedPointer($0.pointer) }
        let scratch = winogradState.scratch.map {
            (
                v: SharedPointer($0.v.pointer), m: SharedPointer($0.m.pointer),
                planes: SharedPointer($0.planes.pointer),
                gradientPlanes: SharedPointer($0.gradientPlanes.pointer),
                stages: SharedPointer($0.stages.pointer)
            )
        }
        let partials = winogradState.partials.map {
            (du: SharedPointer($0.du.pointer), bias: SharedPointer($0.bias.pointer))
        }
        let plane = g.height * g.width
        let hasBias = bias != nil
        // Each thread reads the shared input, dY and U, and writes its own groups' partials, its own chunks'
        // rows of dX and its own scratch.
        Parallel.split(groups, threads: threads) { groupRange, t in
            let s = scratch[t]
            for group in groupRange {
                let p = partials[group]
                p.du.base.update(repeating: 0, count: 16 * oc * c)
                p.bias.base.update(repeating: 0, count: oc)
                for images in pieces[Parallel.share(group, of: pieces.count, workers: groups)] {
                    let tiles = images.count * g.tilesPerImage
                    let (vStride, mStride) = (
                        WinogradGeometry.matrixStride(rows: c, tiles: tiles),
                        WinogradGeometry.matrixStride(rows: oc, tiles: tiles)
                    )
                    Winograd.transformInput(
                        s.v.base, input: x.base, batch: batch, images: images, geometry: g,
                        even: s.planes.base,
                        odd: s.planes.base + g.planeCount)
                    Winograd.outputGradient(
                        s.m.base, dy: dy.base, batch: batch, images: images, geometry: g,
                        stage: s.stages.base + g.stageCount)
                    for xi in 0..<16 {
                        // dU[ξ] [OC,C] += dM[ξ] [OC,T] · V[ξ]ᵀ
                        BLAS.sgemm(
                            p.du.base + xi * oc * c, s.m.base + xi * mStride, s.v.base + xi * vStride,
                            m: oc,
                            n: c, k: tiles, transposeB: true, beta: 1)
                    }
                    if hasBias {
                        for o in 0..<oc {
                            var sum: Float = 0
                            for n in images {
                                let row = dy.base + (o * batch + n) * plane
                                for j in 0..<plane { sum += row[j] }
                            }
                            p.bias.base[o] += sum
                        }
                    }
                    guard let dxShared else { continue }
                    for xi in 0..<16 {
                        // dV[ξ] [C,T] = U[ξ]ᵀ · dM[ξ], over V (no longer needed)
                        BLAS.sgemm(
                            s.v.base + xi * vStride, uShared.base + xi * oc * c, s.m.base + xi * mStride,
                            m: c,
                            n: tiles, k: oc, transposeA: true)
                    }
                    Winograd.inputGradient(
                        dxShared.base, dv: s.v.base, batch: batch, images: images, geometry: g,
                        even: s.gradientPlanes.base, odd: s.gradientPlanes.base + g.planeCount)
                }
            }
        }
        // Sum the partials in group order, then dW = Gᵀ dU G.
        let du = Buffer(count: 16 * oc * c)
        for group in 0..<groups {
            let p = winogradState.partials[group]
            for i in 0..<du.count { du[i] += p.du[i] }
            if let bias { for o in 0..<oc { bias.gradient[o] += p.bias[o] } }
        }
        Winograd.weightGradient(weight.gradient.pointer, du: du.pointer, geometry: g)
        return dx.map { Activation(buffer: $0, batch: batch, shape: inputShape) }
    }
}
