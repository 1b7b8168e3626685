import Foundation

/// The Slurm client commands (`sbatch`, `squeue`, `scancel`), found on `PATH` of `environment`.
/// Tests point `PATH` at fake scripts.
public struct SlurmCommands: Sendable {
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    public func locate(_ tool: String) throws -> URL {
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(directory)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw SlurmError.toolMissing(tool)
    }

    /// Runs a tool to completion; its standard error goes to a temporary file so that neither pipe fills.
    public func run(_ tool: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = try locate(tool)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-\(tool)-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        process.standardOutput = output
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errorHandle.close()
        let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return Output(
            status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self),
            standardError: errorText)
    }

    /// Submits one array; returns its job id.
    public func submit(_ arguments: [String]) throws -> String {
        let result = try run("sbatch", arguments)
        let id =
            result.standardOutput.split(separator: "\n").last.map {
                String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces)
            } ?? ""
        guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let why = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmError.toolFailed(
                "sbatch",
                why.isEmpty ? "exit status \(result.status), output '\(result.standardOutput)'" : why)
        }
        return id
    }

    /// Every task of the jobs named `names` that Slurm still lists, finished ones included: one call.
    public func queue(names: [String]) throws -> [SlurmQueueEntry] {
        let result = try run(
            "squeue",
            [
                "--noheader", "--array", "--states=all", "--name=\(names.joined(separator: ","))",
                "--format=%F|%K|%T|%r|%N",
            ])
        guard result.status == 0 else {
            throw SlurmError.toolFailed(
                "squeue", result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.standardOutput.split(separator: "\n").compactMap { SlurmQueueEntry(line: String($0)) }
    }

    /// Cancels whole jobs (every task of each array).
    public func cancel(_ jobs: [String]) throws {
        guard !jobs.isEmpty else { return }
        let result = try run("scancel", jobs)
        guard result.status == 0 else {
            throw SlurmError.toolFailed(
                "scancel", result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
