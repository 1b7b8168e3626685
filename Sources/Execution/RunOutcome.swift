import Engine
import Foundation
import RunCache

/// How one planned run ended, whoever trained it and wherever: the one result type that trainers,
/// executors, the build summary and the renderers share.
public enum RunOutcome: Sendable, Equatable {
    /// Trained into the cache by this build; `final` is its last epoch, when the trainer knows it.
    case trained(final: EpochMetrics?)
    /// Finished by another process (another build, a Slurm job of an earlier one) while this build waited.
    case trainedElsewhere
    /// The loss stopped being finite; the epochs before it are kept as a result.
    case diverged(Divergence)
    /// Stopped (SIGINT, SIGTERM); `finished` epochs are kept and the next build resumes after them.
    case interrupted(finished: Int, of: Int)
    /// Never started: the build was stopped first.
    case notStarted
    /// Handed to a scheduler and not waited for (`--detach`), or only shown (`--dry-run`); `build` names
    /// the submission (`report-<build>`).
    case submitted(build: String)
    case failed(RunFailure)

    /// Whether the run's result is in the cache now (a diverged run is a result too).
    public var hasResult: Bool {
        switch self {
        case .trained, .trainedElsewhere, .diverged: return true
        case .interrupted, .notStarted, .submitted, .failed: return false
        }
    }
}

/// Why a run has no result: what to tell the reader, the log that says more, and what kind of failure.
public struct RunFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The training itself stopped with an error (a missing checkpoint, a full disk, …).
        case training
        /// Not trained: the run it starts from (`init`), by key, failed, diverged or did not finish.
        case dependency(on: String)
        /// The scheduler ended the job without a result: its state and reason, and the job as `job_task`.
        case scheduler(state: String, reason: String, job: String)
        /// The run could not be claimed in the cache.
        case cache
    }

    public var message: String
    /// `failed/<key>.log` in the cache, which the README and the summary point to; nil when none was written.
    public var log: URL?
    public var kind: Kind

    public init(_ message: String, log: URL? = nil, kind: Kind = .training) {
        self.message = message
        self.log = log
        self.kind = kind
    }

    public var description: String { message }
}

extension RunStore {
    /// Writes `failed/<key>.log` (which the build summary and the README point to) and returns the
    /// failure that names it. A log that cannot be written leaves the failure without one.
    public func recordFailure(
        _ key: String, _ message: String, log: String, kind: RunFailure.Kind = .training
    ) -> RunFailure {
        let url = failureLog(key)
        let written = (try? writer.write(log, to: url)) != nil
        return RunFailure(message, log: written ? url : nil, kind: kind)
    }
}
