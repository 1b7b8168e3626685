/// One problem found in a document, reported the way a compiler reports it:
/// `report/answers.md:42:7: error: unknown key 'learnig_rate' in experiment 'q3' (did you mean 'lr'?)`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        case error, warning, note
    }

    /// Path of the document, as it should be printed.
    public var file: String
    /// Where the problem starts.
    public var location: SourceLocation
    /// How many columns the problem spans (at least 1); rendered as `^~~~`.
    public var length: Int
    public var severity: Severity
    public var message: String
    /// Further explanation attached to this diagnostic (for example "first defined here"),
    /// printed right after it and kept with it when diagnostics are sorted.
    public var notes: [Diagnostic]

    public init(
        file: String, location: SourceLocation, length: Int = 1, severity: Severity = .error, message: String,
        notes: [Diagnostic] = []
    ) {
        self.file = file
        self.location = location
        self.length = max(length, 1)
        self.severity = severity
        self.message = message
        self.notes = notes
    }

    /// Creates an error.
    public static func error(
        _ message: String, file: String, at location: SourceLocation, length: Int = 1,
        notes: [Diagnostic] = []
    ) -> Diagnostic {
        Diagnostic(
            file: file, location: location, length: length, severity: .error, message: message, notes: notes)
    }

    /// Creates a warning.
    public static func warning(
        _ message: String, file: String, at location: SourceLocation, length: Int = 1,
        notes: [Diagnostic] = []
    ) -> Diagnostic {
        Diagnostic(
            file: file, location: location, length: length, severity: .warning, message: message, notes: notes
        )
    }

    /// Creates a note.
    public static func note(_ message: String, file: String, at location: SourceLocation, length: Int = 1)
        -> Diagnostic
    {
        Diagnostic(file: file, location: location, length: length, severity: .note, message: message)
    }

    /// The one-line header: `file:line:column: severity: message` (notes not included).
    public var description: String {
        "\(file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }
}
