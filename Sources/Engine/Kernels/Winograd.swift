/// Winograd F(2×2, 3×3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
/// CVPR 2016) for 3×3 kernels at stride 1 with padding 1. Each 2×2 block of outputs (a tile) comes from
/// the 4×4 block of inputs around it; with
///
///     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1]
///
/// one tile is Y = Aᵀ [(G w Gᵀ) ⊙ (Bᵀ d B)] A. Summed over input channels, the elementwise product becomes
/// 16 GEMMs, one per position ξ of the 4×4 transformed tile, M[ξ] [OC,T] = U[ξ] [OC,C] · V[ξ] [C,T]: 16
/// multiplications per channel pair and tile instead of 36. Backward is each step transposed:
/// dM = A dY Aᵀ, dU[ξ] = dM[ξ] · V[ξ]ᵀ, dV[ξ] = U[ξ]ᵀ · dM[ξ], dd = B dV Bᵀ (summed where tiles overlap),
/// dw = Gᵀ dU G. `Conv2d` runs these; its im2col path is the reference they are tested against.
///
/// Transforms run on four tiles side by side (SIMD4). The padded input plane is kept as two planes, its
/// even and its odd columns, so that the columns of four neighbouring tiles are four consecutive floats.
struct WinogradGeometry {
    let channels: Int, outputChannels: Int, height: Int, width: Int
    /// Tile rows and columns of one image; the columns rounded up to a multiple of 4. The extra tiles read
    /// padding, and their outputs are dropped (and their output gradients are zero).
    let tileRows: Int, tileColumns: Int, paddedTileColumns: Int

    init(channels: Int, outputChannels: Int, height: Int, width: Int) {
        self.channels = channels
        self.outputChannels = outputChannels
        self.height = height
        self.width = width
        tileRows = (height + 1) / 2
        tileColumns = (width + 1) / 2
        paddedTileColumns = (tileColumns + 3) / 4 * 4
    }

    var tilesPerImage: Int { tileRows * paddedTileColumns }
    /// Rows and columns of the even (or odd) column plane of one zero-padded input: padded row r, column
    /// 2k (even plane) or 2k + 1 (odd plane) holds input row r − 1, column 2k − 1 (or 2k).
    var planeRows: Int { 2 * tileRows + 2 }
    var planeColumns: Int { paddedTileColumns + 1 }
    var planeCount: Int { planeRows * planeColumns }
    /// One output plane with all its tiles, padded ones included: [2·tileRows, 2·paddedTileColumns].
    var stageCount: Int { 4 * tileRows * paddedTileColumns }

    /// Floats from one ξ's matrix of `rows` × `tiles` to the next: 16 floats more than the matrix, so that
    /// the 16 streams a transform reads or writes do not fall on the same cache sets.
    static func matrixStride(rows: Int, tiles: Int) -> Int { rows * tiles + 16 }
}

enum Winograd {
    // MARK: The four 1-D transforms (each applied to rows, then to columns)

    /// Bᵀ · (a, b, c, d).
    @inline(__always)
    private static func inputTransform(
        _ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>
    )
        -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    { (a - c, b + c, c - b, b - d) }

    @inline(__always)
    private static func inputTransposed(_ q: Quad) -> Quad { inputTransposed(q.0, q.1, q.2, q.3) }

    @inline(__always)
    private static func outputTransform(_ q: Quad) -> (SIMD4<Float>, SIMD4<Float>) {
        outputTransform(q.0, q.1, q.2, q.3)
    }

    /// B · (a, b, c, d): the transpose of `inputTransform`.
    @inline(__always)
    private static func inputTransposed(
        _ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>
    )
        -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    { (a, b - c + d, b + c - a, -d) }

    /// Aᵀ · (a, b, c, d).
    @inline(__always)
    private static func outputTransform(
        _ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>
    )
        -> (SIMD4<Float>, SIMD4<Float>)
    { (a + b + c, b - c - d) }

    /// A · (a, b): the transpose of `outputTransform`.
    @inline(__always)
    private static func outputTransposed(_ a: SIMD4<Float>, _ b: SIMD4<Float>)
        -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    { (a, a + b, a - b, -b) }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    /// One column of a 4×4 transformed tile, four tiles side by side.
    private typealias Quad = (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)

    /// Column j of the transformed tiles at `p`: ξ = j, 4 + j, 8 + j and 12 + j, `stride` floats apart per ξ.
    @inline(__always)
    private static func column(_ p: UnsafePointer<Float>, _ j: Int, stride: Int) -> Quad {
        (
            load(p + j * stride), load(p + (4 + j) * stride), load(p + (8 + j) * stride),
            load(p + (12 + j) * stride)
        )
    }

    // MARK: Weights

