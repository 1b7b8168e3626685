import ArgumentParser
import Console
import Document
import Engine
import Foundation
import Pipeline
import Preview
import ProjectSettings

/// `report preview`: builds with `--html`, serves the page on 127.0.0.1, and rebuilds and reloads the
/// browser on every save of the document (or of report.yaml).
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract:
            "Serve the HTML page on 127.0.0.1, rebuild on every save of the document, and reload the browser.",
        discussion: "Only the page and its figures are served, to this machine only. Ctrl-C stops.")

    @OptionGroup var common: DocumentOptions
    @Option(help: "The port on 127.0.0.1 (0: any free port).") var port: UInt16 = 8000
    @Option(name: .short, help: "Runs trained at once (default: report.yaml's jobs, else one per core).")
    var jobs: Int?

    func run() throws {
        if let jobs, !(1...Limits.threads).contains(jobs) {
            throw ValidationError("-j must be from 1 to \(Limits.threads), found \(jobs)")
        }
        let (project, resolved) = try common.resolve { $0.jobs = jobs }
        if project.settings.executor == .slurm {
            throw ValidationError(
                "report.yaml asks for executor slurm, which this build of report does not have; use executor: local"
            )
        }
        var options = resolved
        options.html = true
        // A document from elsewhere (a download, a classmate's) is shown, but its commands never run.
        let document = options.url(options.document).standardizedFileURL.path
        options.runsCommands = document.hasPrefix(options.projectRoot.standardizedFileURL.path + "/")
        let server = try PreviewServer(port: port)
        FileHandle.standardError.write(
            Data(
                "previewing \(options.documentDisplayPath ?? options.document) at http://127.0.0.1:\(server.port)/ (rebuilds on every save; Ctrl-C stops)\n"
                    .utf8))
        let watched = [
            options.projectRoot.appendingPathComponent(options.document).path,
            options.projectRoot.appendingPathComponent(ProjectSettings.fileName).path,
        ]
        var seen: [String] = []
        while true {
            let stamps = watched.map(Self.modification)
            if stamps != seen {
                seen = stamps
                rebuild(options, server: server)
            }
            usleep(300_000)
        }
    }

    /// Size and modification time, as text: a save changes it.
    static func modification(_ path: String) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "-" }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size) \(time)"
    }

    func rebuild(_ options: BuildOptions, server: PreviewServer) {
        let builder = ReportBuilder(options: options, console: BuildConsole())
        do {
            let summary = try builder.build()
            guard let html = summary.html else { return }
            let page = try Data(contentsOf: options.projectRoot.appendingPathComponent(html))
            let figuresDirectory =
                options.figures.hasPrefix("/")
                ? URL(fileURLWithPath: options.figures)
                : options.projectRoot.appendingPathComponent(options.figures)
            let figures =
                ((try? FileManager.default.contentsOfDirectory(
                    at: figuresDirectory, includingPropertiesForKeys: [.isRegularFileKey])) ?? [])
                .filter {
                    $0.pathExtension == "svg"
                        && ((try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false)
                            == true
                }
            server.publish(page: page, figures: figures)
            let failed = summary.failed.isEmpty ? "" : ", \(summary.failed.count) failed"
            FileHandle.standardError.write(
                Data("rebuilt \(html) at \(Self.clock())\(failed); the browser reloads\n".utf8))
        } catch let error as DiagnosticError {
            FileHandle.standardError.write(
                Data(
                    (error.description + "\n(the page shows the last good build; save again to retry)\n").utf8
                ))
        } catch {
            FileHandle.standardError.write(Data("error: \(Report.describe(error))\n".utf8))
        }
    }

    static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}
