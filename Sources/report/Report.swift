import ArgumentParser
import Engine
import Foundation

@main
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build a Markdown report of machine-learning experiments.",
        discussion: """
            Exit status: 0 on success; 1 when the document has errors (printed like a compiler's, \
            file:line:col) or a run failed; 2 for usage errors (an unknown or invalid flag) and \
            environment errors (a file that cannot be read or written, a missing dataset).
            """,
        version: "report 0.9.0 (engine numerics version \(Engine.numericsVersion))",
        subcommands: [
            InitCommand.self, BuildCommand.self, PreviewCommand.self, CheckCommand.self, StatusCommand.self,
            CleanCommand.self, TrainCommand.self, BenchCommand.self, ModelsCommand.self, DataCommand.self,
            WorkerCommand.self,
        ])

    /// Exit statuses, as `--help` and the README state them.
    enum Status {
        static let documentOrRunError: Int32 = 1
        static let usageOrEnvironmentError: Int32 = 2
    }

    /// Parses and runs the command; every failure ends here and exits with the documented status.
    static func main() {
        ProcessorCheck.requireEngineExtensions()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error, command: Report.self)
        }
        do {
            var running = command
            try running.run()
        } catch {
            fail(error, command: type(of: command))
        }
    }

    /// Prints `error` and exits: 1 is thrown (as `ExitCode`) only after document errors or failed runs
    /// were printed; help and version exit 0; everything else is a usage or environment error, 2.
    private static func fail(_ error: Error, command: ParsableCommand.Type) -> Never {
        if error is ExitCode || error is CleanExit || exitCode(for: error) == .success {
            Report.exit(withError: error)
        }
        let message: String
        if command == Report.self {
            message = fullMessage(for: error)  // a parse error: ArgumentParser words it, with the usage
        } else if error is ValidationError {
            let name = command.configuration.commandName.map { "report \($0)" } ?? "report"
            message = "error: \(error)\n  See '\(name) --help' for the options."
        } else {
            message = "error: " + describe(error)
        }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(Status.usageOrEnvironmentError)
    }

    /// One line for an error: for a file error, the path and the reason, never a raw NSError dump.
    static func describe(_ error: Error) -> String {
        if let cocoa = error as? CocoaError {
            let path = cocoa.filePath ?? cocoa.url?.path
            var reason: String
            if let underlying = cocoa.underlying as NSError?, underlying.domain == NSPOSIXErrorDomain {
                reason = String(cString: strerror(Int32(underlying.code)))
            } else {
                switch cocoa.code {
                case .fileNoSuchFile, .fileReadNoSuchFile: reason = "no such file"
                case .fileReadNoPermission, .fileWriteNoPermission: reason = "permission denied"
                case .fileWriteOutOfSpace: reason = "no space left on the device"
                case .fileWriteVolumeReadOnly: reason = "read-only file system"
                case .fileWriteFileExists: reason = "a file is in the way"
                case .fileReadCorruptFile: reason = "unreadable content"
                case .fileReadInapplicableStringEncoding: reason = "not text in the expected encoding"
                default: reason = "I/O error (Cocoa error \(cocoa.code.rawValue))"
                }
            }
            return path.map { "\($0): \(reason)" } ?? reason
        }
        if let posix = error as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        let text = "\(error)"
        if text.hasPrefix("Error Domain=") {
            // A bare NSError: its path and its sentence, not its dictionary.
            let ns = error as NSError
            let path =
                ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
            return (path.map { "\($0): " } ?? "") + ns.localizedDescription
        }
        return text
    }
}
