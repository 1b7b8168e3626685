/// The training engine's public facts.
public enum Engine {
    /// Changes whenever the engine would produce different numbers for the same configuration
    /// (a kernel's summation order, an initialisation, a default). Run cache keys include it, so a
    /// change retrains exactly what it affects: everything.
    public static let numericsVersion = 4
}

/// The largest model and run the engine accepts. Each is far above what the bundled report uses
/// (its largest model has 420,000 parameters) and far below what would exhaust a machine, so a
/// mistyped size is an error that states the limit, never an allocation of many gigabytes.
public enum Limits {
    /// Learnable values of one network (400 MB of weights, as much again of gradients).
    public static let parameters = 100_000_000
    /// Bytes of activations, their gradients and convolution workspace for one batch.
    public static let activationBytes = 8 << 30
    /// Threads one run splits its batches across.
    public static let threads = 256
    /// Epochs of one run.
    public static let epochs = 100_000
    /// Images per batch.
    public static let batchSize = 65_536
    /// Output channels or features of one layer, and a layer's kernel, stride and padding.
    public static let layerSize = 1_000_000
}
