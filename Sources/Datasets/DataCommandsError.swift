/// One or more datasets could not be fetched; each failure is a full, actionable message.
public struct DataCommandsError: Error, CustomStringConvertible {
    public var failures: [String]

    public var description: String { failures.joined(separator: "\n\n") }
}
