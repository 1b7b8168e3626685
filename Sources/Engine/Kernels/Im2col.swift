/// Geometry of a 2-D convolution or pooling window over a channel-major batch `[C, N, H, W]`.
struct ConvGeometry {
    var channels: Int, batch: Int, height: Int, width: Int
    var kernel: Int, stride: Int, padding: Int

    var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the column matrix: one per (channel, ky, kx).
    var columnRows: Int { channels * kernel * kernel }

    /// Stride 1 and an output as large as the input (padding (K − 1)/2): each column row is the input plane
    /// shifted, which `Im2col` copies and adds in whole runs rather than row by row.
    var sameSize: Bool { stride == 1 && outputHeight == height && outputWidth == width }

    /// Output columns `ox` whose input column `ox·stride + kx − padding` lies inside `[0, width)`.
    func validColumns(kx: Int) -> Range<Int> { valid(kx, size: width, outputSize: outputWidth) }

    /// Output rows `oy` whose input row `oy·stride + ky − padding` lies inside `[0, height)`.
    func validRows(ky: Int) -> Range<Int> { valid(ky, size: height, outputSize: outputHeight) }

    private func valid(_ offset: Int, size: Int, outputSize: Int) -> Range<Int> {
        let first = min(outputSize, max(0, (padding - offset + stride - 1) / stride))
        // The last input position is size − 1 + padding − offset steps of stride away; when that is negative
        // (a kernel wider than input plus padding) none is valid. Integer division rounds toward zero, so
        // the negative case must not reach it.
        let span = size - 1 + padding - offset
        let last = span < 0 ? 0 : min(outputSize, span / stride + 1)
        return first..<max(first, last)
    }
}

