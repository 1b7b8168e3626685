/// Every diagnostic from a pass over one or more documents, thrown when at least one is an error.
///
/// Its `description` renders each diagnostic with its source line when the source is known, followed
/// by a count, ready to print before exiting.
public struct DiagnosticError: Error, CustomStringConvertible, Sendable {
    /// The diagnostics, in the order they should be printed.
    public var diagnostics: [Diagnostic]
    /// Document text by file path, used to show source lines; files missing here print headers only.
    public var sources: [String: String]

    public init(diagnostics: [Diagnostic], sources: [String: String] = [:]) {
        self.diagnostics = diagnostics
        self.sources = sources
    }

    public var description: String {
        var cache: [String: SourceText] = [:]
        var blocks: [String] = []
        for diagnostic in diagnostics {
            if let source = sources[diagnostic.file] {
                let lines = cache[diagnostic.file] ?? SourceText(source)
                cache[diagnostic.file] = lines
                blocks.append(diagnostic.rendered(lines: lines))
            } else {
                blocks.append(([diagnostic] + diagnostic.notes).map(\.description).joined(separator: "\n"))
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        blocks.append(errors == 1 ? "1 error generated." : "\(errors) errors generated.")
        return blocks.joined(separator: "\n")
    }
}
