import Configuration
import Document
import Suggestions

/// Checks an inline expression before anything trains: every value reference names one run and a
/// value it has, every function exists with its number of arguments, and the parts fit together
/// (arithmetic and comparisons over values, `and` / `or` / `not` over comparisons, a claim that is
/// true or false, a value that is not).
struct ExpressionCheck {
    public let lookup: RunLookup
    public let file: String

    /// What a part computes, as far as it is known before the runs exist.
    private enum Shape { case value, number, truth }

    /// Appends a diagnostic for each problem of `expression`.
    public func check(_ expression: InlineExpression, diagnostics: inout DiagnosticList) {
        let shape = self.shape(of: expression.body, diagnostics: &diagnostics)
        if expression.isClaim && shape != .truth {
            diagnostics.append(
                Diagnostic.error(
                    "a claim must be a comparison, like '{{ assert q9.val_acc > q8.val_acc }}'; '\(expression.body.text)' is a value",
                    file: file, at: expression.body.location,
                    length: expression.body.text.unicodeScalars.count))
        } else if !expression.isClaim && shape == .truth {
            diagnostics.append(
                Diagnostic.error(
                    "'\(expression.body.text)' is true or false, not a value to print; write '{{ assert \(expression.body.text) }}' to check it",
                    file: file, at: expression.body.location,
                    length: expression.body.text.unicodeScalars.count))
        }
    }

    /// Checks one value reference: the run (or `report`) and the value path.
    public func check(_ reference: ValueReference, diagnostics: inout DiagnosticList) {
        if reference.run.id == ReportTotals.id && reference.run.selectors.isEmpty {
            if let problem = ReportTotals.problem(with: reference.path) {
                diagnostics.append(
                    Diagnostic.error(
                        problem, file: file, at: reference.pathLocation, length: reference.pathText.count))
            }
            return
        }
        if case .failure(let error) = lookup.singleUnit(
            id: reference.run.id, selectors: reference.run.selectors)
        {
            diagnostics.append(
                Diagnostic.error(
                    error.message, file: file, at: reference.run.location, length: reference.run.id.count))
        }
        let open = lookup.isCommand(reference.run.id, selectors: reference.run.selectors)
        if let problem = RunValue.problem(with: reference.path, open: open, declared: lookup.metrics) {
            diagnostics.append(
                Diagnostic.error(
                    problem, file: file, at: reference.pathLocation, length: reference.pathText.count))
        }
    }

    private func shape(of expression: ValueExpression, diagnostics: inout DiagnosticList) -> Shape {
        switch expression.node {
        case .value(let reference):
            check(reference, diagnostics: &diagnostics)
            return .value
        case .number:
            return .number
        case .negate(let operand):
            needNumber(operand, in: "'-'", diagnostics: &diagnostics)
            return .number
        case .not(let operand):
            needTruth(operand, in: "'not'", diagnostics: &diagnostics)
            return .truth
        case .call(let name, let arguments):
            if let arity = ExpressionEvaluator.functions[name] {
                if !arity.contains(arguments.count) {
                    let expected = arity.count == 1 ? "1 argument" : "at least \(arity.lowerBound) arguments"
                    diagnostics.append(
                        Diagnostic.error(
                            "'\(name)' takes \(expected), found \(arguments.count)", file: file,
                            at: expression.location, length: name.count))
                }
            } else {
                let names = ExpressionEvaluator.functions.keys.sorted()
                diagnostics.append(
                    Diagnostic.error(
                        "unknown function '\(name)'\(didYouMean(name, among: names)); functions are \(names.joined(separator: ", "))",
                        file: file, at: expression.location, length: name.count))
            }
            for argument in arguments { needNumber(argument, in: "'\(name)'", diagnostics: &diagnostics) }
            return .number
        case .binary(let op, let left, let right):
            if op.isLogical {
                needTruth(left, in: "'\(op.rawValue)'", diagnostics: &diagnostics)
                needTruth(right, in: "'\(op.rawValue)'", diagnostics: &diagnostics)
                return .truth
            }
            needNumber(left, in: "'\(op.rawValue)'", diagnostics: &diagnostics)
            needNumber(right, in: "'\(op.rawValue)'", diagnostics: &diagnostics)
            if op.isComparison { checkUnits(left, right, diagnostics: &diagnostics) }
            return op.isComparison ? .truth : .number
        }
    }

    /// An accuracy compared with a number above 1 (`val_acc > 80`) is true or false whatever the runs did:
    /// accuracies are fractions. An error that says so.
    private func checkUnits(
        _ left: ValueExpression, _ right: ValueExpression, diagnostics: inout DiagnosticList
    ) {
        for (value, number) in [(left, right), (right, left)] {
            guard let reference = value.reference, case .number(let n) = number.node, n > 1, n <= 100,
                let first = reference.path.first
            else { continue }
            var metric = first == "best" && reference.path.count > 1 ? reference.path[1] : first
            if let at = metric.firstIndex(of: "@") { metric = String(metric[..<at]) }
            guard RunValue.metrics.contains(metric), RunValue.kind(ofMetric: metric) == .fraction else {
                continue
            }
            let fraction = n / 100
            diagnostics.append(
                Diagnostic.error(
                    "\(number.text) looks like a percentage, but '\(metric)' is a fraction: write \(fraction.clean) (\(number.text)%)",
                    file: file, at: number.location, length: number.text.unicodeScalars.count))
        }
    }

    /// Whether a value path always names text: `label`, `machine`, a choice like `optimizer`.
    static func isText(_ path: [String]) -> Bool {
        guard path.count == 1 else { return false }
        if ["machine", "label", "id", "key"].contains(path[0]) { return true }
        switch SettingKey.named(path[0])?.kind {
        case .choice?, .dataset?, .flag?, .model?, .augment?: return true
        default: return false
        }
    }

    private func needNumber(_ operand: ValueExpression, in context: String, diagnostics: inout DiagnosticList)
    {
        if let reference = operand.reference, Self.isText(reference.path) {
            check(reference, diagnostics: &diagnostics)
            diagnostics.append(
                Diagnostic.error(
                    "\(context) needs a number; '\(reference)' is text", file: file,
                    at: reference.pathLocation,
                    length: reference.pathText.count))
            return
        }
        if shape(of: operand, diagnostics: &diagnostics) == .truth {
            diagnostics.append(
                Diagnostic.error(
                    "\(context) needs a number; '\(operand.text)' is true or false", file: file,
                    at: operand.location, length: operand.text.unicodeScalars.count))
        }
    }

    private func needTruth(_ operand: ValueExpression, in context: String, diagnostics: inout DiagnosticList)
    {
        if shape(of: operand, diagnostics: &diagnostics) != .truth {
            diagnostics.append(
                Diagnostic.error(
                    "\(context) needs a comparison, like 'a.val_acc > 0.9'; '\(operand.text)' is a value",
                    file: file,
                    at: operand.location, length: operand.text.unicodeScalars.count))
        }
    }
}
