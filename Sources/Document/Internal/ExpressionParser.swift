/// Parses the text of one `{{ ... }}` expression.
///
/// Grammar (spaces allowed between any two parts; `-` needs a space before it after a name, since
/// names may contain `-`):
/// ```
/// inline     := "{{" ["assert" claim | value ["|" format]] "}}"
/// claim      := or
/// value      := or
/// or         := and ("or" and)*
/// and        := not ("and" not)*
/// not        := "not" not | comparison
/// comparison := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]
/// sum        := product (("+" | "-") product)*
/// product    := unary (("*" | "/") unary)*
/// unary      := "-" unary | primary
/// primary    := number | "(" or ")" | name "(" or ("," or)* ")" | reference "." path
/// reference  := name ["[" selector ("," selector)* "]"]
/// selector   := name "=" token
/// path       := name ["@" digit+] ("." name ["@" digit+])*
/// format     := name ["(" [token ("," token)*] ")"]
/// number     := digit+ ["." digit+] [("e" | "E") ["+" | "-"] digit+]   (not followed by a name character)
/// name       := (letter | digit | "-" | "_")+
/// token      := (letter | digit | "-" | "_" | "." | "+")+
/// ```
/// `assert`, `not`, `and` and `or` are words only where an operator can stand; `not.val_acc` is still
/// a run named `not`. Whether the names of values, functions and formats exist, and whether the types
/// fit (a claim is a comparison, a value is a number), is decided by whoever evaluates it.
/// Errors point at the first character that does not fit.
struct ExpressionParser {
    private let scalars: [Unicode.Scalar]
    /// The expression as UTF-8, and where each scalar begins in it (one more entry, for the end): each
    /// node's text is cut from these bytes, which is a copy, not a scalar-by-scalar append.
    private let utf8: [UInt8]
    private let offsets: [Int]
    private let start: SourceLocation
    private let file: String
    private let end: Int
    private var index = 2
    /// How deep parentheses, `-` and `not` nest at most: keeps the recursion shallow on hostile input.
    static let maximumNesting = 64
    private var depth = 0

    /// - Parameters:
    ///   - original: the expression text from `{{` to `}}` inclusive, on one line.
    ///   - location: where the `{{` is.
    ///   - file: the document's path, for diagnostics.
    init(original: String, location: SourceLocation, file: String) {
        self.scalars = Array(original.unicodeScalars)
        self.utf8 = Array(original.utf8)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        self.offsets = offsets
        self.start = location
        self.file = file
        self.end = max(scalars.count - 2, 2)
    }

    /// The parsed expression, or the first syntax error in it.
    static func parse(original: String, location: SourceLocation, file: String) -> Result<
        InlineExpression, Diagnostic
    > {
        var parser = ExpressionParser(original: original, location: location, file: file)
        do {
            return .success(try parser.expression(original: original))
        } catch let diagnostic as Diagnostic {
            return .failure(diagnostic)
        } catch {
            return .failure(.error("\(error)", file: file, at: location))
        }
    }

    private mutating func expression(original: String) throws -> InlineExpression {
        skipSpaces()
        if atEnd {
            throw failure(
                "empty expression; expected a run id and a value, like '{{ run-id.val_acc }}'", at: 0,
                length: scalars.count)
        }
        let isClaim = isWord("assert")
        if isClaim {
            index += 6
            skipSpaces()
            if atEnd { throw failure("expected a claim after 'assert', like 'a.val_acc > b.val_acc'") }
        }
        let body = try or()
        skipSpaces()
        var format: FormatSpec?
        if peek == "|" {
            if isClaim {
                throw failure("a claim renders nothing, so it takes no format; remove '| …'")
            }
            index += 1
            skipSpaces()
            format = try formatSpec()
            skipSpaces()
            if !atEnd { throw failure("unexpected \(found) after the format; expected '}}'") }
        } else if !atEnd {
            throw failure(
                "unexpected \(found) after '\(body.text)'; expected an operator\(isClaim ? "" : ", '|' and a format,") or '}}'"
            )
        }
        return InlineExpression(
            body: body, isClaim: isClaim, format: format, location: start, original: original)
    }

