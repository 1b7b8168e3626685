import Document
import Foundation
import Suggestions
import Yams

/// How runs are trained: in this process's threads, or as Slurm jobs.
public enum ExecutorKind: String, Sendable, CaseIterable {
    case local, slurm
}

/// `report.yaml` at the project root: settings a project (or a course) ships beside its document.
/// Every key is optional and command-line options override them.
///
/// ```yaml
/// executor: slurm          # local (default) or slurm
/// slurm:
///   partition: cpu
///   time: "0:30:00"
///   cpus_per_task: 2
/// ```
public struct ProjectSettings: Sendable, Equatable {
    public static let fileName = "report.yaml"

    public var executor: ExecutorKind?
    public var slurm = SlurmSettings()

    public init() {}

    /// Reads `report.yaml` under `root`; no file means default settings. Every error in the file is
    /// reported at once, positioned like a document error.
    public static func load(root: URL) throws -> ProjectSettings {
        let url = root.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return ProjectSettings() }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.unreadableDocument(fileName, "not UTF-8 text")
        }
        return try parse(text, file: fileName)
    }

    public static func parse(_ text: String, file: String = fileName) throws -> ProjectSettings {
        var settings = ProjectSettings()
        var diagnostics = DiagnosticList(file: file)
        let top = SourceLocation(line: 1, column: 1)
        func location(_ node: Node) -> SourceLocation {
            node.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? top
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            diagnostics.error("not valid YAML: \(error)", at: top)
            try diagnostics.throwIfErrors(source: text)
            return settings
        }
        guard let root, root.null == nil else { return settings }
        guard let mapping = root.mapping else {
            diagnostics.error("\(file) must be a mapping of settings (executor:, slurm:)", at: location(root))
            try diagnostics.throwIfErrors(source: text)
            return settings
        }
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            switch key {
            case "executor":
                let name = value.scalar?.string ?? ""
                if let kind = ExecutorKind(rawValue: name) {
                    settings.executor = kind
                } else {
                    let names = ExecutorKind.allCases.map(\.rawValue)
                    let hint = didYouMean(name, among: names)
                    diagnostics.error("unknown executor '\(name)'\(hint); expected one of \(names.joined(separator: ", "))",
                                      at: location(value), length: max(1, name.count))
                }
            case "slurm":
                guard let entries = value.mapping else {
                    diagnostics.error("'slurm' must be a mapping of sbatch settings (partition:, time:, …)", at: location(value))
                    continue
                }
                for (slurmKey, slurmValue) in entries {
                    let name = slurmKey.scalar?.string ?? ""
                    do {
                        try settings.slurm.set(name, slurmValue)
                    } catch let error as ProjectSettingError {
                        let node = error.atKey ? slurmKey : slurmValue
                        diagnostics.error(error.message, at: location(node), length: max(1, node.scalar?.string.count ?? 1))
                    }
                }
            default:
                let hint = didYouMean(key, among: ["executor", "slurm"])
                diagnostics.error("unknown setting '\(key)'\(hint); \(file) knows executor and slurm", at: location(keyNode),
                                  length: max(1, key.count))
            }
        }
        try diagnostics.throwIfErrors(source: text)
        return settings
    }
}

/// A problem with one setting; `atKey` when the key itself is wrong.
struct ProjectSettingError: Error {
    var message: String
    var atKey = false
}
