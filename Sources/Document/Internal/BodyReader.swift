import Yams

/// Reads a directive's YAML body into entries, turning every Yams failure into a diagnostic at the
/// right document position.
struct BodyReader {
    let kind: Directive.Kind
    let file: String
    let locator: YAMLLocator
    /// The body's lines as given to Yams, for finding duplicate keys.
    let bodyLines: [String]
    /// The opening fence.
    let location: SourceLocation
    private(set) var diagnostics: [Diagnostic] = []

    init(
        kind: Directive.Kind, file: String, locator: YAMLLocator, bodyLines: [String],
        location: SourceLocation
    ) {
        self.kind = kind
        self.file = file
        self.locator = locator
        self.bodyLines = bodyLines
        self.location = location
    }

    /// The top-level entries of `body`; empty (with diagnostics) when it is not a valid mapping.
    mutating func entries(of body: String, fenceLength: Int) -> [DirectiveEntry] {
        // Yams composes nodes recursively: a hostile body must not get deep enough to exhaust the stack.
        let depth = Self.nestingBound(of: body)
        guard depth <= Self.maximumNesting else {
            diagnostics.append(
                .error(
                    "\(kind.rawValue) block is nested \(depth) levels deep; the limit is \(Self.maximumNesting)",
                    file: file, at: location, length: fenceLength))
            return []
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: body)
        } catch let error as YamlError {
            report(error)
            return []
        } catch {
            diagnostics.append(
                .error("invalid YAML in \(kind.rawValue) block: \(error)", file: file, at: location))
            return []
        }
        guard let root else {
            diagnostics.append(
                .error("empty \(kind.rawValue) block", file: file, at: location, length: fenceLength))
            return []
        }
        guard case .mapping(let mapping) = root else {
            diagnostics.append(
                .error(
                    "the body of \(article) \(kind.rawValue) block must be 'key: value' lines, found \(describe(root))",
                    file: file, at: locator.location(of: root), length: locator.length(of: root)))
            return []
        }
        var entries: [DirectiveEntry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                diagnostics.append(
                    .error(
                        "keys in \(article) \(kind.rawValue) block must be plain names, found \(describe(keyNode))",
                        file: file, at: locator.location(of: keyNode)))
                continue
            }
            entries.append(
                DirectiveEntry(
                    key: key.string, keyNode: keyNode, keyLocation: locator.location(of: keyNode),
                    value: value,
                    valueLocation: locator.location(of: value)))
        }
        return entries
    }

    /// How deeply a directive's YAML may nest lists and mappings.
    static let maximumNesting = 100

    /// An upper bound on how deeply `body` nests: for each line, the indentation levels open, the
    /// `- ` and `key: ` indicators on it, and the flow brackets open (outside quotes on one line).
    static func nestingBound(of body: String) -> Int {
        var deepest = 0
        var flow = 0
        var indents: [Int] = []
        for line in body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            guard indent < line.count else { continue }
            while let last = indents.last, last >= indent { indents.removeLast() }
            indents.append(indent)
            var onLine = 0
            var quote: UInt8? = nil
            var previous: UInt8 = UInt8(ascii: " ")
            var index = line.startIndex
            while index < line.endIndex {
                let byte = line[index]
                let next =
                    line.index(after: index) < line.endIndex
                    ? line[line.index(after: index)] : UInt8(ascii: " ")
                if let open = quote {
                    if byte == open { quote = nil }
                } else {
                    switch byte {
                    case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = byte
                    case UInt8(ascii: "#") where previous == UInt8(ascii: " "):
                        index = line.endIndex
                        continue
                    case UInt8(ascii: "["), UInt8(ascii: "{"): flow += 1
                    case UInt8(ascii: "]"), UInt8(ascii: "}"): flow = max(flow - 1, 0)
                    case UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "?"):
                        if next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") { onLine += 1 }
                    default: break
                    }
                }
                deepest = max(deepest, indents.count + onLine + flow)
                previous = byte
                index = line.index(after: index)
            }
        }
        return deepest
    }

    private var article: String { kind == .experiment ? "an" : "a" }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "the value '\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    // MARK: Yams errors

    private mutating func report(_ error: YamlError) {
        let prefix = "invalid YAML in \(kind.rawValue) block: "
        switch error {
        case .scanner(let context, let problem, let mark, let yaml),
            .parser(let context, let problem, let mark, let yaml),
            .composer(let context, let problem, let mark, let yaml):
            var notes =
                context.map {
                    [Diagnostic.note($0.text, file: file, at: clamped(locator.location(of: $0.mark)))]
                }
                ?? []
            if let hint = Self.sweepMemberHint(yaml, line: mark.line) {
                notes.append(Diagnostic.note(hint, file: file, at: clamped(locator.location(of: mark))))
            }
            diagnostics.append(
                .error(prefix + problem, file: file, at: clamped(locator.location(of: mark)), notes: notes))
        case .reader(let problem, let offset, _, let yaml):
            let at =
                offset.map { Self.location(ofCharacterOffset: $0, in: yaml, locator: locator) } ?? location
            diagnostics.append(.error(prefix + problem, file: file, at: clamped(at)))
        case .duplicatedKeysInMapping(let duplicates, let context):
            reportDuplicates(duplicates, firstMark: context.mark)
        default:
            diagnostics.append(.error(prefix + "\(error)", file: file, at: location))
        }
    }

    /// A sweep member such as `b[lr=0.1]` inside a `[…]` list reads as a nested list in YAML; says how to
    /// write it when the line that failed holds one.
    static func sweepMemberHint(_ yaml: String, line: Int) -> String? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let text = lines[line - 1]
        guard text.range(of: #"[A-Za-z0-9_-]\[[A-Za-z_][A-Za-z0-9_]*="#, options: .regularExpression) != nil
        else { return nil }
        return
            "a sweep member like b[lr=0.1] inside [ ] must be quoted, ['b[lr=0.1]'], or listed one per line ('- b[lr=0.1]')"
    }

    /// Reports each duplicated key at its second occurrence, with a note at the first.
    ///
    /// Yams stops at the first mapping with duplicates and gives only the mark of the first
    /// duplicated key; keys of one mapping share a column, so the others are found by looking for
    /// `key:` at that column.
    private mutating func reportDuplicates(_ duplicates: [String], firstMark: Mark) {
        for key in duplicates {
            let occurrences = lines(definingKey: key, atColumn: firstMark.column)
            let message = "duplicate key '\(key)' in \(kind.rawValue) block"
            if occurrences.count >= 2 {
                let first = occurrences[0]
                let length = key.unicodeScalars.count
                for repeated in occurrences.dropFirst() {
                    let note = Diagnostic.note(
                        "'\(key)' first defined here", file: file, at: first, length: length)
                    diagnostics.append(
                        .error(message, file: file, at: repeated, length: length, notes: [note]))
                }
            } else {
                diagnostics.append(.error(message, file: file, at: clamped(locator.location(of: firstMark))))
            }
        }
    }

    /// Document locations where a body line has, at body `column`, `key` (bare or quoted) and a colon.
    private func lines(definingKey key: String, atColumn column: Int) -> [SourceLocation] {
        var marks: [SourceLocation] = []
        for (index, line) in bodyLines.enumerated() {
            let scalars = Array(line.unicodeScalars)
            guard scalars.count >= column, column >= 1 else { continue }
            let prefixIsBlank = scalars[..<(column - 1)].allSatisfy { $0 == " " || $0 == "-" }
            guard prefixIsBlank else { continue }
            let rest = String(String.UnicodeScalarView(scalars[(column - 1)...]))
            let spellings = [key, "\"\(key)\"", "'\(key)'"]
            for spelling in spellings where rest.hasPrefix(spelling) {
                let after = rest.dropFirst(spelling.count).drop { $0 == " " || $0 == "\t" }
                if after.first == ":" {
                    marks.append(locator.location(bodyLine: index + 1, column: column))
                    break
                }
            }
        }
        return marks
    }

    /// Yams reports some error marks one line past the body (at its end); keep those on the body's
    /// last line so the diagnostic shows real text.
    private func clamped(_ location: SourceLocation) -> SourceLocation {
        let lastLine = locator.firstLine + max(bodyLines.count, 1) - 1
        guard location.line > lastLine else { return location }
        let lastText = bodyLines.last ?? ""
        let removed = locator.removedIndentation.last ?? 0
        return SourceLocation(line: lastLine, column: lastText.unicodeScalars.count + removed + 1)
    }

    /// The document location of a character offset into `yaml`, as Yams counts it for reader errors.
    static func location(ofCharacterOffset offset: Int, in yaml: String, locator: YAMLLocator)
        -> SourceLocation
    {
        var line = 1
        var column = 1
        for character in yaml.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return locator.location(bodyLine: line, column: column)
    }
}
