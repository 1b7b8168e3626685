/// Geometry of a 2-D convolution or pooling window over a channel-major batch `[C, N, H, W]`.
struct ConvGeometry {
    var channels: Int, batch: Int, height: Int, width: Int
    var kernel: Int, stride: Int, padding: Int

    var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the column matrix: one per (channel, ky, kx).
    var columnRows: Int { channels * kernel * kernel }

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

    /// columns [C·K·K, images.count·OH·OW] → input gradient [C,N,H,W] of `images`, summing overlapping
    /// windows. Overwrites those images' gradient (no zeroing needed beforehand).
    static func backward(
        inputGradient: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, geometry g: ConvGeometry,
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
