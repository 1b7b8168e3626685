import Document
import XCTest

/// Shorthands used across the Document tests.
extension ParsedDocument {
    /// Parses `source` as `answers.md`.
    static func parsing(_ source: String) -> (ParsedDocument, [Diagnostic]) {
        parse(source: source, path: "answers.md")
    }

    /// The original text of each expression segment.
    var expressionTexts: [String] { expressions.map(\.original) }
}

extension Array where Element == Diagnostic {
    /// `line:column: severity: message` for each diagnostic, for compact assertions.
    var summaries: [String] {
        map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    }
}