    // MARK: Operators

    private mutating func or() throws -> ValueExpression {
        skipSpaces()
        let first = index
        var left = try and()
        while isWordAfterSpaces("or") {
            index += 2
            let right = try and()
            left = try node(.binary(.or, left, right), from: first)
        }
        return left
    }

    private mutating func and() throws -> ValueExpression {
        skipSpaces()
        let first = index
        var left = try not()
        while isWordAfterSpaces("and") {
            index += 3
            let right = try not()
            left = try node(.binary(.and, left, right), from: first)
        }
        return left
    }

    private mutating func not() throws -> ValueExpression {
        skipSpaces()
        let first = index
        guard isWord("not") else { return try comparison() }
        index += 3
        let operand = try nested { try $0.not() }
        return try node(.not(operand), from: first)
    }

    private mutating func comparison() throws -> ValueExpression {
        skipSpaces()
        let first = index
        let left = try sum()
        skipSpaces()
        guard let op = comparisonOperator() else { return left }
        index += op.rawValue.unicodeScalars.count
        let right = try sum()
        skipSpaces()
        if let next = comparisonOperator() {
            throw failure(
                "comparisons do not chain: write '\(left.text) \(op.rawValue) \(right.text) and \(right.text) \(next.rawValue) …'"
            )
        }
        return try node(.binary(op, left, right), from: first)
    }

    private mutating func sum() throws -> ValueExpression {
        skipSpaces()
        let first = index
        var left = try product()
        while let op = operatorAfterSpaces(["+": .add, "-": .subtract]) {
            index += 1
            let right = try product()
            left = try node(.binary(op, left, right), from: first)
        }
        return left
    }

    private mutating func product() throws -> ValueExpression {
        skipSpaces()
        let first = index
        var left = try unary()
        while let op = operatorAfterSpaces(["*": .multiply, "/": .divide]) {
            index += 1
            let right = try unary()
            left = try node(.binary(op, left, right), from: first)
        }
        return left
    }

    private mutating func unary() throws -> ValueExpression {
        skipSpaces()
        let first = index
        guard peek == "-" else { return try primary() }
        index += 1
        let operand = try nested { try $0.unary() }
        return try node(.negate(operand), from: first)
    }

    private mutating func primary() throws -> ValueExpression {
        skipSpaces()
        let first = index
        if peek == "(" {
            index += 1
            let inner = try nested { try $0.or() }
            skipSpaces()
            guard peek == ")" else {
                throw failure(
                    "expected ')' to close the '(' at column \(location(of: first).column), found \(found)")
            }
            index += 1
            return ValueExpression(node: inner.node, text: text(from: first), location: location(of: first))
        }
        if let number = number() {
            return try node(.number(number), from: first)
        }
        let nameStart = index
        let id = name()
        if id.isEmpty {
            throw failure("expected a run id, a number or '(', found \(found)")
        }
        if peek == "(" {
            // A function: `abs(x)`.
            index += 1
            var arguments: [ValueExpression] = []
            skipSpaces()
            if peek != ")" {
                while true {
                    arguments.append(try nested { try $0.or() })
                    skipSpaces()
                    guard peek == "," else { break }
                    index += 1
                }
            }
            guard peek == ")" else {
                throw failure("expected ',' or ')' in the arguments of '\(id)', found \(found)")
            }
            index += 1
            return try node(.call(id, arguments), from: first)
        }
        index = nameStart
        return try node(.value(try valueReference()), from: first)
    }

