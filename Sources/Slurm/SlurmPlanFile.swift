import Datasets
import Files
import Foundation
import Planning
import RunCache

/// What every array task of one Slurm build reads (`<runs>/.slurm/<build>/plan.json`): the document's
/// text as it was when the build was submitted, where the cache and datasets are, and one entry per
/// run to train. Task `i` of the file is array task `i` of its build.
struct SlurmPlanFile: Codable, Equatable {
    static let currentVersion = 1

    struct Task: Codable, Equatable {
        var key: String
        var runIDs: [String]
        /// The plan index of the run this one starts from, when that run is trained by this build.
        var parent: Int?
        /// `--rerun`: train and replace the cached entry.
        var rerun: Bool?
        /// What its experiment's `slurm:` asks for, over the build's settings (a run of a command).
        var resources: SlurmResources?
        enum CodingKeys: String, CodingKey {
            case key
            case runIDs = "runs"
            case parent, rerun, resources
        }
    }

    public var version = Self.currentVersion
    public var build: String
    /// The document's path (for messages) and its text at submission.
    public var document: String
    public var source: String
    public var projectRoot: String
    public var runs: String
    public var dataDirectory: String?
    public var threads: Int
    var tasks: [Task]
    /// The project's declared datasets at submission (nil in plans written before they existed).
    public var datasets: [DatasetDeclaration]?

    public static func read(_ url: URL) throws -> SlurmPlanFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SlurmError.unreadablePlan(
                url.path, "no such file (the plan must be on a filesystem every node sees)")
        }
        let plan: SlurmPlanFile
        do {
            plan = try JSONDecoder().decode(SlurmPlanFile.self, from: data)
        } catch {
            throw SlurmError.unreadablePlan(url.path, "\(error)")
        }
        guard plan.version == currentVersion else {
            throw SlurmError.unreadablePlan(
                url.path, "plan version \(plan.version); this report reads version \(currentVersion)")
        }
        return plan
    }

    public func write(to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileWriter().write(
            String(decoding: try RunStore.encoder().encode(self), as: UTF8.self) + "\n", to: url)
    }

    /// Orders the runs to train so that every array is a contiguous range of indices and comes after the
    /// array holding the run it starts from: first every run that starts from nothing or from a cached
    /// run, then, for each of those in turn, the runs that start from it, and so on.
    static func tasks(for runs: [PlannedRun], rerun: Set<String> = []) -> [Task] {
        let keys = Set(runs.map(\.key))
        var children: [String: [PlannedRun]] = [:]
        var roots: [PlannedRun] = []
        for run in runs {
            if let parent = run.initKey, keys.contains(parent) {
                children[parent, default: []].append(run)
            } else {
                roots.append(run)
            }
        }
        var tasks: [Task] = []
        var queue: [(run: PlannedRun, parent: Int?)] = roots.map { ($0, nil) }
        var head = 0
        while head < queue.count {
            let (run, parent) = queue[head]
            head += 1
            let index = tasks.count
            tasks.append(
                Task(
                    key: run.key, runIDs: run.runIDs, parent: parent,
                    rerun: rerun.contains(run.key) ? true : nil, resources: run.command?.slurm))
            queue += (children[run.key] ?? []).map { ($0, index) }
        }
        return tasks
    }
}

/// Failures of a Slurm build that are not a run's own.
public enum SlurmError: Error, CustomStringConvertible {
    case unreadablePlan(String, String)
    case noSuchTask(String, Int, Int)
    case keyMismatch(run: String, planned: String, actual: String)
    case toolMissing(String)
    case toolFailed(String, String)
    case runsInQueue([String], builds: [String])
    case interrupted(cancelled: Int)
    case runFailed(String)

    public var description: String {
        switch self {
        case .unreadablePlan(let path, let why): return "cannot read the Slurm plan \(path): \(why)"
        case .noSuchTask(let path, let index, let count):
            return
                "\(path) has \(count) run\(count == 1 ? "" : "s") (indices 0 to \(count - 1)); there is no index \(index)"
        case .keyMismatch(let run, let planned, let actual):
            return
                "refusing to train '\(run)': the plan says key \(planned) but this report computes \(actual) "
                + "(a different report version or dataset on this node, or an edited plan); run `report build` again"
        case .toolMissing(let tool):
            return
                "\(tool) not found on PATH; `--executor slurm` needs the Slurm commands sbatch, squeue and scancel"
        case .toolFailed(let command, let why): return "\(command) failed: \(why)"
        case .runsInQueue(let runs, let builds):
            return
                "\(runs.count) run\(runs.count == 1 ? " is" : "s are") still in the Slurm queue from an earlier build: "
                + runs.joined(separator: ", ")
                + "; wait for them (`report status` shows them) or cancel them with `scancel --name="
                + builds.map { "report-\($0)" }.joined(separator: ",") + "`"
        case .interrupted(let count):
            return "interrupted: cancelled \(count) Slurm job\(count == 1 ? "" : "s") of this build"
        case .runFailed(let message): return message
        }
    }
}
