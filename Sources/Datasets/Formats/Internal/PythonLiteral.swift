/// The Python literals an `.npy` header is written in (`{'descr': '<f4', 'fortran_order': False,
/// 'shape': (50, 28, 28), }`): strings, integers, `True`/`False`/`None`, tuples, lists and dicts.
/// Nesting is limited, so a hostile header cannot exhaust the stack.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case sequence([PythonLiteral])
    case dictionary([(key: PythonLiteral, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.none, .none): return true
        case (.sequence(let x), .sequence(let y)): return x == y
        case (.dictionary(let x), .dictionary(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A problem in the text, for the caller to put into its error.
    struct SyntaxError: Error {
        var reason: String
    }

    private static let maximumDepth = 16

    /// Parses `text`, which must hold one literal and nothing but white space after it.
    static func parse(_ text: String) throws(SyntaxError) -> PythonLiteral {
        var parser = Parser(characters: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == parser.characters.count else {
            throw SyntaxError(reason: "unexpected text after the literal at offset \(parser.position)")
        }
        return value
    }

    private struct Parser {
        let characters: [Unicode.Scalar]
        var position = 0

        mutating func skipSpace() {
            while position < characters.count, characters[position].properties.isWhitespace { position += 1 }
        }

        func peek() -> Unicode.Scalar? { position < characters.count ? characters[position] : nil }

        mutating func value(depth: Int) throws(SyntaxError) -> PythonLiteral {
            guard depth < PythonLiteral.maximumDepth else {
                throw SyntaxError(reason: "literals nested too deeply")
            }
            skipSpace()
            guard let c = peek() else { throw SyntaxError(reason: "the text ends where a value should be") }
            switch c {
            case "'", "\"": return .string(try string())
            case "(": return .sequence(try items(closing: ")", depth: depth))
            case "[": return .sequence(try items(closing: "]", depth: depth))
            case "{": return try dictionary(depth: depth)
            case "-", "0"..."9": return .integer(try integer())
            default:
                let word = identifier()
                switch word {
                case "True": return .boolean(true)
                case "False": return .boolean(false)
                case "None": return .none
                default: throw SyntaxError(reason: "unexpected '\(word.isEmpty ? String(c) : word)'")
                }
            }
        }

        mutating func identifier() -> String {
            var word = ""
            while let c = peek(), c.properties.isAlphabetic || c == "_" {
                word.unicodeScalars.append(c)
                position += 1
            }
            return word
        }

        mutating func string() throws(SyntaxError) -> String {
            guard let quote = peek() else { throw SyntaxError(reason: "expected a string") }
            position += 1
            var result = ""
            while let c = peek() {
                position += 1
                if c == quote { return result }
                if c == "\\" {
                    guard let escaped = peek() else { break }
                    position += 1
                    result.unicodeScalars.append(escaped)
                } else {
                    result.unicodeScalars.append(c)
                }
            }
            throw SyntaxError(reason: "a string is not closed")
        }

        mutating func integer() throws(SyntaxError) -> Int {
            var negative = false
            if peek() == "-" {
                negative = true
                position += 1
            }
            var value = 0
            var digits = 0
            while let c = peek(), let digit = Int(exactly: c.value).map({ $0 - 48 }), (0...9).contains(digit)
            {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw SyntaxError(reason: "an integer is too large") }
                value = sum
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw SyntaxError(reason: "expected digits after '-'") }
            // Python 2 wrote long integers with a suffix: (60000L, 784L).
            if peek() == "L" || peek() == "l" { position += 1 }
            return negative ? -value : value
        }

        mutating func items(closing: Unicode.Scalar, depth: Int) throws(SyntaxError) -> [PythonLiteral] {
            position += 1
            var result: [PythonLiteral] = []
            while true {
                skipSpace()
                if peek() == closing {
                    position += 1
                    return result
                }
                result.append(try value(depth: depth + 1))
                skipSpace()
                if peek() == "," {
                    position += 1
                } else if peek() != closing {
                    throw SyntaxError(reason: "expected ',' or '\(closing)' at offset \(position)")
                }
            }
        }

        mutating func dictionary(depth: Int) throws(SyntaxError) -> PythonLiteral {
            position += 1
            var result: [(key: PythonLiteral, value: PythonLiteral)] = []
            while true {
                skipSpace()
                if peek() == "}" {
                    position += 1
                    return .dictionary(result)
                }
                let key = try value(depth: depth + 1)
                skipSpace()
                guard peek() == ":" else { throw SyntaxError(reason: "expected ':' at offset \(position)") }
                position += 1
                result.append((key, try value(depth: depth + 1)))
                skipSpace()
                if peek() == "," {
                    position += 1
                } else if peek() != "}" {
                    throw SyntaxError(reason: "expected ',' or '}' at offset \(position)")
                }
            }
        }
    }

    /// The value of the key `name` in a dictionary literal.
    subscript(key name: String) -> PythonLiteral? {
        guard case .dictionary(let entries) = self else { return nil }
        return entries.first { $0.key == .string(name) }?.value
    }
}
