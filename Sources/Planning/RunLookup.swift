import Configuration
import Document
import Foundation
import Suggestions

/// Finds runs by reference: a run id, a sweep id (all its members), or a sweep id with selectors
/// (`q3-lr[lr=0.1]`, values compared as numbers when both sides are numbers).
public struct RunLookup {
    public let runs: [String: RunSpec]
    public let groups: [String: ExperimentGroup]
    /// Each run's settings as its cache entry spells them, made once per run when a selector first
    /// needs them: a document may hold tens of thousands of references.
    private let settings = SettingsCache()

    /// Whether any run is trained by the author's command (most documents have none: no lookup needed).
    let hasCommands: Bool
    /// The document's metric declarations (the same for every run of a command).
    public let metrics: MetricDeclarations

    public init(runs: [String: RunSpec], groups: [String: ExperimentGroup]) {
        self.runs = runs
        self.groups = groups
        let command = runs.values.first { $0.command != nil }
        hasCommands = command != nil
        metrics = command?.metrics ?? .none
    }

    private final class SettingsCache {
        var byRun: [String: [String: String]] = [:]

        func value(_ key: String, of id: String, _ run: RunSpec) -> String? {
            if let known = byRun[id] { return known[key] }
            let made = Dictionary(run.settingEntries.map { ($0.key, $0.value) }) { first, _ in first
            }
            byRun[id] = made
            return made[key]
        }
    }

    /// The runs a reference names, or a message saying why it names none.
    public func runs(id: String, selectors: [(key: String, value: String)]) -> Result<[String], LookupError> {
        if selectors.isEmpty, runs[id] != nil { return .success([id]) }
        guard let group = groups[id] else {
            let hint = didYouMean(id, among: Array(groups.keys).sorted())
            return .failure(LookupError("unknown run '\(id)'\(hint)"))
        }
        guard !selectors.isEmpty else { return .success(group.runIDs) }
        // Each selector's value as a number, parsed once rather than once per member.
        let wanted = selectors.map { (key: $0.key, value: $0.value, number: Double($0.value)) }
        var matches = group.runIDs.filter { runID in
            guard let run = runs[runID] else { return false }
            return wanted.allSatisfy { selector in
                let actual =
                    run.swept.first { $0.key == selector.key }?.value
                    ?? (selector.key == "case" ? run.caseNumber.map(String.init) : nil)
                    ?? settings.value(selector.key, of: runID, run)
                guard let actual else { return false }
                if actual == selector.value { return true }
                guard let number = selector.number, let actualNumber = Double(actual) else { return false }
                return actualNumber == number
            }
        }
        // A member's whole address names it, even when another member matches it too
        // (`q4[optimizer=rmsprop]` beside `q4[optimizer=rmsprop,lr=0.001]`).
        if matches.count > 1 {
            let keys = Set(selectors.map(\.key))
            let exact = matches.filter { id in runs[id].map { Set($0.swept.map(\.key)) == keys } ?? false }
            if exact.count == 1 { matches = exact }
        }
        if matches.isEmpty {
            let members = group.runIDs.joined(separator: ", ")
            return .failure(
                LookupError(
                    "no run of '\(id)' has \(selectors.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")); its runs are \(members)"
                ))
        }
        return .success(matches)
    }

    /// Exactly one run, for inline values and `init`.
    public func single(id: String, selectors: [(key: String, value: String)]) -> Result<String, LookupError> {
        switch runs(id: id, selectors: selectors) {
        case .failure(let error): return .failure(error)
        case .success(let ids) where ids.count == 1: return .success(ids[0])
        case .success(let ids):
            let example = ids.first ?? id
            return .failure(
                LookupError(
                    "'\(id)\(selectors.isEmpty ? "" : "[…]")' names \(ids.count) runs; pick one, for example '\(example)'"
                ))
        }
    }

    public static func same(_ a: String, _ b: String) -> Bool {
        if let x = Double(a), let y = Double(b) { return x == y }
        return a == b
    }

    /// Splits `name[key=value,key=value]` into the id and its selectors; nil when malformed.
    public static func parse(_ text: String) -> (id: String, selectors: [(key: String, value: String)])? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "[") else {
            return DirectiveKeys.isValidID(trimmed) ? (trimmed, []) : nil
        }
        guard trimmed.hasSuffix("]") else { return nil }
        let id = String(trimmed[..<open])
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        var selectors: [(key: String, value: String)] = []
        for part in inner.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { return nil }
            selectors.append((key: pair[0], value: pair[1]))
        }
        guard DirectiveKeys.isValidID(id), !selectors.isEmpty else { return nil }
        return (id: id, selectors: selectors)
    }
}

public struct LookupError: Error {
    public var message: String
    public init(_ message: String) { self.message = message }
}
