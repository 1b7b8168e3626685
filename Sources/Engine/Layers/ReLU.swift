/// Rectified linear unit, elementwise: y = max(0, x); dx = dy where y > 0.
public final class ReLU: Layer {
    public let outputShape: Shape
    /// How many threads split each pass; changed between batches by `setThreads`.
    private(set) var threads: Int
    private var output = Workspace(), inputGradient = Workspace()

    init(input: Shape, threads: Int) {
        outputShape = input
        self.threads = threads
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let out = output.get(input.count)
        // Each thread reads and writes its own share of the elements.
        let x = SharedPointer(input.pointer)
        let y = SharedPointer(out.pointer)
        Parallel.split(input.count, threads: input.count >= 65_536 ? threads : 1) { range, _ in
            let x = x.base
            let y = y.base
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(y + i).storeBytes(
                    of: v.replacing(with: 0, where: v .< 0), as: SIMD8<Float>.self)
                i += 8
            }
            // The vector loop's operation, so that the elements past the last multiple of 8 (which depend
            // on the thread count) come out the same: −0 stays −0 and NaN stays NaN.
            while i < range.upperBound {
                y[i] = x[i] < 0 ? 0 : x[i]
                i += 1
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient, let out = output.buffer else { return nil }
        let dx = inputGradient.get(gradOutput.count)
        let y = SharedPointer(out.pointer)
        let dy = SharedPointer(gradOutput.pointer)
        let d = SharedPointer(dx.pointer)
        Parallel.split(gradOutput.count, threads: gradOutput.count >= 65_536 ? threads : 1) { range, _ in
            let y = y.base
            let dy = dy.base
            let d = d.base
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let out = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
                let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + i).storeBytes(
                    of: g.replacing(with: 0, where: out .<= 0), as: SIMD8<Float>.self)
                i += 8
            }
            while i < range.upperBound {
                d[i] = y[i] <= 0 ? 0 : dy[i]
                i += 1
            }
        }
        return Activation(buffer: dx, batch: gradOutput.batch, shape: outputShape)
    }
}

extension ReLU {
    public func setThreads(_ threads: Int) { self.threads = max(1, threads) }
}
