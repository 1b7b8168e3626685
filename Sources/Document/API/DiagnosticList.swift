/// Collects diagnostics for one document so that every problem is reported in a single pass.
///
/// ```swift
/// var diagnostics = DiagnosticList(file: document.path)
/// diagnostics.error("unknown key 'x'", at: entry.keyLocation, length: 1)
/// try diagnostics.throwIfErrors(source: document.source)
/// ```
public struct DiagnosticList: Sendable {
    /// The file that diagnostics made through `error(_:at:)` and friends refer to.
    public var file: String
    private var collected: [Diagnostic] = []

    public init(file: String, diagnostics: [Diagnostic] = []) {
        self.file = file
        self.collected = diagnostics
    }

    /// All diagnostics, ordered by file and position (diagnostics at the same position keep the order
    /// they were added in).
    public var diagnostics: [Diagnostic] { DiagnosticList.sorted(collected) }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { collected.contains { $0.severity == .error } }

    /// Number of errors collected.
    public var errorCount: Int { collected.filter { $0.severity == .error }.count }

    public var isEmpty: Bool { collected.isEmpty }

    public mutating func append(_ diagnostic: Diagnostic) { collected.append(diagnostic) }

    public mutating func append(contentsOf diagnostics: [Diagnostic]) {
        collected.append(contentsOf: diagnostics)
    }

    /// Records an error in `file`.
    public mutating func error(
        _ message: String, at location: SourceLocation, length: Int = 1, notes: [Diagnostic] = []
    ) {
        append(.error(message, file: file, at: location, length: length, notes: notes))
    }

    /// Records a warning in `file`.
    public mutating func warning(
        _ message: String, at location: SourceLocation, length: Int = 1, notes: [Diagnostic] = []
    ) {
        append(.warning(message, file: file, at: location, length: length, notes: notes))
    }

    /// A note in `file`, to attach to an error or warning.
    public func note(_ message: String, at location: SourceLocation, length: Int = 1) -> Diagnostic {
        .note(message, file: file, at: location, length: length)
    }

    /// Throws a `DiagnosticError` holding every diagnostic (warnings included) when there is an error.
    /// - Parameter source: the text of `file`, kept so that the error's description shows source lines.
    /// - Throws: `DiagnosticError` when the list holds an error.
    public func throwIfErrors(source: String? = nil) throws {
        guard hasErrors else { return }
        throw DiagnosticError(diagnostics: diagnostics, sources: source.map { [file: $0] } ?? [:])
    }

    /// `diagnostics` in file and position order, stable for equal positions.
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { left, right in
            if left.element.file != right.element.file { return left.element.file < right.element.file }
            if left.element.location != right.element.location {
                return left.element.location < right.element.location
            }
            return left.offset < right.offset
        }.map(\.element)
    }
}
