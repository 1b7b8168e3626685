/// Slow, obviously-correct references for the fast kernels (llm.c keeps `matmul_forward_naive` beside
/// `matmul_forward`). Double accumulation, channel-major layouts as the engine's.
enum Naive {
    struct Geometry {
        var channels: Int, batch: Int, height: Int, width: Int
        var outputChannels: Int, kernel: Int, stride: Int, padding: Int
        var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
        var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }

        func inputIndex(_ c: Int, _ n: Int, _ y: Int, _ x: Int) -> Int {
            ((c * batch + n) * height + y) * width + x
        }
        func outputIndex(_ o: Int, _ n: Int, _ y: Int, _ x: Int) -> Int {
            ((o * batch + n) * outputHeight + y) * outputWidth + x
        }
        func weightIndex(_ o: Int, _ c: Int, _ ky: Int, _ kx: Int) -> Int {
            ((o * channels + c) * kernel + ky) * kernel + kx
        }
    }

    /// Visits every (output, input, weight) index triple of the convolution: the seven loops.
    static func forEachTap(_ g: Geometry, _ body: (_ out: Int, _ input: Int, _ weight: Int) -> Void) {
        for o in 0..<g.outputChannels {
            for n in 0..<g.batch {
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        for c in 0..<g.channels {
                            for ky in 0..<g.kernel {
                                for kx in 0..<g.kernel {
                                    let iy = oy * g.stride + ky - g.padding
                                    let ix = ox * g.stride + kx - g.padding
                                    guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                                    body(
                                        g.outputIndex(o, n, oy, ox), g.inputIndex(c, n, iy, ix),
                                        g.weightIndex(o, c, ky, kx))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// input [C,N,H,W], weight [OC,C,K,K], bias [OC] → output [OC,N,OH,OW].
    static func convForward(_ g: Geometry, input: [Float], weight: [Float], bias: [Float]?) -> [Double] {
        let plane = g.batch * g.outputHeight * g.outputWidth
        var out = (0..<(g.outputChannels * plane)).map { i in bias.map { Double($0[i / plane]) } ?? 0 }
        forEachTap(g) { o, i, w in out[o] += Double(input[i]) * Double(weight[w]) }
        return out
    }

    /// gradOutput [OC,N,OH,OW] → (input gradient [C,N,H,W], weight gradient [OC,C,K,K], bias gradient [OC]).
    static func convBackward(_ g: Geometry, input: [Float], weight: [Float], gradOutput: [Float])
        -> (input: [Double], weight: [Double], bias: [Double])
    {
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: weight.count)
        forEachTap(g) { o, i, w in
            dx[i] += Double(gradOutput[o]) * Double(weight[w])
            dw[w] += Double(gradOutput[o]) * Double(input[i])
        }
        let plane = g.batch * g.outputHeight * g.outputWidth
        let db = (0..<g.outputChannels).map { o in
            (0..<plane).reduce(0.0) { $0 + Double(gradOutput[o * plane + $1]) }
        }
        return (dx, dw, db)
    }

    /// Max pooling per plane of [C·N, H, W], skipping padding; ties go to the first element in
    /// row-major window order, as PyTorch. Returns outputs and the winning input index of each.
    static func maxPool(_ g: Geometry, input: [Float]) -> (output: [Float], winners: [Int]) {
        var output: [Float] = []
        var winners: [Int] = []
        for plane in 0..<(g.channels * g.batch) {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    var best = -Float.infinity
                    var index = -1
                    for ky in 0..<g.kernel {
                        for kx in 0..<g.kernel {
                            let iy = oy * g.stride + ky - g.padding
                            let ix = ox * g.stride + kx - g.padding
                            guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                            let i = (plane * g.height + iy) * g.width + ix
                            if index < 0 || input[i] > best {
                                best = input[i]
                                index = i
                            }
                        }
                    }
                    output.append(best)
                    winners.append(index)
                }
            }
        }
        return (output, winners)
    }

    /// Scatters each output gradient to its window's winner.
    static func maxPoolBackward(inputCount: Int, winners: [Int], gradOutput: [Float]) -> [Double] {
        var dx = [Double](repeating: 0, count: inputCount)
        for (j, i) in winners.enumerated() { dx[i] += Double(gradOutput[j]) }
        return dx
    }
}
