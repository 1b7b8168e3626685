import Configuration
import Document
import Figures
import Foundation
import Planning
import RunCache

/// Writes the output document: every segment's original text, except directives (replaced by
/// figures, tables, or nothing) and inline expressions (replaced by their values).
public struct DocumentRenderer {
    public let plan: Plan
    /// Records by run id, for the runs that finished.
    public let records: [String: RunRecord]
    /// Failure messages by run id, with the log to read.
    public let failures: [String: String]
    /// Where figure files go, and how the output document links to them.
    public let figuresDirectory: URL
    public let figureLinkPrefix: String

    public init(
        plan: Plan, records: [String: RunRecord], failures: [String: String], figuresDirectory: URL,
        figureLinkPrefix: String
    ) {
        self.plan = plan
        self.records = records
        self.failures = failures
        self.figuresDirectory = figuresDirectory
        self.figureLinkPrefix = figureLinkPrefix
    }

    /// The output text and the SVG files to write (path → contents).
    public func render() -> (text: String, figures: [(URL, String)]) {
        var out = ""
        var files: [(URL, String)] = []
        var palette = Palette()
        let identities = FigureIdentities(plan: plan)
        var figureNumber = 0
        var tableNumber = 0
        var dropNewline = false
        /// After a claim that rendered nothing at the start of a line: its punctuation goes too (no stray
        /// ". " or "; " opens the line).
        var dropPunctuation = false
        let source = ValueSource(plan: plan, records: records, absence: "failed")
        for segment in plan.document.segments {
            var piece: String
            switch segment {
            case .text(let text):
                piece = text
            case .expression(let e) where e.isClaim:
                // A claim that holds renders nothing, and takes one space before it along: "A beats B
                // {{ assert … }}." A claim that could not be checked says so where it stands (a false one
                // never gets here: the build stops first).
                piece = claim(e, from: source)
                if piece.isEmpty && out.hasSuffix(" ") { out.removeLast() }
                let lineStart = out.isEmpty || out.hasSuffix("\n")
                if piece.isEmpty && lineStart {
                    dropPunctuation = true
                    continue
                }
            case .expression(let e):
                piece = value(e, from: source)
            case .directive(let d):
                switch d.kind {
                case .defaults, .metrics:
                    piece = ""
                case .experiment:
                    piece = experiment(d)
                case .figure:
                    guard let figure = plan.figures[d.location] else {
                        piece = ""
                        break
                    }
                    figureNumber += 1
                    let renderer = FigureRenderer(
                        runs: plan.runs, records: records, identities: identities, groups: plan.groups)
                    let url = figuresDirectory.appendingPathComponent("\(figure.id).svg")
                    files.append((url, renderer.svg(figure, palette: &palette)))
                    // The alternative text states the result, as the SVG's <desc> does; the title is the caption's.
                    let summary = renderer.summary(figure)
                    let alt = Self.altText(
                        !summary.isEmpty
                            ? summary : figure.title.isEmpty ? "Figure \(figureNumber)" : figure.title)
                    // A figure without a caption or title is numbered, never named by its id.
                    let caption = figure.caption ?? (figure.title.isEmpty ? nil : figure.title)
                    piece =
                        "![\(alt)](\(figureLinkPrefix)\(figure.id).svg)\n\n*Figure \(figureNumber)\(caption.map { ": " + $0 } ?? "")*"
                    piece += failureNotes(figure.runIDs)
                case .table:
                    guard let table = plan.tables[d.location] else {
                        piece = ""
                        break
                    }
                    tableNumber += 1
                    let renderer = TableRenderer(
                        runs: plan.runs, records: records, failures: failures, groups: plan.groups)
                    piece = renderer.markdown(table)
                    let note = renderer.spreadNote(table)
                    if let caption = table.caption {
                        piece += "\n\n*Table \(tableNumber): \(caption)\(note.map { " " + $0 } ?? "")*"
                    } else if let note {
                        piece += "\n\n*\(note)*"
                    }
                    piece += failureNotes(table.runIDs)
                }
            }
            if dropPunctuation, case .text = segment {
                piece = String(piece.drop { ".;,:".contains($0) }.drop { $0 == " " || $0 == "\t" })
                // The claim was the whole line: its line break goes too.
                if piece.hasPrefix("\n") || piece.hasPrefix("\r\n") { piece.removeFirst() }
            }
            dropPunctuation = false
            // "\r\n" is one Character, so this removes a whole CRLF line break as well.
            if dropNewline && (piece.hasPrefix("\n") || piece.hasPrefix("\r\n")) { piece.removeFirst() }
            // A directive that leaves nothing also takes its line break, so no hole is left behind.
            if case .directive = segment { dropNewline = piece.isEmpty } else { dropNewline = false }
            out += piece
        }
        return (out, files)
    }

