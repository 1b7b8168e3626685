/// A model or configuration the engine cannot train: an impossible shape, or a size over one of the
/// `Limits`. The message names the layer; the caller knows where in its input the model came from.
public struct SpecError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
