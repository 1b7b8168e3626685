/// The shape of one example's features. Spatial activations of a batch are stored channel-major,
/// `[C, N, H, W]`, so a convolution over the whole batch is one GEMM and each channel is contiguous;
/// flat activations are `[N, F]`, as PyTorch's linear layers see them.
public enum Shape: Equatable, Sendable, CustomStringConvertible {
    case spatial(channels: Int, height: Int, width: Int)
    case flat(features: Int)

    public var count: Int {
        switch self {
        case .spatial(let c, let h, let w): return c * h * w
        case .flat(let f): return f
        }
    }

    public var description: String {
        switch self {
        case .spatial(let c, let h, let w): return "\(c)×\(h)×\(w)"
        case .flat(let f): return "\(f)"
        }
    }
}

/// A batch of activations: `batch` examples of `shape`, in the layout `Shape` describes.
public struct Activation {
    public var buffer: Buffer
    public var batch: Int
    public var shape: Shape

    public init(buffer: Buffer, batch: Int, shape: Shape) {
        precondition(
            buffer.count == batch * shape.count, "activation buffer does not match \(batch) × \(shape)")
        self.buffer = buffer
        self.batch = batch
        self.shape = shape
    }

    public var pointer: UnsafeMutablePointer<Float> { buffer.pointer }
    public var count: Int { buffer.count }
}
