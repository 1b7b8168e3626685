/// What is inside `{{ }}`: a run's value, a number, or arithmetic, comparisons and logic over them.
///
/// `{{ q9.val_acc - q8.val_acc | percent(2) }}` holds the subtraction of two value references;
/// `{{ assert q9.val_acc > q8.val_acc }}` a comparison. Every node keeps its source text (for messages
/// like `q9.val_acc (84.44%) < q8.val_acc (84.21%)`) and where it starts.
public struct ValueExpression: Hashable, Sendable, CustomStringConvertible {
    public indirect enum Node: Hashable, Sendable {
        /// A value of a run, or of the whole report: `q3[lr=0.1].val_acc`, `report.train_time`.
        case value(ValueReference)
        case number(Double)
        /// `-x`
        case negate(ValueExpression)
        /// `not x`
        case not(ValueExpression)
        /// `abs(x)`, `min(a, b)`: the name and the arguments as written; the evaluator knows the names.
        case call(String, [ValueExpression])
        case binary(BinaryOperator, ValueExpression, ValueExpression)
    }

    public var node: Node
    /// The exact source text of this part, parentheses included.
    public var text: String
    /// Where this part starts in the document.
    public var location: SourceLocation

    public init(node: Node, text: String, location: SourceLocation) {
        self.node = node
        self.text = text
        self.location = location
    }

    /// The expression in normalized form: one space around each operator, parentheses only where needed.
    public var description: String {
        switch node {
        case .value(let reference): return reference.description
        case .number: return text.trimmingCharacters(in: ["(", ")", " ", "\t"])
        case .negate(let operand): return "-" + operand.wrapped(above: 7)
        case .not(let operand): return "not " + operand.wrapped(above: 2)
        case .call(let name, let arguments):
            return name + "(" + arguments.map(\.description).joined(separator: ", ") + ")"
        case .binary(let op, let left, let right):
            // Left-associative: the right operand needs parentheses at its own precedence too.
            return left.wrapped(above: op.precedence - 1) + " \(op.rawValue) "
                + right.wrapped(above: op.precedence)
        }
    }

    /// How tightly this part binds: 8 for values, numbers and calls, 7 for `-x`, 3 for `not x`, and
    /// a binary operator's own.
    var precedence: Int {
        switch node {
        case .value, .number, .call: return 8
        case .negate: return 7
        case .not: return 3
        case .binary(let op, _, _): return op.precedence
        }
    }

    private func wrapped(above minimum: Int) -> String {
        precedence > minimum ? description : "(" + description + ")"
    }

    /// Every value reference in the expression, left to right.
    public var references: [ValueReference] {
        switch node {
        case .value(let reference): return [reference]
        case .number: return []
        case .negate(let operand), .not(let operand): return operand.references
        case .call(_, let arguments): return arguments.flatMap(\.references)
        case .binary(_, let left, let right): return left.references + right.references
        }
    }

    /// Whether the expression is a single value reference, as every expression was before arithmetic.
    public var reference: ValueReference? {
        if case .value(let reference) = node { return reference }
        return nil
    }
}

/// A binary operator of an expression, from the tightest binding to the loosest:
/// `* /`, then `+ -`, then the comparisons, then `and`, then `or`.
public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case multiply = "*"
    case divide = "/"
    case add = "+"
    case subtract = "-"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "=="
    case notEqual = "!="
    case and
    case or

    public var isComparison: Bool {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: return true
        default: return false
        }
    }

    public var isLogical: Bool { self == .and || self == .or }

    public var isArithmetic: Bool { !isComparison && !isLogical }

    /// How tightly it binds: 6 for `* /`, 5 for `+ -`, 4 for comparisons, 2 for `and`, 1 for `or`
    /// (`not` is 3, between comparisons and `and`).
    var precedence: Int {
        switch self {
        case .multiply, .divide: return 6
        case .add, .subtract: return 5
        case .and: return 2
        case .or: return 1
        default: return 4
        }
    }
}

/// One value in an expression: the run (or `report`) and the value's path, `q8.val_acc.std`.
public struct ValueReference: Hashable, Sendable, CustomStringConvertible {
    /// The run the value comes from; `report` for the document's totals.
    public var run: RunReference
    /// The value's path, split at dots: `["val_acc"]`, `["best", "val_acc"]`, `["val_loss@3"]`.
    public var path: [String]
    /// Where the value path starts in the document.
    public var pathLocation: SourceLocation

    public init(run: RunReference, path: [String], pathLocation: SourceLocation) {
        self.run = run
        self.path = path
        self.pathLocation = pathLocation
    }

    /// The value path as written: `best.val_acc`.
    public var pathText: String { path.joined(separator: ".") }

    /// `q3[lr=0.1].val_acc`
    public var description: String { "\(run).\(pathText)" }
}
