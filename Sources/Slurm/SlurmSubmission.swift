import Foundation
import Planning
import ProjectSettings

/// The `sbatch` commands of one build, made without touching the cluster (so `--dry-run` prints exactly
/// what a build submits). Runs that start the same way share one job array: the runs that start from
/// nothing or from a cached run, and then the runs that start from one run trained by this build,
/// which depend on that run's array task.
struct SlurmSubmission {
    /// One `sbatch --array`: a contiguous range of plan indices, all depending on the same `parent` task.
    struct JobArray: Equatable {
        var indices: Range<Int>
        var parent: Int?
        /// What each task asks for beyond the build's settings (an experiment's `slurm:`).
        var resources: SlurmResources? = nil
    }

    public let settings: SlurmSettings
    public let build: String
    /// `<runs>/.slurm/<build>/`.
    public let directory: URL

    var jobName: String { "report-\(build)" }
    var planURL: URL { directory.appendingPathComponent("plan.json") }
    var scriptURL: URL { directory.appendingPathComponent("worker.sh") }
    var logDirectory: URL { directory.appendingPathComponent("logs") }
    func logURL(_ index: Int) -> URL { logDirectory.appendingPathComponent("\(index).log") }

    /// Arrays in submission order (an array comes after the array of its parent).
    public static func arrays(_ tasks: [SlurmPlanFile.Task]) -> [JobArray] {
        var arrays: [JobArray] = []
        for (index, task) in tasks.enumerated() {
            if let last = arrays.last, last.parent == task.parent, last.resources == task.resources,
                last.indices.upperBound == index
            {
                arrays[arrays.count - 1].indices = last.indices.lowerBound..<(index + 1)
            } else {
                arrays.append(
                    JobArray(indices: index..<(index + 1), parent: task.parent, resources: task.resources))
            }
        }
        return arrays
    }

    /// The arguments of `sbatch` for one array; `parentJob` is the Slurm job id of the parent's array.
    public func arguments(_ array: JobArray, parentJob: String?) -> [String] {
        let range =
            array.indices.count == 1
            ? "\(array.indices.lowerBound)" : "\(array.indices.lowerBound)-\(array.indices.upperBound - 1)"
        var arguments = [
            "--parsable", "--job-name=\(jobName)",
            "--array=\(range)\(settings.maxRunning.map { "%\($0)" } ?? "")",
            // sbatch expands `%` in --output (`%j`, `%a`); one in the project's path is doubled to stay itself.
            "--output=\(logDirectory.path.replacingOccurrences(of: "%", with: "%%"))/%a.log",
            "--cpus-per-task=\(array.resources?.cpusPerTask ?? settings.cpusPerTask)",
        ]
        if let partition = settings.partition { arguments.append("--partition=\(partition)") }
        if let account = settings.account { arguments.append("--account=\(account)") }
        if let qos = settings.qos { arguments.append("--qos=\(qos)") }
        if let time = array.resources?.time ?? settings.time { arguments.append("--time=\(time)") }
        if let memory = array.resources?.memory ?? settings.memory { arguments.append("--mem=\(memory)") }
        if let gres = array.resources?.gres ?? settings.gres { arguments.append("--gres=\(gres)") }
        if let parent = array.parent, let parentJob {
            // Without --kill-on-invalid-dep the runs of a failed parent would stay pending forever.
            arguments += ["--dependency=afterok:\(parentJob)_\(parent)", "--kill-on-invalid-dep=yes"]
        }
        arguments += settings.sbatchArguments
        arguments.append(scriptURL.path)
        return arguments
    }

    /// The batch script every task runs: the setup lines, then `report worker` on its own index.
    public func script(command: String, projectRoot: URL) -> String {
        var lines = [
            "#!/bin/bash",
            "# report build \(build): trains run $SLURM_ARRAY_TASK_ID of plan.json into the shared cache.",
        ]
        lines += settings.setup
        lines.append("cd \(Self.quoted(projectRoot.path)) || exit 1")
        lines.append(
            "exec \(Self.quoted(command)) worker \(Self.quoted(planURL.path)) \"$SLURM_ARRAY_TASK_ID\"")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A shell word: as is when it is plainly safe, else in single quotes.
    public static func quoted(_ word: String) -> String {
        let safe = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,%+@")
        if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A fresh build id: the time, then random letters so two builds in one second differ.
    static func newBuildID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return formatter.string(from: now) + "-" + String((0..<4).map { _ in letters.randomElement() ?? "x" })
    }
}
