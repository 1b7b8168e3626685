/// A sequence of layers built from specs with shape inference: each layer's input shape is the
/// previous layer's output. Building throws a `SpecError` naming the layer for impossible shapes
/// (checked by `ModelSize` before anything is allocated).
public final class Network {
    public let specs: [LayerSpec]
    public let inputShape: Shape
    public let layers: [Layer]
    /// What forward and backward run: `layers`, with each batch norm → ReLU → 2×2 max pool run replaced by
    /// one fused `BatchNormReLUPool` (the same results without the full-size tensors between them), each
    /// im2col convolution → 2×2 max pool → ReLU by one `ConvPoolReLU`, and each other 2×2 max pool → ReLU
    /// by one `MaxPoolReLU` (these two bit for bit the layers' results).
    let stages: [Layer]

    /// `threads`: how many cores the layers split each batch across.
    public init(specs: [LayerSpec], input: Shape, seed: UInt64, threads: Int = 1) throws {
        // Shapes and sizes first, from arithmetic alone: nothing is allocated for an impossible model.
        _ = try ModelSize(specs: specs, input: input)
        var random = Random(seed: seed, stream: 1)
        self.specs = specs
        inputShape = input
        layers = Network.build(specs, input: input, threads: threads, random: &random)
        stages = Network.fuse(layers, threads: threads)
    }

    /// `layers` with every batch norm → ReLU → 2×2 stride-2 max pool run, every im2col convolution → such
    /// max pool → ReLU, and every other such max pool → ReLU as one fused layer.
    static func fuse(_ layers: [Layer], threads: Int) -> [Layer] {
        var stages: [Layer] = []
        var i = 0
        while i < layers.count {
            if i + 2 < layers.count,
                let fused = BatchNormReLUPool(layers[i], layers[i + 1], layers[i + 2], threads: threads)
            {
                stages.append(fused)
                i += 3
            } else if i + 2 < layers.count,
                let fused = ConvPoolReLU(layers[i], layers[i + 1], layers[i + 2], threads: threads)
            {
                stages.append(fused)
                i += 3
            } else if i + 1 < layers.count,
                let fused = MaxPoolReLU(layers[i], layers[i + 1], threads: threads)
            {
                stages.append(fused)
                i += 2
            } else {
                stages.append(layers[i])
                i += 1
            }
        }
        return stages
    }

    /// Builds the layers; `ModelSize` has already checked every shape, so a mismatch here is a bug.
    static func build(_ specs: [LayerSpec], input: Shape, threads: Int, random: inout Random) -> [Layer] {
        var shape = input
        var layers: [Layer] = []
        for spec in specs {
            let layer = make(spec, input: shape, threads: threads, random: &random)
            layers.append(layer)
            shape = layer.outputShape
        }
        return layers
    }

    private static func make(_ spec: LayerSpec, input: Shape, threads: Int, random: inout Random) -> Layer {
        switch spec {
        case .conv(let out, let kernel, let stride, let padding, let bias):
            return Conv2d(
                input: input, outputChannels: out, kernel: kernel, stride: stride, padding: padding,
                bias: bias, threads: threads, random: &random)
        case .maxpool(let kernel, let stride, let padding):
            return MaxPool2d(input: input, kernel: kernel, stride: stride, padding: padding, threads: threads)
        case .avgpool(let kernel, let stride, let padding):
            return AvgPool2d(input: input, kernel: kernel, stride: stride, padding: padding)
        case .globalAvgpool:
            guard case .spatial(_, let h, _) = input else {
                preconditionFailure("global_avgpool after ModelSize accepted \(input)")
            }
            return AvgPool2d(input: input, kernel: h, stride: h, padding: 0)
        case .relu: return ReLU(input: input, threads: threads)
        case .dropout(let rate): return Dropout(input: input, rate: Float(rate), channelwise: false)
        case .dropout2d(let rate): return Dropout(input: input, rate: Float(rate), channelwise: true)
        case .batchnorm: return BatchNorm(input: input)
        case .linear(let out, let bias):
            return Linear(input: input, outputFeatures: out, bias: bias, threads: threads, random: &random)
        case .flatten: return Flatten(input: input)
        case .logSoftmax: return LogSoftmax(input: input)
        case .residual(let inner):
            return Residual(input: input, body: build(inner, input: input, threads: threads, random: &random))
        }
    }

    public var outputShape: Shape { layers.last?.outputShape ?? inputShape }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// Forward floating-point operations per image (2 per multiply-accumulate) of the convolutions and linear layers.
    public var flopsPerImage: Int { 2 * layers.reduce(0) { $0 + $1.forwardMACs } }

    /// How many cores the layers split the next batches across. Any count gives bit-identical results
    /// (fixed chunks, reduced in chunk order), so it may change between any two batches.
    public func setThreads(_ threads: Int) {
        for layer in layers { layer.setThreads(threads) }
        // The fused stages stand in for some of the layers and keep their own count.
        for stage in stages where !layers.contains(where: { $0 === stage }) { stage.setThreads(threads) }
    }

    /// input [C,N,H,W] → log-probabilities [N, classes].
    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        var x = input
        for stage in stages { x = stage.forward(x, context: &context) }
        return x
    }

    /// Accumulates every parameter gradient from the gradient of the output.
    public func backward(_ gradOutput: Activation) {
        var g = gradOutput
        for (index, stage) in stages.enumerated().reversed() {
            guard let next = stage.backward(g, needsInputGradient: index > 0) else { return }
            g = next
        }
    }

    /// Every saved tensor in a fixed order: parameters and running statistics, named `layer.name`.
    public var state: [(name: String, shape: [Int], buffer: Buffer)] {
        var out: [(String, [Int], Buffer)] = []
        func collect(_ layers: [Layer], prefix: String) {
            for (index, layer) in layers.enumerated() {
                let p = "\(prefix)\(index + 1)"
                if let residual = layer as? Residual {
                    collect(residual.body, prefix: "\(p).")
                    continue
                }
                for parameter in layer.parameters {
                    out.append(("\(p).\(parameter.name)", parameter.shape, parameter.value))
                }
                for (name, buffer) in layer.buffers { out.append(("\(p).\(name)", [buffer.count], buffer)) }
            }
        }
        collect(layers, prefix: "")
        return out
    }
}
