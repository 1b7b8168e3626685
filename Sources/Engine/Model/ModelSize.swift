/// What a layer list costs, computed from shapes alone: nothing is allocated, and every product is
/// checked for overflow. Planning uses it to validate a document; `Network` runs it before building,
/// so an impossible or enormous model is an error, never an allocation.
public struct ModelSize: Equatable, Sendable {
    /// The shape of one image after the last layer.
    public var outputShape: Shape
    /// Learnable values, as `Network.parameterCount` counts them.
    public var parameters = 0
    /// Forward multiply-accumulates per image of the convolutions and linear layers.
    public var macsPerImage = 0
    /// Floats of layer outputs one image produces in a forward pass (each layer's output, summed).
    public var activationsPerImage = 0
    /// The largest column matrix (im2col) of one image of any convolution, in floats.
    public var columnsPerImage = 0

    /// Forward floating-point operations per image (2 per multiply-accumulate), as `Network.flopsPerImage`.
    public var flopsPerImage: Int { 2 &* macsPerImage }

    /// The size of `specs` on inputs of `input`; throws a `SpecError` naming the layer for impossible
    /// shapes and for sizes that do not fit in an `Int`.
    public init(specs: [LayerSpec], input: Shape) throws {
        outputShape = input
        try add(specs, path: "")
    }

    /// Bytes of activations, their gradients and the convolution workspace that one batch needs.
    public func activationBytes(batch: Int) throws -> Int {
        let outputs = try Checked.product([batch, activationsPerImage, 2], "the activations of one batch")
        let total = try Checked.sum(
            [outputs, try Checked.product([columnsPerImage, 2], "a convolution's workspace")],
            "the activations of one batch")
        return try Checked.product([total, MemoryLayout<Float>.size], "the activations of one batch")
    }

    private mutating func add(_ specs: [LayerSpec], path: String) throws {
        for (index, spec) in specs.enumerated() {
            try add(spec, place: "layer \(path)\(index + 1) (\(spec))", path: "\(path)\(index + 1).")
        }
    }

    private mutating func add(_ spec: LayerSpec, place: String, path: String) throws {
        let input = outputShape
        func spatial() throws -> (Int, Int, Int) {
            guard case .spatial(let c, let h, let w) = input else {
                throw SpecError(
                    "\(place) needs an image-shaped input (channels × height × width) but gets \(input) features; put it before 'flatten'"
                )
            }
            return (c, h, w)
        }
        /// The output height and width of a window sliding over the input.
        func window(_ kernel: Int, _ stride: Int, _ padding: Int, _ h: Int, _ w: Int) throws -> (Int, Int) {
            guard kernel >= 1, stride >= 1, padding >= 0 else {
                throw SpecError("\(place): kernel and stride must be positive and padding zero or more")
            }
            // Written so that nothing overflows: padding ≤ kernel / 2 makes `kernel - 2 * padding` safe.
            if padding > kernel / 2 {
                throw SpecError("\(place): padding \(padding) is more than half the kernel \(kernel)")
            }
            let reach = kernel - 2 * padding
            if reach > h || reach > w {
                throw SpecError(
                    "\(place): kernel \(kernel) is larger than its \(h)×\(w) input\(padding > 0 ? " padded by \(padding)" : "")"
                )
            }
            return ((h - reach) / stride + 1, (w - reach) / stride + 1)
        }
        func size(_ factors: [Int]) throws -> Int { try Checked.product(factors, place) }
        let output: Shape
        switch spec {
        case .conv(let out, let kernel, let stride, let padding, let bias):
            let (c, h, w) = try spatial()
            guard out >= 1 else { throw SpecError("\(place): needs at least one output channel") }
            let (oh, ow) = try window(kernel, stride, padding, h, w)
            let rows = try size([c, kernel, kernel])
            let weights = try size([out, rows])
            parameters = try Checked.sum([parameters, weights, bias ? out : 0], place)
            let outputs = try size([out, oh, ow])
            macsPerImage = try Checked.sum([macsPerImage, try size([outputs, rows])], place)
            columnsPerImage = max(columnsPerImage, try size([rows, oh, ow]))
            output = .spatial(channels: out, height: oh, width: ow)
        case .maxpool(let kernel, let stride, let padding), .avgpool(let kernel, let stride, let padding):
            let (c, h, w) = try spatial()
            let (oh, ow) = try window(kernel, stride, padding, h, w)
            output = .spatial(channels: c, height: oh, width: ow)
        case .globalAvgpool:
            let (c, h, w) = try spatial()
            guard h == w else {
                throw SpecError("\(place): global average pooling needs a square input, gets \(input)")
            }
            output = .spatial(channels: c, height: 1, width: 1)
        case .relu, .dropout, .dropout2d:
            output = input
        case .batchnorm:
            let channels: Int
            switch input {
            case .spatial(let c, _, _): channels = c
            case .flat(let f): channels = f
            }
            parameters = try Checked.sum([parameters, try size([channels, 2])], place)
            output = input
        case .linear(let out, let bias):
            guard case .flat(let features) = input else {
                throw SpecError("\(place) needs flat features but gets \(input); put 'flatten' before it")
            }
            guard out >= 1 else { throw SpecError("\(place): needs at least one output feature") }
            let weights = try size([features, out])
            parameters = try Checked.sum([parameters, weights, bias ? out : 0], place)
            macsPerImage = try Checked.sum([macsPerImage, weights], place)
            output = .flat(features: out)
        case .flatten:
            output = .flat(features: try size(input.dimensions))
        case .logSoftmax:
            guard case .flat = input else {
                throw SpecError("\(place) needs flat features; put 'flatten' before it")
            }
            output = input
        case .residual(let inner):
            try add(inner, path: path)
            guard outputShape == input else {
                throw SpecError(
                    "\(place): the residual branch turns \(input) into \(outputShape); it must keep the shape"
                )
            }
            output = input
        }
        activationsPerImage = try Checked.sum([activationsPerImage, try size(output.dimensions)], place)
        outputShape = output
    }
}

extension Shape {
    /// The dimensions of one example: `[C, H, W]` or `[F]`.
    var dimensions: [Int] {
        switch self {
        case .spatial(let c, let h, let w): return [c, h, w]
        case .flat(let f): return [f]
        }
    }
}

/// Size arithmetic that reports overflow as a `SpecError` instead of trapping.
enum Checked {
    static func product(_ factors: [Int], _ what: String) throws -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow {
                throw SpecError(
                    "\(what): size \(factors.map(String.init).joined(separator: " × ")) does not fit in 64 bits"
                )
            }
            result = value
        }
        return result
    }

    static func sum(_ terms: [Int], _ what: String) throws -> Int {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(term)
            if overflow { throw SpecError("\(what): size does not fit in 64 bits") }
            result = value
        }
        return result
    }
}
