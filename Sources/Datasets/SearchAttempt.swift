/// One place that was searched for a dataset, or one mirror a file was downloaded from,
/// and why it did not provide a valid copy.
public struct SearchAttempt: Sendable, Equatable, CustomStringConvertible {
    /// The place, e.g. "--data-dir /data/mnist" or "mirror https://…/train-images-idx3-ubyte.gz".
    public var place: String
    /// Why it was not used, e.g. "directory does not exist".
    public var problem: String

    public init(place: String, problem: String) {
        self.place = place
        self.problem = problem
    }

    public var description: String { "\(place): \(problem)" }
}