enum Im2col {
    /// input [C,N,H,W], images `images` → columns [C·K·K, images.count·OH·OW], zero outside the padded input.
    static func forward(
        columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: ConvGeometry,
        images: Range<Int>
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let k = g.kernel
        let s = g.stride
        let p = g.padding
        let plane = g.height * g.width
        let width = images.count * g.outputPlane
        var row = 0
        for c in 0..<g.channels {
            for ky in 0..<k {
                // Rows above and below the input are zero; the rows between copy their valid columns.
                let rows = g.validRows(ky: ky)
                for kx in 0..<k {
                    var out = columns + row * width
                    let valid = g.validColumns(kx: kx)
                    let left = valid.lowerBound
                    let right = ow - valid.upperBound
                    let copied = valid.isEmpty ? 0..<0 : rows
                    if g.sameSize && !copied.isEmpty {
                        for n in images {
                            let image = input + (c * g.batch + n) * plane
                            sameSizeRows(out, image, geometry: g, ky: ky, kx: kx, rows: copied, valid: valid)
                            out += g.outputPlane
                        }
                        row += 1
                        continue
                    }
                    if s == 1 && left == 0 && right == 0 && copied == 0..<oh {
                        // Every window row inside the input (no padding): plain row copies, in whole vectors
                        // when the rows are a multiple of 8 long.
                        let skip = (ky - p) * g.width + kx - p
                        for n in images {
                            var source = input + (c * g.batch + n) * plane + skip
                            if ow % 8 == 0 {
                                for _ in 0..<oh {
                                    var i = 0
                                    while i < ow {
                                        store(load(source + i), out + i)
                                        i += 8
                                    }
                                    out += ow
                                    source += g.width
                                }
                            } else {
                                for _ in 0..<oh {
                                    copyFloats(out, source, ow)
                                    out += ow
                                    source += g.width
                                }
                            }
                        }
                        row += 1
                        continue
                    }
                    for n in images {
                        let image = input + (c * g.batch + n) * plane
                        zeroFloats(out, (copied.isEmpty ? oh : copied.lowerBound) * ow)
                        out += (copied.isEmpty ? oh : copied.lowerBound) * ow
                        var source = image + (copied.lowerBound * s + ky - p) * g.width + kx - p
                        for _ in copied {
                            if left > 0 { zeroFloats(out, left) }
                            if s == 1 {
                                copyFloats(out + left, source + left, valid.count)
                            } else {
                                for ox in valid { out[ox] = source[ox * s] }
                            }
                            if right > 0 { zeroFloats(out + valid.upperBound, right) }
                            out += ow
                            source += s * g.width
                        }
                        if !copied.isEmpty {
                            zeroFloats(out, (oh - copied.upperBound) * ow)
                            out += (oh - copied.upperBound) * ow
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// One image's column row (ky, kx) of a same-size convolution (`ConvGeometry.sameSize`): its output rows
    /// `rows` read input rows shifted by ky − padding and columns shifted by kx − padding, so they are one
    /// contiguous run of the input plane, copied in one go; the few columns of each row that the shift wraps
    /// into the neighbouring input row are then zeroed, as are the rows outside `rows`.
    @inline(__always)
    private static func sameSizeRows(
        _ out: UnsafeMutablePointer<Float>, _ image: UnsafePointer<Float>, geometry g: ConvGeometry, ky: Int,
        kx: Int, rows: Range<Int>, valid: Range<Int>
    ) {
        let ow = g.outputWidth
        let oh = g.outputHeight
        let shift = (ky - g.padding) * g.width + kx - g.padding
        let left = valid.lowerBound
        let right = ow - valid.upperBound
        // Outputs rows.lowerBound·ow + left ..< rows.upperBound·ow − right all read inside the plane.
        let first = rows.lowerBound * ow + left
        let end = rows.upperBound * ow - right
        zeroFloats(out, first)
        copyFloats(out + first, image + first + shift, end - first)
        zeroFloats(out + end, oh * ow - end)
        for oy in rows {
            let r = out + oy * ow
            for ox in 0..<left { r[ox] = 0 }
            for ox in valid.upperBound..<ow { r[ox] = 0 }
        }
    }

    /// Readable floats that `backwardNarrow` needs before and after its column matrix.
    static let margin = 16

    /// Whether `backwardNarrow` handles the geometry: stride 1, no padding, input rows of at most 16.
    static func isNarrow(_ g: ConvGeometry) -> Bool { g.stride == 1 && g.padding == 0 && g.width <= 16 }

    /// `backward` for narrow valid convolutions (`isNarrow`), input row by input row: each row of the input
    /// gradient is summed in one 16-lane register, its windows' column rows added in `backward`'s order
    /// ((ky, kx) ascending, each shifted to its kx), then stored once, instead of every column row being
    /// added into memory. The lanes a window does not reach get +0, which changes no sum (the sums start
    /// at +0, so they are never −0). So the bits are `backward`'s. `columns` must have `margin` readable
    /// floats before and after it: the shifted 16-lane loads reach over its ends.
    static func backwardNarrow(
        inputGradient: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>,
        geometry g: ConvGeometry, images: Range<Int>
    ) {
        precondition(isNarrow(g), "backwardNarrow on a \(g.width)-wide input with padding \(g.padding)")
        let (oh, ow, k) = (g.outputHeight, g.outputWidth, g.kernel)
        let width = images.count * g.outputPlane
        let plane = g.height * g.width
        let lane = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        // Lanes kx..<kx + OW: where column row kx of a window lands in an input row.
        let reach = (0..<k).map { kx in (lane .>= Int32(kx)) .& (lane .< Int32(kx + ow)) }
        for c in 0..<g.channels {
            for (local, n) in images.enumerated() {
                let target = inputGradient + (c * g.batch + n) * plane
                for iy in 0..<g.height {
                    var sum = SIMD16<Float>()
                    for ky in 0..<k {
                        let oy = iy - ky
                        guard oy >= 0 && oy < oh else { continue }
                        var column = columns + (c * k + ky) * k * width + (local * oh + oy) * ow
                        for kx in 0..<k {
                            let v = UnsafeRawPointer(column - kx).loadUnaligned(as: SIMD16<Float>.self)
                            sum += SIMD16<Float>().replacing(with: v, where: reach[kx])
                            column += width
                        }
                    }
                    let row = target + iy * g.width
                    var x = 0
                    if g.width >= 8 {
                        store(sum.lowHalf, row)
                        x = 8
                    }
                    while x < g.width {
                        row[x] = sum[x]
                        x += 1
                    }
                }
            }
        }
    }

    /// columns [C·K·K, images.count·OH·OW] → input gradient [C,N,H,W] of `images`, summing overlapping
    /// windows. Overwrites those images' gradient (no zeroing needed beforehand). Same-size convolutions zero
    /// the column gradients that fall outside the input (padding positions) on the way.
    static func backward(
        inputGradient: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>,
        geometry g: ConvGeometry,
        images: Range<Int>
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let k = g.kernel
        let s = g.stride
        let p = g.padding
        let plane = g.height * g.width
        let width = images.count * g.outputPlane
        for c in 0..<g.channels {
            zeroFloats(inputGradient + (c * g.batch + images.lowerBound) * plane, images.count * plane)
        }
        var row = 0
        for c in 0..<g.channels {
            for ky in 0..<k {
                for kx in 0..<k {
                    var column = columns + row * width
                    let valid = g.validColumns(kx: kx)
                    let rows = g.validRows(ky: ky)
                    if g.sameSize && !rows.isEmpty && !valid.isEmpty {
                        // The input plane shifted: one run per image, after zeroing the wrapped columns'
                        // gradients (they add +0 to a gradient that is never −0, so nothing changes there).
                        let shift = (ky - p) * g.width + kx - p
                        let first = rows.lowerBound * ow + valid.lowerBound
                        let end = rows.upperBound * ow - (ow - valid.upperBound)
                        for n in images {
                            let image = inputGradient + (c * g.batch + n) * plane
                            for oy in rows {
                                let r = column + oy * ow
                                for ox in 0..<valid.lowerBound { r[ox] = 0 }
                                for ox in valid.upperBound..<ow { r[ox] = 0 }
                            }
                            addFloats(image + first + shift, column + first, end - first)
                            column += g.outputPlane
                        }
                        row += 1
                        continue
                    }
                    for n in images {
                        let image = inputGradient + (c * g.batch + n) * plane
                        for oy in 0..<oh {
                            let iy = oy * s + ky - p
                            if iy >= 0 && iy < g.height {
                                let target = image + iy * g.width + kx - p
                                if s == 1 {
                                    addFloats(
                                        target + valid.lowerBound, column + valid.lowerBound, valid.count)
                                } else {
                                    for ox in valid { target[ox * s] += column[ox] }
                                }
                            }
                            column += ow
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
