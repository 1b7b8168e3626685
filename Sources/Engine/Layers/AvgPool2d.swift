/// Average pooling over each channel plane (padding counts as zeros, PyTorch's `count_include_pad`).
/// input [C,N,H,W] → output [C,N,OH,OW]. Global average pooling is the case kernel = H = W.
public final class AvgPool2d: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    let kernel: Int, stride: Int, padding: Int
    private let geometry: ConvGeometry
    private var output = Workspace(), inputGradient = Workspace()

    init(input: Shape, kernel: Int, stride: Int, padding: Int) {
        guard case .spatial(let c, let h, let w) = input else {
            preconditionFailure("avgpool needs a spatial input")
        }
        inputShape = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        geometry = ConvGeometry(
            channels: c, batch: 1, height: h, width: w, kernel: kernel, stride: stride, padding: padding)
        outputShape = .spatial(channels: c, height: geometry.outputHeight, width: geometry.outputWidth)
    }

    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        let g = geometry
        let oh = g.outputHeight
        let ow = g.outputWidth
        let planes = g.channels * input.batch
        let inPlane = g.height * g.width
        let outPlane = oh * ow
        let scale = 1 / Float(kernel * kernel)
        let out = output.get(planes * outPlane)
        for plane in 0..<planes {
            let x = input.pointer + plane * inPlane
            let y = out.pointer + plane * outPlane
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum: Float = 0
                    for ky in 0..<kernel {
                        let iy = oy * stride + ky - padding
                        if iy < 0 || iy >= g.height { continue }
                        for kx in 0..<kernel {
                            let ix = ox * stride + kx - padding
                            if ix >= 0 && ix < g.width { sum += x[iy * g.width + ix] }
                        }
                    }
                    y[oy * ow + ox] = sum * scale
                }
            }
        }
        return Activation(buffer: out, batch: input.batch, shape: outputShape)
    }

    public func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation? {
        guard needsInputGradient else { return nil }
        let g = geometry
        let oh = g.outputHeight
        let ow = g.outputWidth
        let planes = g.channels * gradOutput.batch
        let inPlane = g.height * g.width
        let outPlane = oh * ow
        let scale = 1 / Float(kernel * kernel)
        let dx = inputGradient.get(planes * inPlane)
        dx.zero()
        for plane in 0..<planes {
            let d = dx.pointer + plane * inPlane
            let dy = gradOutput.pointer + plane * outPlane
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let share = dy[oy * ow + ox] * scale
                    for ky in 0..<kernel {
                        let iy = oy * stride + ky - padding
                        if iy < 0 || iy >= g.height { continue }
                        for kx in 0..<kernel {
                            let ix = ox * stride + kx - padding
                            if ix >= 0 && ix < g.width { d[iy * g.width + ix] += share }
                        }
                    }
                }
            }
        }
        return Activation(buffer: dx, batch: gradOutput.batch, shape: inputShape)
    }
}
