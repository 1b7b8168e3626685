import Document
import Foundation

/// Computes a `{{ }}` expression from its values: arithmetic, `abs`, `min`, `max`, comparisons and
/// `and` / `or` / `not`.
///
/// Every value comes from one function, `lookup`, so that whatever a value path can name (a metric,
/// `best.val_acc`, a training key, a document total) works the same in a plain value, in arithmetic
/// and in a claim.
///
/// What an arithmetic result measures, which decides how it prints without a format:
/// - `a + b`, `a - b`, `min`, `max`: the kind both share (the difference of two accuracies is an
///   accuracy, printed as a percentage; of two losses a loss); a plain number (a literal, a training
///   key) takes the other's kind; two different kinds give a plain number.
/// - `a * b`: with a plain number, the other's kind (`2 * q8.val_acc.std` is an accuracy); else plain.
/// - `a / b`: divided by a plain number, `a`'s kind; otherwise a plain ratio (`a.train_time / b.train_time`).
/// - `-a`, `abs(a)`: `a`'s kind.
///
/// `==` and `!=` compare within a relative 1e-9 (`abs(a - b) <= 1e-9 * max(1, |a|, |b|)`), so they are
/// exact up to floating-point rounding; compare with a margin with `abs(a - b) < 0.001`.
public struct ExpressionEvaluator {
    /// What one value reference gives.
    public enum Lookup: Sendable {
        case value(RunValue)
        /// The value cannot be known: its run failed, or is not in the cache (`report check`).
        case unavailable(run: String, why: String)
    }

    /// What an expression computes.
    public enum Result {
        case value(RunValue)
        case truth(Bool)
    }

    public enum Failure: Error {
        /// A value needed is unknown (its run failed or is not cached): a claim is left unchecked.
        case unavailable(run: String, why: String)
        /// The values do not fit the expression (a diverged run's accuracy in arithmetic): an error at `at`.
        case invalid(String, at: ValueExpression)
    }

    public static let functions = ["abs": 1...1, "min": 2...Int.max, "max": 2...Int.max]

    public let lookup: (ValueReference) -> Lookup

    public init(lookup: @escaping (ValueReference) -> Lookup) { self.lookup = lookup }

    public func evaluate(_ expression: ValueExpression) throws(Failure) -> Result {
        switch expression.node {
        case .value(let reference):
            switch lookup(reference) {
            case .value(let value): return .value(value)
            case .unavailable(let run, let why): throw .unavailable(run: run, why: why)
            }
        case .number(let number):
            return .value(.number(number, .plain))
        case .negate(let operand):
            let (value, kind) = try number(operand)
            return .value(.number(-value, kind))
        case .not(let operand):
            return .truth(!(try truth(operand)))
        case .call(let name, let arguments):
            var values: [(value: Double, kind: RunValue.Kind)] = []
            for argument in arguments { values.append(try number(argument)) }
            guard let first = values.first else {
                throw .invalid("'\(name)' needs an argument", at: expression)
            }
            switch name {
            case "abs": return .value(.number(abs(first.value), first.kind))
            case "min", "max":
                var result = first
                for next in values.dropFirst() {
                    let kind = Self.sharedKind(result.kind, next.kind)
                    result = (
                        (name == "min") == (next.value < result.value) ? next.value : result.value, kind
                    )
                }
                return .value(.number(result.value, result.kind))
            default: throw .invalid("unknown function '\(name)'", at: expression)
            }
        case .binary(let op, let left, let right):
            if op == .and || op == .or {
                // Both sides are evaluated, so that a value missing on either side leaves a claim unchecked.
                let a = try truth(left)
                let b = try truth(right)
                return .truth(op == .and ? a && b : a || b)
            }
            let a = try number(left)
            let b = try number(right)
            switch op {
            case .add: return .value(.number(a.value + b.value, Self.sharedKind(a.kind, b.kind)))
            case .subtract: return .value(.number(a.value - b.value, Self.sharedKind(a.kind, b.kind)))
            case .multiply:
                let kind = a.kind == .plain ? b.kind : b.kind == .plain ? a.kind : .plain
                return .value(.number(a.value * b.value, kind))
            case .divide: return .value(.number(a.value / b.value, b.kind == .plain ? a.kind : .plain))
            case .less: return .truth(a.value < b.value)
            case .lessOrEqual: return .truth(a.value <= b.value || Self.equal(a.value, b.value))
            case .greater: return .truth(a.value > b.value)
            case .greaterOrEqual: return .truth(a.value >= b.value || Self.equal(a.value, b.value))
            case .equal: return .truth(Self.equal(a.value, b.value))
            case .notEqual: return .truth(!Self.equal(a.value, b.value))
            case .and, .or: return .truth(false)
            }
        }
    }

    /// Equal within a relative 1e-9: exact up to floating-point rounding.
    public static func equal(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }

    static func sharedKind(_ a: RunValue.Kind, _ b: RunValue.Kind) -> RunValue.Kind {
        a == b ? a : a == .plain ? b : b == .plain ? a : .plain
    }

    /// The number an operand evaluates to, or why it has none.
    public func number(_ expression: ValueExpression) throws(Failure) -> (value: Double, kind: RunValue.Kind)
    {
        switch try evaluate(expression) {
        case .value(.number(let value, let kind)): return (value, kind)
        case .value(.text(let text)):
            throw .invalid("'\(expression.text)' is '\(text)', not a number", at: expression)
        case .value(.missing):
            throw .invalid("'\(expression.text)' has no value for this run", at: expression)
        case .truth:
            throw .invalid("'\(expression.text)' is true or false, not a number", at: expression)
        }
    }

    public func truth(_ expression: ValueExpression) throws(Failure) -> Bool {
        guard case .truth(let truth) = try evaluate(expression) else {
            throw .invalid("'\(expression.text)' is a value, not a comparison", at: expression)
        }
        return truth
    }
}