    private mutating func valueReference() throws -> ValueReference {
        let reference = try runReference()
        guard peek == "." else {
            throw failure("expected '.' and a value name after '\(reference)', found \(found)")
        }
        var path: [String] = []
        var valueLocation = reference.location
        while peek == "." {
            index += 1
            if path.isEmpty { valueLocation = location(of: index) }
            let componentStart = index
            var component = name()
            if component.isEmpty { throw failure("expected a value name after '.', found \(found)") }
            if let dash = component.firstIndex(of: "-") {
                // Value names have no '-'; `a.val_acc-b.val_acc` means a subtraction.
                let offset = component.distance(from: component.startIndex, to: dash)
                throw failure(
                    "'-' cannot be part of the value name '\(component)'; to subtract, put spaces around it: '\(component[..<dash]) - …'",
                    at: componentStart + offset)
            }
            if peek == "@" {
                // A metric at one epoch: `val_acc@0`.
                index += 1
                let epoch = take { ("0"..."9").contains($0) }
                if epoch.isEmpty { throw failure("expected an epoch number after '@', found \(found)") }
                component += "@" + epoch
            }
            path.append(component)
        }
        return ValueReference(run: reference, path: path, pathLocation: valueLocation)
    }

    private mutating func runReference() throws -> RunReference {
        let location = location(of: index)
        let id = name()
        if id.isEmpty { throw failure("expected a run id, found \(found)") }
        var selectors: [(key: String, value: String)] = []
        guard peek == "[" else { return RunReference(id: id, location: location) }
        index += 1
        repeat {
            skipSpaces()
            let key = name()
            if key.isEmpty {
                throw failure(
                    "expected a selector name like 'lr' after '\(selectors.isEmpty ? "[" : ",")', found \(found)"
                )
            }
            skipSpaces()
            guard peek == "=" else { throw failure("expected '=' after selector '\(key)', found \(found)") }
            index += 1
            skipSpaces()
            let value = token()
            if value.isEmpty { throw failure("expected a value after '\(key)=', found \(found)") }
            selectors.append((key, value))
            skipSpaces()
            if peek == "]" {
                index += 1
                return RunReference(id: id, selectors: selectors, location: location)
            }
            guard peek == "," else {
                throw failure("expected ',' or ']' after selector '\(key)=\(value)', found \(found)")
            }
            index += 1
        } while true
    }

    private mutating func formatSpec() throws -> FormatSpec {
        let location = location(of: index)
        let formatName = name()
        if formatName.isEmpty { throw failure("expected a format name after '|', found \(found)") }
        var arguments: [String] = []
        guard peek == "(" else { return FormatSpec(name: formatName, location: location) }
        index += 1
        skipSpaces()
        if peek == ")" {
            index += 1
            return FormatSpec(name: formatName, location: location)
        }
        repeat {
            skipSpaces()
            let argument = token()
            if argument.isEmpty {
                throw failure("expected an argument for format '\(formatName)', found \(found)")
            }
            arguments.append(argument)
            skipSpaces()
            if peek == ")" {
                index += 1
                return FormatSpec(name: formatName, arguments: arguments, location: location)
            }
            guard peek == "," else {
                throw failure("expected ',' or ')' after '\(argument)', found \(found)")
            }
            index += 1
        } while true
    }

    // MARK: Nodes

    /// How many operators, numbers and values one expression may hold: far above any sentence's claim,
    /// low enough that evaluating and printing a tree stays shallow.
    static let maximumParts = 1_000
    private var parts = 0

    /// A node spanning from `first` to the current position (spaces around it left out).
    private mutating func node(_ node: ValueExpression.Node, from first: Int) throws -> ValueExpression {
        parts += 1
        if parts > Self.maximumParts {
            throw failure("the expression has more than \(Self.maximumParts) parts, the limit")
        }
        return ValueExpression(node: node, text: text(from: first), location: location(of: first))
    }

    private func text(from first: Int) -> String {
        var last = index
        while last > first, scalars[last - 1] == " " || scalars[last - 1] == "\t" { last -= 1 }
        return String(decoding: utf8[offsets[first]..<offsets[max(first, last)]], as: UTF8.self)
    }

    /// Runs `body` one level deeper in parentheses, `-` or `not`; an error past the limit.
    private mutating func nested(_ body: (inout ExpressionParser) throws -> ValueExpression) throws
        -> ValueExpression
    {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumNesting {
            throw failure("the expression nests deeper than \(Self.maximumNesting) levels, the limit")
        }
        return try body(&self)
    }

    /// A number literal: `20`, `0.005`, `1e-3`; nil (and nothing consumed) when the digits begin a run
    /// id instead (`1a.val_acc`, `3.val_acc`).
    private mutating func number() -> Double? {
        guard let first = peek, ("0"..."9").contains(first) else { return nil }
        let start = index
        func digits() -> Int {
            let before = index
            while let scalar = peek, ("0"..."9").contains(scalar) { index += 1 }
            return index - before
        }
        _ = digits()
        if peek == ".", index + 1 < end, ("0"..."9").contains(scalars[index + 1]) {
            index += 1
            _ = digits()
        }
        if peek == "e" || peek == "E" {
            let mark = index
            index += 1
            if peek == "+" || peek == "-" { index += 1 }
            if digits() == 0 { index = mark }
        }
        if let next = peek, Self.isNameCharacter(next) || next == "." || next == "[" {
            index = start
            return nil
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = Double(text), value.isFinite else {
            index = start
            return nil
        }
        return value
    }

    // MARK: Characters

    private var atEnd: Bool { index >= end }

    private var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

    /// The current character for messages: `'|'`, or "'}}'" at the end.
    private var found: String {
        guard let peek else { return "'}}'" }
        return peek == " " || peek == "\t" ? "a space" : "'\(peek)'"
    }

    /// Whether `word` is at the current position as a word: followed by a space, `(` or the end, so
    /// that `not.val_acc` and `order.val_acc` stay run references.
    private func isWord(_ word: String) -> Bool {
        let letters = Array(word.unicodeScalars)
        guard index + letters.count <= end, Array(scalars[index..<index + letters.count]) == letters else {
            return false
        }
        let after = index + letters.count
        return after >= end || scalars[after] == " " || scalars[after] == "\t" || scalars[after] == "("
    }

    private mutating func isWordAfterSpaces(_ word: String) -> Bool {
        skipSpaces()
        return isWord(word)
    }

    private mutating func operatorAfterSpaces(_ operators: [Unicode.Scalar: BinaryOperator])
        -> BinaryOperator?
    {
        skipSpaces()
        return peek.flatMap { operators[$0] }
    }

    /// The comparison operator at the current position, if any (`<=` before `<`).
    private func comparisonOperator() -> BinaryOperator? {
        guard let first = peek else { return nil }
        let second = index + 1 < end ? scalars[index + 1] : nil
        switch (first, second) {
        case ("<", "="): return .lessOrEqual
        case (">", "="): return .greaterOrEqual
        case ("=", "="): return .equal
        case ("!", "="): return .notEqual
        case ("<", _): return .less
        case (">", _): return .greater
        default: return nil
        }
    }

    private mutating func skipSpaces() {
        while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }

    private mutating func name() -> String {
        take { Self.isNameCharacter($0) }
    }

    private mutating func token() -> String {
        take { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.+".unicodeScalars.contains($0) }
    }

    private mutating func take(while accepted: (Unicode.Scalar) -> Bool) -> String {
        var text = String.UnicodeScalarView()
        while let scalar = peek, accepted(scalar) {
            text.append(scalar)
            index += 1
        }
        return String(text)
    }

    private func location(of scalarIndex: Int) -> SourceLocation {
        SourceLocation(line: start.line, column: start.column + scalarIndex)
    }

    private func failure(_ message: String, at scalarIndex: Int? = nil, length: Int = 1) -> Diagnostic {
        .error("\(message)", file: file, at: location(of: scalarIndex ?? index), length: length)
    }
}
