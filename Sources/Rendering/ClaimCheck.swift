import Document
import Planning

/// What checking a document's claims (`{{ assert … }}`) found.
public struct ClaimReport {
    /// A claim whose values are not all known: a run failed, or is not in the cache.
    public struct Unchecked {
        public var location: SourceLocation
        public var claim: String
        public var reason: String
    }

    public var held = 0
    /// False claims and claims whose values do not fit them, as errors at the claim.
    public var errors: [Diagnostic] = []
    public var unchecked: [Unchecked] = []
    public var file = ""

    public init(file: String = "") { self.file = file }

    public var total: Int { held + errors.count + unchecked.count }

    /// `report/answers.md:12:5: unchecked: q9.val_acc > q8.val_acc (q9 failed)`, one per claim.
    public var uncheckedLines: [String] {
        unchecked.map { "\(file):\($0.location): unchecked: \($0.claim) (\($0.reason))" }
    }
}

/// Evaluates every claim of a plan with the values a `ValueSource` gives.
public enum ClaimCheck {
    public static func run(plan: Plan, source: ValueSource) -> ClaimReport {
        var report = ClaimReport(file: plan.document.path)
        let evaluator = source.evaluator
        for case .expression(let e) in plan.document.segments where e.isClaim {
            let claim = e.body
            do throws(ExpressionEvaluator.Failure) {
                if try evaluator.truth(claim) {
                    report.held += 1
                } else {
                    report.errors.append(
                        Diagnostic.error(
                            "claim is false: \(describeFalse(claim, evaluator))", file: plan.document.path,
                            at: claim.location, length: claim.text.unicodeScalars.count))
                }
            } catch {
                switch error {
                case .unavailable(_, let why):
                    report.unchecked.append(
                        ClaimReport.Unchecked(location: claim.location, claim: claim.text, reason: why))
                case .invalid(let message, let part):
                    report.errors.append(
                        Diagnostic.error(
                            "claim cannot be checked: \(message)", file: plan.document.path,
                            at: part.location,
                            length: part.text.unicodeScalars.count))
                }
            }
        }
        return report
    }

    /// The false parts of a false claim, with their values: `q9.val_acc (84.44%) < q8.val_acc (84.21%)`.
    static func describeFalse(_ claim: ValueExpression, _ evaluator: ExpressionEvaluator) -> String {
        switch claim.node {
        case .binary(.and, let left, let right):
            let parts = [left, right].filter { (try? evaluator.truth($0)) == false }
            return parts.map { describeFalse($0, evaluator) }.joined(separator: " and ")
        case .binary(.or, let left, let right):
            return describeFalse(left, evaluator) + " or " + describeFalse(right, evaluator)
        default:
            return annotated(claim, evaluator)
        }
    }

    /// The claim as written, each comparison's sides followed by their values.
    static func annotated(_ claim: ValueExpression, _ evaluator: ExpressionEvaluator) -> String {
        switch claim.node {
        case .binary(let op, let left, let right) where op.isComparison:
            guard let a = try? evaluator.number(left), let b = try? evaluator.number(right) else {
                return claim.text
            }
            let (x, y) = formatted(a, b)
            return side(left, x) + " \(op.rawValue) " + side(right, y)
        case .binary(let op, let left, let right):
            return "(" + annotated(left, evaluator) + ") \(op.rawValue) (" + annotated(right, evaluator) + ")"
        case .not(let operand):
            return "not (" + annotated(operand, evaluator) + ")"
        default:
            return claim.text
        }
    }

    private static func side(_ part: ValueExpression, _ value: String) -> String {
        if case .number = part.node { return part.text }
        return "\(part.text) (\(value))"
    }

    /// Two values in their kinds' formats, with more decimals when they would print the same but differ.
    public static func formatted(
        _ a: (value: Double, kind: RunValue.Kind), _ b: (value: Double, kind: RunValue.Kind)
    ) -> (String, String) {
        var x = ValueFormat.render(.number(a.value, a.kind), format: nil)
        var y = ValueFormat.render(.number(b.value, b.kind), format: nil)
        guard a.kind == b.kind, a.kind != .plain else { return (x, y) }
        var format = ValueFormat.defaultFormat(a.kind)
        guard format.style == .percent || format.style == .fixed else { return (x, y) }
        var digits = format.digits ?? 2
        while x == y && a.value != b.value && digits < 10 {
            digits += 1
            format.digits = digits
            x = ValueFormat.render(.number(a.value, a.kind), format: format)
            y = ValueFormat.render(.number(b.value, b.kind), format: format)
        }
        return (x, y)
    }
}
