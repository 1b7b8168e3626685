/// A sequence of layers built from specs with shape inference: each layer's input shape is the
/// previous layer's output. Building throws a `SpecError` naming the layer for impossible shapes
/// (checked by `ModelSize` before anything is allocated).
public final class Network {
    public let specs: [LayerSpec]
    public let inputShape: Shape
    public let layers: [Layer]

    /// `threads`: how many cores the layers split each batch across.
    public init(specs: [LayerSpec], input: Shape, seed: UInt64, threads: Int = 1) throws {
        // Shapes and sizes first, from arithmetic alone: nothing is allocated for an impossible model.
        _ = try ModelSize(specs: specs, input: input)
        var random = Random(seed: seed, stream: 1)
        self.specs = specs
        inputShape = input
        layers = try Network.build(specs, input: input, threads: threads, random: &random, path: "")
    }

    static func build(_ specs: [LayerSpec], input: Shape, threads: Int, random: inout Random, path: String) throws -> [Layer] {
        var shape = input
        var layers: [Layer] = []
        for (index, spec) in specs.enumerated() {
            let where_ = "layer \(path)\(index + 1) (\(spec))"
            let layer = try make(spec, input: shape, threads: threads, random: &random, where_: where_, path: "\(path)\(index + 1).")
            layers.append(layer)
            shape = layer.outputShape
        }
        return layers
    }

    private static func make(_ spec: LayerSpec, input: Shape, threads: Int, random: inout Random, where_: String, path: String) throws -> Layer {
        func spatial() throws -> (Int, Int, Int) {
            guard case .spatial(let c, let h, let w) = input else {
                throw SpecError("\(where_) needs an image-shaped input (channels × height × width) but gets \(input) features; put it before 'flatten'")
            }
            return (c, h, w)
        }
        func window(_ kernel: Int, _ stride: Int, _ padding: Int, _ h: Int, _ w: Int) throws {
            if kernel > h + 2 * padding || kernel > w + 2 * padding {
                throw SpecError("\(where_): kernel \(kernel) is larger than its \(h)×\(w) input\(padding > 0 ? " padded by \(padding)" : "")")
            }
            if padding * 2 > kernel { throw SpecError("\(where_): padding \(padding) is more than half the kernel \(kernel)") }
        }
        switch spec {
        case .conv(let out, let kernel, let stride, let padding, let bias):
            let (_, h, w) = try spatial()
            try window(kernel, stride, padding, h, w)
            return Conv2d(input: input, outputChannels: out, kernel: kernel, stride: stride, padding: padding, bias: bias, threads: threads, random: &random)
        case .maxpool(let kernel, let stride, let padding):
            let (_, h, w) = try spatial()
            try window(kernel, stride, padding, h, w)
            return MaxPool2d(input: input, kernel: kernel, stride: stride, padding: padding, threads: threads)
        case .avgpool(let kernel, let stride, let padding):
            let (_, h, w) = try spatial()
            try window(kernel, stride, padding, h, w)
            return AvgPool2d(input: input, kernel: kernel, stride: stride, padding: padding)
        case .globalAvgpool:
            let (_, h, w) = try spatial()
            guard h == w else { throw SpecError("\(where_): global average pooling needs a square input, gets \(input)") }
            return AvgPool2d(input: input, kernel: h, stride: h, padding: 0)
        case .relu: return ReLU(input: input, threads: threads)
        case .dropout(let rate): return Dropout(input: input, rate: Float(rate), channelwise: false)
        case .dropout2d(let rate): return Dropout(input: input, rate: Float(rate), channelwise: true)
        case .batchnorm: return BatchNorm(input: input)
        case .linear(let out, let bias):
            guard case .flat = input else { throw SpecError("\(where_) needs flat features but gets \(input); put 'flatten' before it") }
            return Linear(input: input, outputFeatures: out, bias: bias, random: &random)
        case .flatten: return Flatten(input: input)
        case .logSoftmax:
            guard case .flat = input else { throw SpecError("\(where_) needs flat features; put 'flatten' before it") }
            return LogSoftmax(input: input)
        case .residual(let inner):
            let body = try build(inner, input: input, threads: threads, random: &random, path: path)
            let output = body.last?.outputShape ?? input
            guard output == input else {
                throw SpecError("\(where_): the residual branch turns \(input) into \(output); it must keep the shape")
            }
            return Residual(input: input, body: body)
        }
    }

    public var outputShape: Shape { layers.last?.outputShape ?? inputShape }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// Forward floating-point operations per image (2 per multiply-accumulate) of the convolutions and linear layers.
    public var flopsPerImage: Int { 2 * layers.reduce(0) { $0 + $1.forwardMACs } }

    /// input [C,N,H,W] → log-probabilities [N, classes].
    public func forward(_ input: Activation, context: inout ForwardContext) -> Activation {
        var x = input
        for layer in layers { x = layer.forward(x, context: &context) }
        return x
    }

    /// Accumulates every parameter gradient from the gradient of the output.
    public func backward(_ gradOutput: Activation) {
        var g = gradOutput
        for (index, layer) in layers.enumerated().reversed() {
            guard let next = layer.backward(g, needsInputGradient: index > 0) else { return }
            g = next
        }
    }

    /// Every saved tensor in a fixed order: parameters and running statistics, named `layer.name`.
    public var state: [(name: String, shape: [Int], buffer: Buffer)] {
        var out: [(String, [Int], Buffer)] = []
        func collect(_ layers: [Layer], prefix: String) {
            for (index, layer) in layers.enumerated() {
                let p = "\(prefix)\(index + 1)"
                if let residual = layer as? Residual { collect(residual.body, prefix: "\(p).") ; continue }
                for parameter in layer.parameters { out.append(("\(p).\(parameter.name)", parameter.shape, parameter.value)) }
                for (name, buffer) in layer.buffers { out.append(("\(p).\(name)", [buffer.count], buffer)) }
            }
        }
        collect(layers, prefix: "")
        return out
    }
}
