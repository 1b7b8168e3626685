/// Parses the text of one `{{ ... }}` expression.
///
/// Grammar (spaces allowed where shown by `_`):
/// ```
/// expression := "{{" _ reference "." path [_ "|" _ format] _ "}}"
/// reference  := name ["[" _ selector (_ "," _ selector)* _ "]"]
/// selector   := name _ "=" _ token
/// path       := name ["@" digit+] ("." name ["@" digit+])*
/// format     := name ["(" _ [token (_ "," _ token)*] _ ")"]
/// name       := (letter | digit | "-" | "_")+
/// token      := (letter | digit | "-" | "_" | "." | "+")+
/// ```
/// Errors point at the first character that does not fit.
struct ExpressionParser {
    private let scalars: [Unicode.Scalar]
    private let start: SourceLocation
    private let file: String
    private let end: Int
    private var index = 2

    /// - Parameters:
    ///   - original: the expression text from `{{` to `}}` inclusive, on one line.
    ///   - location: where the `{{` is.
    init(original: String, location: SourceLocation, file: String) {
        self.scalars = Array(original.unicodeScalars)
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
        let reference = try runReference()
        guard peek == "." else {
            throw failure("expected '.' and a value name after '\(reference)', found \(found)")
        }
        var path: [String] = []
        var valueLocation = reference.location
        while peek == "." {
            index += 1
            if path.isEmpty { valueLocation = location(of: index) }
            var component = name()
            if component.isEmpty { throw failure("expected a value name after '.', found \(found)") }
            if peek == "@" {
                // A metric at one epoch: `val_acc@0`.
                index += 1
                let epoch = take { ("0"..."9").contains($0) }
                if epoch.isEmpty { throw failure("expected an epoch number after '@', found \(found)") }
                component += "@" + epoch
            }
            path.append(component)
        }
        skipSpaces()
        var format: FormatSpec?
        if peek == "|" {
            index += 1
            skipSpaces()
            format = try formatSpec()
            skipSpaces()
            if !atEnd { throw failure("unexpected \(found) after the format; expected '}}'") }
        } else if !atEnd {
            throw failure(
                "unexpected \(found) after '\(path.joined(separator: "."))'; expected '|' and a format, or '}}'"
            )
        }
        return InlineExpression(
            reference: reference, value: path, valueLocation: valueLocation, format: format,
            location: start, original: original)
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

    // MARK: Characters

    private var atEnd: Bool { index >= end }

    private var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

    /// The current character for messages: `'|'`, or "'}}'" at the end.
    private var found: String {
        guard let peek else { return "'}}'" }
        return peek == " " || peek == "\t" ? "a space" : "'\(peek)'"
    }

    private mutating func skipSpaces() {
        while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
    }

    private mutating func name() -> String {
        take { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
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
