import Document
import Suggestions
import Yams

/// What the document says about metrics its commands record, where their names do not say it: a
/// ```` ```metrics ```` block,
///
/// ```yaml
/// bleu: {better: higher, format: number}
/// wer: {better: lower, format: percent}
/// val_f1: higher
/// ```
///
/// `better` decides `best.<metric>`; `format` how a value prints without a format of its own
/// (`percent`: a fraction shown as a percentage, `duration`: seconds, `number`: four decimals). A
/// metric named like an accuracy, a score, a loss, an error or a time (`*_s`) needs no declaration.
public struct MetricDeclarations: Sendable, Equatable {
    public struct Declaration: Sendable, Equatable {
        public var higherIsBetter: Bool?
        public var kind: RunValue.Kind?
    }

    public var byName: [String: Declaration] = [:]

    public init() {}

    public static let none = MetricDeclarations()

    /// Whether a larger value is better: declared, else as the name says (nil: it does not).
    public func higherIsBetter(_ metric: String) -> Bool? {
        byName[metric]?.higherIsBetter ?? RunValue.higherIsBetter(metric)
    }

    /// How a value prints by default: declared, else as the name says.
    public func kind(ofMetric metric: String) -> RunValue.Kind {
        byName[metric]?.kind ?? RunValue.kind(ofMetric: metric)
    }

    static let formats: [String: RunValue.Kind] = [
        "percent": .fraction, "duration": .seconds, "number": .loss,
    ]

    /// Reads every ```` ```metrics ```` block of a document; problems go to `diagnostics`.
    static func parse(_ document: ParsedDocument, diagnostics: inout DiagnosticList) -> MetricDeclarations {
        var declarations = MetricDeclarations()
        var seen: [String: SourceLocation] = [:]
        for segment in document.segments {
            guard case .directive(let d) = segment, d.kind == .metrics else { continue }
            for entry in d.entries {
                let name = entry.key
                guard CommandSpec.isPlaceholderName(name), !name.contains("-"),
                    !RunValue.metrics.contains(name), !RunValue.measured.contains(name)
                else {
                    diagnostics.append(
                        Diagnostic.error(
                            "'\(name)' cannot be declared: declare the metrics your commands record, like 'bleu: higher'",
                            file: d.file, at: entry.keyLocation, length: name.count))
                    continue
                }
                if let first = seen[name] {
                    diagnostics.append(
                        Diagnostic.error(
                            "'\(name)' is declared twice", file: d.file, at: entry.keyLocation,
                            length: name.count,
                            notes: [Diagnostic.note("first declared here", file: d.file, at: first)]))
                    continue
                }
                seen[name] = entry.keyLocation
                var declaration = Declaration()
                func better(_ node: Node) {
                    switch node.scalar?.string {
                    case "higher": declaration.higherIsBetter = true
                    case "lower": declaration.higherIsBetter = false
                    default:
                        diagnostics.append(d.diagnostic("'better' is higher or lower", at: node))
                    }
                }
                if entry.value.scalar != nil {
                    better(entry.value)
                } else if let mapping = entry.value.mapping {
                    for (keyNode, valueNode) in mapping {
                        switch keyNode.scalar?.string ?? "" {
                        case "better": better(valueNode)
                        case "format":
                            if let kind = valueNode.scalar.flatMap({ Self.formats[$0.string] }) {
                                declaration.kind = kind
                            } else {
                                diagnostics.append(
                                    d.diagnostic("'format' is percent, duration or number", at: valueNode))
                            }
                        case let other:
                            let hint = didYouMean(other, among: ["better", "format"])
                            diagnostics.append(
                                d.diagnostic(
                                    "unknown key '\(other)' for metric '\(name)'\(hint); it takes better and format",
                                    at: keyNode))
                        }
                    }
                } else {
                    diagnostics.append(
                        d.diagnostic(
                            "declare a metric as 'higher', 'lower' or {better: higher, format: percent}",
                            at: entry.value))
                }
                declarations.byName[name] = declaration
            }
        }
        return declarations
    }
}