    /// `text` safe inside the brackets of a Markdown image: brackets and backslashes escaped, one line.
    static func altText(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "[", "]", "\\": result += "\\" + String(character)
            case "\n", "\r\n", "\r": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    private func value(_ e: InlineExpression, from source: ValueSource) -> String {
        do throws(ExpressionEvaluator.Failure) {
            switch try source.evaluator.evaluate(e.body) {
            case .value(let value):
                let format = plan.formats[e.location]
                // `pm` prints a seeded value's spread after it (the plan allows it on plain references only).
                let spread = format?.style == .pm ? e.body.reference.flatMap(source.spread) : nil
                return ValueFormat.render(value, format: format, spread: spread)
            case .truth(let truth): return truth ? "true" : "false"
            }
        } catch {
            switch error {
            case .unavailable(let run, let why):
                return run == ReportTotals.id ? "**[unknown: \(why)]**" : "**[\(run) failed]**"
            case .invalid(let message, _):
                return "**[\(message)]**"
            }
        }
    }

    private func claim(_ e: InlineExpression, from source: ValueSource) -> String {
        do throws(ExpressionEvaluator.Failure) {
            return try source.evaluator.truth(e.body) ? "" : "**[claim is false: \(e.body.text)]**"
        } catch {
            switch error {
            case .unavailable(_, let why): return "**[unchecked claim: \(why)]**"
            case .invalid(let message, _): return "**[unchecked claim: \(message)]**"
            }
        }
    }

    /// What a reference's value is once its runs finished.
    public enum Evaluation {
        /// The reference names no single run or seeded member (the plan reported it).
        case unknown
        /// A run it needs failed or was not trained.
        case unfinished(String)
        /// The value (for a seeded member: the mean, or the statistic the path asks for), and the
        /// standard deviation over seeds that `pm` prints after it, when there is one.
        case value(RunValue, spread: Double?)
    }

    /// The one lookup behind every value a document shows: `{{ REF.PATH }}` for the run or seeded
    /// member that `reference` names, from the records of its runs.
    public static func evaluate(
        _ reference: RunReference, _ path: [String], plan: Plan, records: [String: RunRecord]
    ) -> Evaluation {
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        guard case .success(let unit) = lookup.singleUnit(id: reference.id, selectors: reference.selectors)
        else { return .unknown }
        switch finished(unit, lookup: lookup, records: records) {
        case .failure(let failed): return .unfinished(failed.id)
        case .success(let runs):
            return .value(
                RunValue.of(path, unit: unit, runs: runs),
                spread: RunValue.spread(of: path, unit: unit, runs: runs))
        }
    }

    /// The runs behind a run or a seeded member, with their records; the first run without one
    /// (failed, or not trained) when some have none.
    static func finished(_ unit: String, lookup: RunLookup, records: [String: RunRecord]) -> Result<
        [(run: RunSpec, record: RunRecord)], UnfinishedRun
    > {
        var result: [(run: RunSpec, record: RunRecord)] = []
        for id in lookup.runIDs(ofUnit: unit) {
            guard let run = lookup.runs[id], let record = records[id] else {
                return .failure(UnfinishedRun(id: id))
            }
            result.append((run, record))
        }
        return result.isEmpty ? .failure(UnfinishedRun(id: unit)) : .success(result)
    }

    struct UnfinishedRun: Error { var id: String }

    private func experiment(_ d: Directive) -> String {
        guard let id = d.id, let group = plan.groups[id] else { return "" }
        var piece = ""
        if let run = plan.runs[group.runIDs[0]], run.echo {
            var yaml = "id: \(id)\n" + (run.command.map { "run: \($0.template)\n" } ?? "")
            let members = group.runIDs.compactMap { plan.runs[$0] }
            // Keys whose value differs between members (an optimizer's settings do when the sweep
            // changes the optimizer) are shown per run, unless they are exactly the swept keys.
            let differingAll = Set(
                members.flatMap { member in
                    member.settingEntries.filter { entry in
                        run.value(of: entry.key) != entry.value
                    }
                    .map(\.key)
                        + run.settingEntries.filter { member.value(of: $0.key) == nil }.map(
                            \.key)
                })
            // Seed runs differ in their seed only; `seeds:` lists those.
            let differing = group.seeds.isEmpty ? differingAll : differingAll.subtracting(["seed"])
            let perRun =
                members.contains { $0.caseNumber != nil } || !differing.isSubset(of: run.swept.map(\.key))
            for (key, value) in run.settingEntries
            where !run.swept.contains(where: { $0.key == key }) && !(perRun && differing.contains(key))
                && !(key == "seed" && !group.seeds.isEmpty)
            {
                yaml += "\(key): \(value)\n"
            }
            if !group.seeds.isEmpty {
                yaml += "seeds: [\(group.seeds.map(String.init).joined(separator: ", "))]\n"
            }
            if perRun {
                yaml += "runs:\n"
                for member in members where member.member.map({ $0.seed == group.seeds.first }) ?? true {
                    let entries = member.settingEntries.filter {
                        differing.contains($0.key) && !($0.key == "seed" && !group.seeds.isEmpty)
                    }
                    let name = member.member?.id ?? member.id
                    yaml +=
                        "  \(name): {\(entries.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}\n"
                }
            } else if !run.swept.isEmpty {
                yaml += "sweep:\n"
                var seen: [String] = []
                for (key, _) in run.swept where !seen.contains(key) {
                    seen.append(key)
                    let values = group.runIDs.compactMap {
                        plan.runs[$0]?.swept.first { $0.key == key }?.value
                    }
                    var unique: [String] = []
                    for v in values where !unique.contains(v) { unique.append(v) }
                    yaml += "  \(key): [\(unique.joined(separator: ", "))]\n"
                }
            }
            if let initID = run.initID { yaml += "init: \(initID)\n" }
            piece = "```yaml\n\(yaml)```"
        }
        let notes = failureNotes(group.runIDs)
        return piece.isEmpty ? notes.trimmingCharacters(in: .newlines) : piece + notes
    }

    /// A note per failed run; `ids` may name seeded members, whose failed seed runs are listed.
    private func failureNotes(_ ids: [String]) -> String {
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        let ids = ids.flatMap { plan.runs[$0] != nil ? [$0] : lookup.runIDs(ofUnit: $0) }
        return ids.compactMap { id in failures[id].map { "\n\n> **Error:** run `\(id)` failed: \($0)" } }
            .joined()
    }
}
