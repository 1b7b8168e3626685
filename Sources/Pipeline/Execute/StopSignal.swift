import Foundation

/// Set once to ask a build to stop: workers finish their current batch, keep their last epoch state and
/// return. Thread-safe; `report build` sets it on SIGINT and SIGTERM.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    public var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }
}