    /// weight [OC,C,3,3] → U [16][OC,C], U = G w Gᵀ.
    static func transformWeights(
        _ u: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, geometry g: WinogradGeometry
    ) {
        let pairs = g.outputChannels * g.channels
        for pair in 0..<pairs {
            let w = weight + pair * 9
            // G w, 4 rows of 3 (a column of w at a time), then (G w) Gᵀ, each row of 3 becoming 4.
            @inline(__always) func g(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float, Float) {
                (a, 0.5 * (a + b + c), 0.5 * (a - b + c), c)
            }
            let c0 = g(w[0], w[3], w[6])
            let c1 = g(w[1], w[4], w[7])
            let c2 = g(w[2], w[5], w[8])
            @inline(__always) func put(_ i: Int, _ r: (Float, Float, Float, Float)) {
                u[(4 * i) * pairs + pair] = r.0
                u[(4 * i + 1) * pairs + pair] = r.1
                u[(4 * i + 2) * pairs + pair] = r.2
                u[(4 * i + 3) * pairs + pair] = r.3
            }
            put(0, g(c0.0, c1.0, c2.0))
            put(1, g(c0.1, c1.1, c2.1))
            put(2, g(c0.2, c1.2, c2.2))
            put(3, g(c0.3, c1.3, c2.3))
        }
    }

