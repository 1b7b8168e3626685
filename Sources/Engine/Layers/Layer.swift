/// A layer is a forward/backward pair. Forward keeps only what backward needs; backward
/// accumulates parameter gradients with `+=` and returns the gradient of its input.
public protocol Layer: AnyObject {
    /// The shape of one output example.
    var outputShape: Shape { get }
    var parameters: [Parameter] { get }
    /// Running statistics and other non-learned state saved in checkpoints (batch norm).
    var buffers: [(name: String, buffer: Buffer)] { get }
    /// Multiply-accumulates per example in the forward pass, for the FLOP count.
    var forwardMACs: Int { get }

    func forward(_ input: Activation, context: inout ForwardContext) -> Activation
    /// `needsInputGradient` is false for the first layer: its input gradient is never used.
    func backward(_ gradOutput: Activation, needsInputGradient: Bool) -> Activation?
    /// How many threads the next passes split across (between batches only; results do not depend on it).
    func setThreads(_ threads: Int)
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [(name: String, buffer: Buffer)] { [] }
    public var forwardMACs: Int { 0 }
    public func setThreads(_ threads: Int) {}
}

/// What a forward pass needs besides the input: the mode and the random stream for dropout and noise.
public struct ForwardContext {
    public var training: Bool
    public var random: Random

    public init(training: Bool, random: Random) {
        self.training = training
        self.random = random
    }
}
