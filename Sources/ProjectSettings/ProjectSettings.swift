import Datasets
import Document
import Foundation
import Suggestions
import Yams

/// How runs are trained: in this process's threads, or as Slurm jobs.
public enum ExecutorKind: String, Sendable, CaseIterable {
    case local, slurm
}

/// `report.yaml` at the project root: settings a project (or a course) ships beside its documents.
/// Its directory is the project root, found from any subdirectory as git finds `.git`; every path in
/// it is relative to that root. Every key is optional and command-line options override them.
///
/// ```yaml
/// document: report/answers.md   # what `report build` builds without an argument
/// data_dir: ../shared/data      # datasets (else REPORT_DATA_DIR, else data/)
/// runs: data/runs               # the run cache
/// figures: figures              # the main document's figures; another document's go in figures/<name>/
/// outputs: {report/draft.md: report/draft.out.md}   # a document's output, when not the default
/// documents: [report/answers.md, report/draft.md]   # what `clean` keeps runs for (default: every
///                                                   # document with directives beside `document`)
/// jobs: 2                       # runs trained at once (default: one per core)
/// executor: local               # local (default) or slurm
/// slurm: {partition: cpu}       # the Slurm executor's section
/// ```
public struct ProjectSettings: Sendable, Equatable {
    public static let fileName = "report.yaml"
    public static let keys = [
        "document", "data_dir", "runs", "figures", "outputs", "documents", "jobs", "executor", "slurm",
        "datasets",
    ]

    public var document: String?
    public var dataDirectory: String?
    public var runs: String?
    public var figures: String?
    /// Document path (relative to the root) → output path (relative to the root).
    public var outputs: [String: String] = [:]
    public var documents: [String]?
    public var jobs: Int?
    public var executor: ExecutorKind?
    /// The `slurm:` section: the Slurm executor's settings.
    public var slurm = SlurmSettings()
    /// The `datasets:` section: datasets the project's experiments may name, paths resolved.
    public var datasets: [DatasetDeclaration] = []

    public init() {}

    /// The directory holding `report.yaml`, searched from `start` up to the filesystem root; nil when
    /// there is none.
    public static func findRoot(from start: URL) -> URL? {
        var directory = start.standardizedFileURL
        while true {
            var info = stat()
            let candidate = directory.appendingPathComponent(fileName)
            if stat(candidate.path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG { return directory }
            let parent = directory.deletingLastPathComponent().standardizedFileURL
            if parent.path == directory.path || directory.path == "/" { return nil }
            directory = parent
        }
    }

    /// Reads `report.yaml` under `root`; no file means default settings. Every error in the file is
    /// reported at once, positioned like a document error (`report.yaml:3:1: error: …`).
    public static func load(root: URL, displayPath: String = fileName) throws -> ProjectSettings {
        let url = root.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return ProjectSettings() }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ProjectFileError.unreadable(displayPath, "cannot be read")
        }
        guard data.count <= 1 << 20 else {
            throw ProjectFileError.unreadable(displayPath, "larger than 1 MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProjectFileError.unreadable(displayPath, "not UTF-8 text")
        }
        return try parse(text, file: displayPath, projectRoot: root)
    }

