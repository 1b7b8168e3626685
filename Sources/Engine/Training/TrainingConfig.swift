import Datasets

/// Which network to train: a built-in model (with `width`, `dropout`, `conv_dropout`) or a layer list.
public enum ModelChoice: Equatable, Sendable {
    case builtin(BuiltinModel)
    case layers([LayerSpec])
}

/// Data augmentation, off by default: random crop with zero padding of `crop` pixels, horizontal flip,
/// random erasing (Zhong et al., 2020) of one rectangle with probability `erase`.
public struct Augmentation: Equatable, Sendable {
    public var crop = 0
    public var flip = false
    public var erase: Double = 0
    public init() {}
    public var isOff: Bool { crop == 0 && !flip && erase == 0 }
}

/// How pixels become inputs: `default` is the assignment's (x/255 − 0.1307)/0.3081 for both datasets;
/// `dataset` uses each dataset's own mean and standard deviation.
public enum Normalization: String, Sendable, CaseIterable {
    case standard = "default"
    case dataset
}

/// Everything that defines one training run. Defaults are the assignment's: the default model,
/// batch size 256, SGD with lr 0.01 and momentum 0.5, 10 epochs, seed 1.
public struct TrainingConfig: Equatable, Sendable {
    /// The dataset as the experiment names it (part of the run's identity).
    public var dataset: DatasetID = .mnist
    /// What that dataset is: its sample shape and classes decide the network's input and output, its
    /// content hash the run key. Set with `dataset` (the resolver does it for a declared dataset).
    public var data = DatasetDescription.mnist
    public var model: ModelChoice = .builtin(.default)
    public var width: Double = 1
    public var dropout: Double = 0.5
    public var convDropout: Double = 0.5
    public var epochs = 10
    public var batchSize = 256
    public var optimizer = OptimizerKind.sgd
    /// nil: the optimizer's default (0.01 for SGD and RMSprop, 0.001 for Adam and AdamW).
    public var learningRate: Double?
    /// nil: 0.5 for SGD (the assignment's), 0 for RMSprop (PyTorch's).
    public var momentum: Double?
    public var nesterov = false
    /// nil: 0, or 0.01 for AdamW (PyTorch's).
    public var weightDecay: Double?
    public var beta1 = 0.9, beta2 = 0.999, alpha = 0.99, epsilon = 1e-8
    public var schedule = Schedule.constant
    public var stepSize = 1
    public var gamma = 0.1
    public var labelSmoothing: Double = 0
    public var augment = Augmentation()
    public var normalize = Normalization.standard
    public var seed: UInt64 = 1
    public var trainSamples: Int?
    public var valSamples: Int?
    /// Held out of the training data as the validation set, drawn from the seed: a fraction below 1 or a
    /// number of samples. nil: the test set is the validation set (the assignment's way). With it, `val_*`
    /// metrics are on the held-out part every epoch and `test_*` on the test set after the last epoch.
    public var validation: Double?
    public var logInterval = 100

    public init() {}

    /// How many of `count` training samples `validation` holds out (nil without a split).
    public func heldOutCount(of count: Int) -> Int? {
        guard let validation else { return nil }
        return validation < 1 ? Int((Double(count) * validation).rounded()) : Int(validation)
    }

    public var resolvedLearningRate: Double { learningRate ?? optimizer.defaultLearningRate }
    public var resolvedMomentum: Double { momentum ?? (optimizer == .sgd ? 0.5 : 0) }
    public var resolvedWeightDecay: Double { weightDecay ?? optimizer.defaultWeightDecay }

    public var optimizerSettings: OptimizerSettings {
        var s = OptimizerSettings()
        s.kind = optimizer
        s.momentum = resolvedMomentum
        s.nesterov = nesterov
        s.weightDecay = resolvedWeightDecay
        s.beta1 = beta1
        s.beta2 = beta2
        s.alpha = alpha
        s.epsilon = epsilon
        return s
    }

    /// The layer list this configuration trains.
    public var layers: [LayerSpec] {
        switch model {
        case .builtin(let m):
            return m.layers(width: width, dropout: dropout, convDropout: convDropout, classes: data.classes)
        case .layers(let specs): return specs
        }
    }

    /// The input every model of this dataset reads: `channels × height × width` images, or a table's
    /// row of features as a flat vector.
    public var inputShape: Shape {
        let s = data.shape
        return s.tabular
            ? .flat(features: s.channels) : .spatial(channels: s.channels, height: s.rows, width: s.cols)
    }

    /// The size of the network this configuration trains, computed without building it; throws a
    /// `SpecError` for impossible shapes, a model that does not end in one output per class, and sizes
    /// over `Limits`.
    public func modelSize() throws -> ModelSize {
        let classes = data.classes
        let size: ModelSize
        do {
            size = try ModelSize(specs: layers, input: inputShape)
        } catch let error as SpecError {
            // A built-in network was written for 28×28 images; other shapes either fit or are refused here.
            guard case .builtin(let m) = model, data.shape != .mnist else { throw error }
            if data.shape.tabular {
                throw SpecError(
                    "the built-in model '\(m.rawValue)' takes images; dataset '\(dataset)' is a table (\(data.shape)): write a list of layers, e.g. [linear: 64, relu, linear: \(data.classes)]"
                )
            }
            throw SpecError(
                "the built-in model '\(m.rawValue)' needs larger images than dataset '\(dataset)' has (\(data.shape)): \(error.message); write a list of layers for this shape"
            )
        }
        if case .flat(let f) = size.outputShape {
            if f != classes {
                throw SpecError(
                    "the model ends with \(f) outputs; it needs \(classes), one per class of '\(dataset)' (end with 'linear: \(classes)')"
                )
            }
        } else {
            throw SpecError(
                "the model ends with an image-shaped output; add 'flatten' and 'linear: \(classes)'")
        }
        if size.parameters > Limits.parameters {
            throw SpecError(
                "the model has \(size.parameters.grouped) parameters; the limit is \(Limits.parameters.grouped)"
            )
        }
        let bytes = try size.activationBytes(batch: batchSize)
        if bytes > Limits.activationBytes {
            throw SpecError(
                "a batch of \(batchSize) needs \(bytes.gibibytes) of activations; the limit is \(Limits.activationBytes.gibibytes) (use a smaller model or batch_size)"
            )
        }
        return size
    }

    /// Builds the network for the dataset's input shape; throws a `SpecError` for impossible shapes or sizes.
    public func makeNetwork(threads: Int = 1) throws -> Network {
        _ = try modelSize()
        var specs = layers
        if specs.last != .logSoftmax { specs.append(.logSoftmax) }
        return try Network(specs: specs, input: inputShape, seed: seed, threads: threads)
    }
}

extension Int {
    /// `100000000` → `100,000,000`.
    public var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }

    /// Bytes as GiB with one decimal: `8.0 GiB`.
    var gibibytes: String {
        let tenths = Int((Double(self) / Double(1 << 30) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) GiB"
    }
}
