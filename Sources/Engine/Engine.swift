/// The training engine's public facts.
public enum Engine {
    /// Changes whenever the engine would produce different numbers for the same configuration
    /// (a kernel's summation order, an initialisation, a default). Run cache keys include it, so a
    /// change retrains exactly what it affects: everything.
    public static let numericsVersion = 2
}