    /// Parses report.yaml's text; dataset paths are resolved against `projectRoot`. Throws a
    /// `DiagnosticError` with every error in the text.
    public static func parse(
        _ text: String, file: String = fileName,
        projectRoot: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws -> ProjectSettings {
        var settings = ProjectSettings()
        var diagnostics = DiagnosticList(file: file)
        let top = SourceLocation(line: 1, column: 1)
        func location(_ node: Node) -> SourceLocation {
            node.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? top
        }
        func length(_ node: Node) -> Int { max(1, min(80, node.scalar?.string.count ?? 1)) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            diagnostics.error("not valid YAML: \(Self.describe(error))", at: Self.location(of: error) ?? top)
            try diagnostics.throwIfErrors(source: text)
            return settings
        } catch {
            diagnostics.error("not valid YAML: \(error)", at: top)
            try diagnostics.throwIfErrors(source: text)
            return settings
        }
        guard let root, root.null == nil else { return settings }
        guard let mapping = root.mapping else {
            diagnostics.error(
                "\(file) must be a mapping of settings (\(keys.joined(separator: ", ")))", at: location(root))
            try diagnostics.throwIfErrors(source: text)
            return settings
        }
        /// A relative path inside the project: one line, not empty.
        func path(_ key: String, _ node: Node) -> String? {
            guard let value = node.scalar?.string, !value.isEmpty, !value.contains("\n"),
                !value.contains("\0")
            else {
                diagnostics.error(
                    "'\(key)' must be a path (one line of text)", at: location(node), length: length(node))
                return nil
            }
            return value
        }
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            switch key {
            case "document": settings.document = path(key, value)
            case "data_dir": settings.dataDirectory = path(key, value)
            case "runs": settings.runs = path(key, value)
            case "figures": settings.figures = path(key, value)
            case "outputs":
                guard let entries = value.mapping else {
                    diagnostics.error(
                        "'outputs' must map a document to its output, e.g. {report/draft.md: report/draft.out.md}",
                        at: location(value))
                    continue
                }
                for (document, output) in entries {
                    guard let source = path("outputs", document), let target = path("outputs", output) else {
                        continue
                    }
                    settings.outputs[source] = target
                }
            case "documents":
                guard let items = value.sequence else {
                    diagnostics.error(
                        "'documents' must be a list of document paths, e.g. [report/answers.md]",
                        at: location(value))
                    continue
                }
                settings.documents = items.compactMap { path("documents", $0) }
            case "jobs":
                if let number = value.scalar.flatMap({ Int($0.string) }), (1...256).contains(number) {
                    settings.jobs = number
                } else {
                    diagnostics.error(
                        "'jobs' must be a whole number from 1 to 256", at: location(value),
                        length: length(value))
                }
            case "executor":
                let name = value.scalar?.string ?? ""
                if let kind = ExecutorKind(rawValue: name) {
                    settings.executor = kind
                } else {
                    let names = ExecutorKind.allCases.map(\.rawValue)
                    let hint = didYouMean(name, among: names)
                    diagnostics.error(
                        "unknown executor '\(name)'\(hint); expected one of \(names.joined(separator: ", "))",
                        at: location(value), length: length(value))
                }
            case "slurm":
                guard let entries = value.mapping else {
                    diagnostics.error(
                        "'slurm' must be a mapping of sbatch settings (partition:, time:, …)",
                        at: location(value))
                    continue
                }
                for (slurmKey, slurmValue) in entries {
                    let name = slurmKey.scalar?.string ?? ""
                    do {
                        try settings.slurm.set(name, slurmValue)
                    } catch let error as ProjectSettingError {
                        let node = error.atKey ? slurmKey : slurmValue
                        diagnostics.error(error.message, at: location(node), length: length(node))
                    }
                }
            case "datasets":
                settings.datasets = DatasetDeclarations.parse(
                    value, root: projectRoot, file: file, diagnostics: &diagnostics, location: location,
                    length: length)
            default:
                let hint = didYouMean(key, among: keys)
                diagnostics.error(
                    "unknown setting '\(key)'\(hint); \(file) knows \(keys.joined(separator: ", "))",
                    at: location(keyNode), length: length(keyNode))
            }
        }
        try diagnostics.throwIfErrors(source: text)
        return settings
    }

    static func location(of error: YamlError) -> SourceLocation? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(line: mark.line, column: mark.column)
        default: return nil
        }
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(error)"
        }
    }
}

/// A problem with one setting; `atKey` when the key itself is wrong.
struct ProjectSettingError: Error {
    var message: String
    var atKey = false
}

/// `report.yaml` exists but cannot be used as text.
public enum ProjectFileError: Error, CustomStringConvertible {
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why): return "cannot read \(path): \(why)"
        }
    }
}
