/// A learnable tensor and the gradient that backward passes accumulate into with `+=`.
/// Optimizers read `gradient`, update `value`, and zero `gradient` for the next step.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public let value: Buffer
    public let gradient: Buffer
    /// True for convolution and linear weights, false for biases and batch-norm scales. Informational:
    /// like PyTorch's optimizers by default, weight decay applies to every parameter.
    public let isWeight: Bool

    public init(name: String, shape: [Int], isWeight: Bool) {
        self.name = name
        self.shape = shape
        self.isWeight = isWeight
        let count = shape.reduce(1, *)
        value = Buffer(count: count)
        gradient = Buffer(count: count)
    }

    public var count: Int { value.count }

    /// PyTorch's default for Conv2d and Linear: uniform in ±1/√fan_in (kaiming_uniform with a = √5).
    func initializeUniform(fanIn: Int, random: inout Random) {
        let bound = 1 / Float(fanIn).squareRoot()
        for i in 0..<count { value[i] = random.uniform(-bound, bound) }
    }
}
