import Foundation
import ProjectSettings

extension Project {
    /// The build options for `given`, run from `cwd`.
    public func options(_ given: CommandLine, cwd: URL) -> BuildOptions {
        var options = BuildOptions()
        options.projectRoot = root
        let documentURL =
            given.document.map { Self.absolute($0, from: cwd) }
            ?? root.appendingPathComponent(settings.document ?? "report/answers.md")
        options.document = inProject(documentURL)
        options.documentDisplayPath = given.document ?? Self.relativeFile(from: cwd, to: documentURL)
        options.runs = given.runs.map { Self.absolute($0, from: cwd).path } ?? settings.runs ?? "data/runs"
        if let figures = given.figures {
            options.figures = Self.absolute(figures, from: cwd).path
        } else {
            options.figures = Self.figures(
                base: settings.figures ?? "figures", document: options.document,
                main: settings.document ?? "report/answers.md")
        }
        if let output = given.output {
            options.output = Self.absolute(output, from: cwd).path
        } else {
            options.output =
                settings.outputs[options.document].map { inProject(root.appendingPathComponent($0)) }
                ?? Self.defaultOutput(for: options.document)
        }
        if let data = given.dataDirectory {
            options.dataDirectory = Self.absolute(data, from: cwd).path
        } else if let data = settings.dataDirectory {
            options.dataDirectory = Self.absolute(data, from: root).path
        }
        options.datasets = settings.datasets
        options.jobs = given.jobs ?? settings.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        return options
    }
}