    /// dU [16][OC,C] → weight gradient [OC,C,3,3] += Gᵀ dU G.
    static func weightGradient(
        _ dw: UnsafeMutablePointer<Float>, du: UnsafePointer<Float>, geometry g: WinogradGeometry
    ) {
        let pairs = g.outputChannels * g.channels
        for pair in 0..<pairs {
            @inline(__always) func at(_ xi: Int) -> Float { du[xi * pairs + pair] }
            // Gᵀ dU, 3 rows of 4 (a column of dU at a time), then (Gᵀ dU) G, each row of 4 becoming 3.
            @inline(__always) func g(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> (Float, Float, Float)
            {
                (a + 0.5 * (b + c), 0.5 * (b - c), 0.5 * (b + c) + d)
            }
            let c0 = g(at(0), at(4), at(8), at(12))
            let c1 = g(at(1), at(5), at(9), at(13))
            let c2 = g(at(2), at(6), at(10), at(14))
            let c3 = g(at(3), at(7), at(11), at(15))
            let out = dw + pair * 9
            let r0 = g(c0.0, c1.0, c2.0, c3.0)
            let r1 = g(c0.1, c1.1, c2.1, c3.1)
            let r2 = g(c0.2, c1.2, c2.2, c3.2)
            out[0] += r0.0
            out[1] += r0.1
            out[2] += r0.2
            out[3] += r1.0
            out[4] += r1.1
            out[5] += r1.2
            out[6] += r2.0
            out[7] += r2.1
            out[8] += r2.2
        }
    }

    // MARK: Inputs

    /// input [C,N,H,W] of `images` → V [16][C,T] (ξ apart by `matrixStride`), T = images.count · tilesPerImage, tile
    /// t = (image · tileRows + ty) · paddedTileColumns + tx. `even` and `odd` are the two column planes of a
    /// padded input (`planeCount` floats each), zero outside the input: this writes only their inside.
    static func transformInput(
        _ v: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, batch: Int, images: Range<Int>,
        geometry g: WinogradGeometry, even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>
    ) {
        let tiles = images.count * g.tilesPerImage
        let columns = g.planeColumns
        let stride = WinogradGeometry.matrixStride(rows: g.channels, tiles: tiles)
        for c in 0..<g.channels {
            for (local, n) in images.enumerated() {
                let image = input + (c * batch + n) * g.height * g.width
                // Input column x sits at padded column x + 1: odd x in the even plane, even x in the odd one.
                for y in 0..<g.height {
                    let row = image + y * g.width
                    let e = even + (y + 1) * columns
                    let o = odd + (y + 1) * columns
                    var x = 0
                    while x + 1 < g.width {
                        o[x / 2] = row[x]
                        e[x / 2 + 1] = row[x + 1]
                        x += 2
                    }
                    if x < g.width { o[x / 2] = row[x] }
                }
                let base = v + c * tiles + local * g.tilesPerImage
                for ty in 0..<g.tileRows {
                    let out = base + ty * g.paddedTileColumns
                    var tx = 0
                    while tx < g.paddedTileColumns {
                        let r0 = 2 * ty * columns + tx
                        let r1 = r0 + columns
                        let r2 = r1 + columns
                        let r3 = r2 + columns
                        // Bᵀ d over the rows, column by column.
                        let c0 = inputTransform(
                            load(even + r0), load(even + r1), load(even + r2), load(even + r3))
                        let c1 = inputTransform(
                            load(odd + r0), load(odd + r1), load(odd + r2), load(odd + r3))
                        let c2 = inputTransform(
                            load(even + r0 + 1), load(even + r1 + 1), load(even + r2 + 1), load(even + r3 + 1)
                        )
                        let c3 = inputTransform(
                            load(odd + r0 + 1), load(odd + r1 + 1), load(odd + r2 + 1), load(odd + r3 + 1))
                        // (Bᵀ d) B over the columns, row by row.
                        let v0 = inputTransform(c0.0, c1.0, c2.0, c3.0)
                        let v1 = inputTransform(c0.1, c1.1, c2.1, c3.1)
                        let v2 = inputTransform(c0.2, c1.2, c2.2, c3.2)
                        let v3 = inputTransform(c0.3, c1.3, c2.3, c3.3)
                        let p = out + tx
                        store(v0.0, p)
                        store(v0.1, p + stride)
                        store(v0.2, p + 2 * stride)
                        store(v0.3, p + 3 * stride)
                        store(v1.0, p + 4 * stride)
                        store(v1.1, p + 5 * stride)
                        store(v1.2, p + 6 * stride)
                        store(v1.3, p + 7 * stride)
                        store(v2.0, p + 8 * stride)
                        store(v2.1, p + 9 * stride)
                        store(v2.2, p + 10 * stride)
                        store(v2.3, p + 11 * stride)
                        store(v3.0, p + 12 * stride)
                        store(v3.1, p + 13 * stride)
                        store(v3.2, p + 14 * stride)
                        store(v3.3, p + 15 * stride)
                        tx += 4
                    }
                }
            }
        }
    }

    /// dV [16][C,T] → input gradient [C,N,H,W] of `images` (written, not added), B dV Bᵀ summed where tiles
    /// overlap, in tile order. `even` and `odd` are scratch planes of `planeCount` floats.
    static func inputGradient(
        _ dx: UnsafeMutablePointer<Float>, dv: UnsafePointer<Float>, batch: Int, images: Range<Int>,
        geometry g: WinogradGeometry, even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>
    ) {
        let tiles = images.count * g.tilesPerImage
        let columns = g.planeColumns
        let stride = WinogradGeometry.matrixStride(rows: g.channels, tiles: tiles)
        for c in 0..<g.channels {
            for (local, n) in images.enumerated() {
                even.update(repeating: 0, count: g.planeCount)
                odd.update(repeating: 0, count: g.planeCount)
                let base = dv + c * tiles + local * g.tilesPerImage
                for ty in 0..<g.tileRows {
                    let tileRow = base + ty * g.paddedTileColumns
                    var tx = 0
                    while tx < g.paddedTileColumns {
                        let p = tileRow + tx
                        // B dV over the rows (ξ = 4i + j), column by column.
                        let c0 = inputTransposed(column(p, 0, stride: stride))
                        let c1 = inputTransposed(column(p, 1, stride: stride))
                        let c2 = inputTransposed(column(p, 2, stride: stride))
                        let c3 = inputTransposed(column(p, 3, stride: stride))
                        // (B dV) Bᵀ over the columns, row by row, added at the tile's place.
                        @inline(__always) func add(
                            _ i: Int, _ d: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
                        ) {
                            let r = (2 * ty + i) * columns + tx
                            store(load(even + r) + d.0, even + r)
                            store(load(odd + r) + d.1, odd + r)
                            store(load(even + r + 1) + d.2, even + r + 1)
                            store(load(odd + r + 1) + d.3, odd + r + 1)
                        }
                        add(0, inputTransposed(c0.0, c1.0, c2.0, c3.0))
                        add(1, inputTransposed(c0.1, c1.1, c2.1, c3.1))
                        add(2, inputTransposed(c0.2, c1.2, c2.2, c3.2))
                        add(3, inputTransposed(c0.3, c1.3, c2.3, c3.3))
                        tx += 4
                    }
                }
                let image = dx + (c * batch + n) * g.height * g.width
                for y in 0..<g.height {
                    let row = image + y * g.width
                    let e = even + (y + 1) * columns
                    let o = odd + (y + 1) * columns
                    var x = 0
                    while x + 1 < g.width {
                        row[x] = o[x / 2]
                        row[x + 1] = e[x / 2 + 1]
                        x += 2
                    }
                    if x < g.width { row[x] = o[x / 2] }
                }
            }
        }
    }

    // MARK: Outputs

    /// output [OC,N,H,W] ← M [16][OC,T] (+ bias) of `images`: Aᵀ M A per tile. Each plane is built in
    /// `stage` (`stageCount` floats: all tiles, padded ones included) with vector stores, then its
    /// inside copied out.
    static func transformOutput(
        _ y: UnsafeMutablePointer<Float>, m: UnsafePointer<Float>, bias: UnsafePointer<Float>?, batch: Int,
        images: Range<Int>, geometry g: WinogradGeometry, stage: UnsafeMutablePointer<Float>
    ) {
        let tiles = images.count * g.tilesPerImage
        let stride = WinogradGeometry.matrixStride(rows: g.outputChannels, tiles: tiles)
        let stageWidth = 2 * g.paddedTileColumns
        for oc in 0..<g.outputChannels {
            let b = bias.map { $0[oc] } ?? 0
            for (local, n) in images.enumerated() {
                let base = m + oc * tiles + local * g.tilesPerImage
                for ty in 0..<g.tileRows {
                    var tx = 0
                    while tx < g.paddedTileColumns {
                        let p = base + ty * g.paddedTileColumns + tx
                        // Aᵀ M over the rows, column by column.
                        let c0 = outputTransform(column(p, 0, stride: stride))
                        let c1 = outputTransform(column(p, 1, stride: stride))
                        let c2 = outputTransform(column(p, 2, stride: stride))
                        let c3 = outputTransform(column(p, 3, stride: stride))
                        // (Aᵀ M) A over the columns: stage row 2ty + r, columns 2(tx + k) and 2(tx + k) + 1.
                        let top = outputTransform(c0.0, c1.0, c2.0, c3.0)
                        let bottom = outputTransform(c0.1, c1.1, c2.1, c3.1)
                        let q = stage + 2 * ty * stageWidth + 2 * tx
                        storeInterleaved(top.0 + b, top.1 + b, q)
                        storeInterleaved(bottom.0 + b, bottom.1 + b, q + stageWidth)
                        tx += 4
                    }
                }
                let image = y + (oc * batch + n) * g.height * g.width
                for row in 0..<g.height {
                    copyFloats(image + row * g.width, stage + row * stageWidth, g.width)
                }
            }
        }
    }

    /// Output gradient [OC,N,H,W] of `images` → dM [16][OC,T] = A dY Aᵀ per tile. Each plane is copied into
    /// `stage` (`stageCount` floats, zero outside the plane: this writes only its inside) and read from
    /// there four tiles at a time; positions past the image read zero.
    static func outputGradient(
        _ dm: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, batch: Int, images: Range<Int>,
        geometry g: WinogradGeometry, stage: UnsafeMutablePointer<Float>
    ) {
        let tiles = images.count * g.tilesPerImage
        let stride = WinogradGeometry.matrixStride(rows: g.outputChannels, tiles: tiles)
        let stageWidth = 2 * g.paddedTileColumns
        for oc in 0..<g.outputChannels {
            for (local, n) in images.enumerated() {
                let image = dy + (oc * batch + n) * g.height * g.width
                for row in 0..<g.height {
                    copyFloats(stage + row * stageWidth, image + row * g.width, g.width)
                }
                let base = dm + oc * tiles + local * g.tilesPerImage
                for ty in 0..<g.tileRows {
                    var tx = 0
                    while tx < g.paddedTileColumns {
                        // The tiles' 2×2 gradients, four tiles side by side: g<r><s> is row 2ty + r, column
                        // 2(tx + k) + s in lane k.
                        let top = stage + 2 * ty * stageWidth + 2 * tx
                        let upper = UnsafeRawPointer(top).loadUnaligned(as: SIMD8<Float>.self)
                        let lower = UnsafeRawPointer(top + stageWidth).loadUnaligned(as: SIMD8<Float>.self)
                        // A dY over the rows, column by column, then (A dY) Aᵀ over the columns.
                        let c0 = outputTransposed(upper.evenHalf, lower.evenHalf)
                        let c1 = outputTransposed(upper.oddHalf, lower.oddHalf)
                        let p = base + ty * g.paddedTileColumns + tx
                        @inline(__always) func put(
                            _ i: Int, _ d: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
                        ) {
                            store(d.0, p + (4 * i) * stride)
                            store(d.1, p + (4 * i + 1) * stride)
                            store(d.2, p + (4 * i + 2) * stride)
                            store(d.3, p + (4 * i + 3) * stride)
                        }
                        put(0, outputTransposed(c0.0, c1.0))
                        put(1, outputTransposed(c0.1, c1.1))
                        put(2, outputTransposed(c0.2, c1.2))
                        put(3, outputTransposed(c0.3, c1.3))
                        tx += 4
                    }
                }
            }
        }
    }

    /// (l0, r0, l1, r1, l2, r2, l3, r3) at `p`.
    @inline(__always)
    private static func storeInterleaved(
        _ left: SIMD4<Float>, _ right: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>
    ) {
        let v = SIMD8<Float>(left[0], right[0], left[1], right[1], left[2], right[2], left[3], right[3])
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
