import Foundation
import Synchronization

/// Set once to ask a build to stop: workers finish their current batch, keep their last epoch state and
/// return. Thread-safe; `report build` sets it on SIGINT and SIGTERM.
public final class StopSignal: Sendable {
    private let stopped = Mutex(false)

    public init() {}

    public var isStopped: Bool { stopped.withLock { $0 } }

    public func stop() { stopped.withLock { $0 = true } }
}
