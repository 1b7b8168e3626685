/// The assignment's network and its variants, written in the same layer vocabulary as a document.
/// Written for 28×28 images, they adapt to other shapes as a layer list does: the input channels come
/// from the dataset, the first linear layer takes whatever the last pooling leaves, and the last one has
/// one output per class. An image too small for their convolutions and poolings is refused by `modelSize`.
/// `width` multiplies the channels of both convolutions and the first linear layer; `dropout` is the
/// rate of the dropout before the last linear layer; `convDropout` the rate of the dropout that the
/// batch-norm variants put next to the first batch norm.
public enum BuiltinModel: String, CaseIterable, Sendable {
    case `default`
    case batchnorm = "batchnorm"
    case batchnormDropout = "batchnorm-dropout"
    case dropoutBatchnorm = "dropout-batchnorm"
    case extraConv = "extra-conv"
    case noHidden = "no-hidden"
    case strong

    public var summary: String {
        switch self {
        case .default: return "the assignment's network: two 5×5 convolutions, max pooling, two linear layers"
        case .batchnorm: return "default with batch norm after the first convolution"
        case .batchnormDropout: return "batchnorm with dropout right after that batch norm"
        case .dropoutBatchnorm: return "batchnorm-dropout with the batch norm moved below the dropout"
        case .extraConv: return "default with a third (3×3, padded) convolution after the second"
        case .noHidden: return "default without the hidden linear layer (flatten → linear 10)"
        case .strong:
            return
                "three 3×3 conv–batch-norm–ReLU–pool blocks (32, 64, 128 channels) and a 256-unit head with dropout"
        }
    }

    public func layers(width: Double = 1, dropout: Double = 0.5, convDropout: Double = 0.5, classes: Int = 10)
        -> [LayerSpec]
    {
        func scaled(_ n: Int) -> Int { max(1, Int((Double(n) * width).rounded())) }
        let c1 = scaled(10)
        let c2 = scaled(20)
        let hidden = scaled(50)
        let conv1: [LayerSpec] = [.conv(out: c1, kernel: 5, stride: 1, padding: 0, bias: true)]
        let block1Tail: [LayerSpec] = [.maxpool(kernel: 2, stride: 2, padding: 0), .relu]
        let block2: [LayerSpec] = [
            .conv(out: c2, kernel: 5, stride: 1, padding: 0, bias: true),
            .maxpool(kernel: 2, stride: 2, padding: 0), .relu,
        ]
        let head: [LayerSpec] = [
            .flatten, .linear(out: hidden, bias: true), .relu, .dropout(dropout),
            .linear(out: classes, bias: true), .logSoftmax,
        ]
        switch self {
        case .default: return conv1 + block1Tail + block2 + head
        case .batchnorm: return conv1 + [.batchnorm] + block1Tail + block2 + head
        case .batchnormDropout:
            return conv1 + [.batchnorm, .dropout(convDropout)] + block1Tail + block2 + head
        case .dropoutBatchnorm:
            return conv1 + [.dropout(convDropout), .batchnorm] + block1Tail + block2 + head
        case .extraConv:
            return conv1 + block1Tail + block2 + [
                .conv(out: c2, kernel: 3, stride: 1, padding: 1, bias: true), .relu,
            ] + head
        case .noHidden:
            return conv1 + block1Tail + block2 + [.flatten, .linear(out: classes, bias: true), .logSoftmax]
        case .strong:
            let a = scaled(32)
            let b = scaled(64)
            let c = scaled(128)
            let f = scaled(256)
            func block(_ n: Int) -> [LayerSpec] {
                [
                    .conv(out: n, kernel: 3, stride: 1, padding: 1, bias: false), .batchnorm, .relu,
                    .maxpool(kernel: 2, stride: 2, padding: 0),
                ]
            }
            return block(a) + block(b) + block(c)
                + [
                    .flatten, .dropout(dropout), .linear(out: f, bias: false), .batchnorm, .relu,
                    .dropout(dropout),
                    .linear(out: classes, bias: true), .logSoftmax,
                ]
        }
    }
}
