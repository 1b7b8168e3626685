import Dispatch
import Execution
import Foundation
import Synchronization

/// Catches Ctrl-C (SIGINT) and SIGTERM while a Slurm build waits (through ``SignalTrap``), so that it can
/// cancel its jobs before exiting. The signals get their default action back when it is released.
public final class SlurmInterrupt: Sendable {
    /// What the trap's handler sets: shared with it, so it is a box of its own.
    private final class Caught: Sendable {
        let flag = Mutex(false)
        let semaphore = DispatchSemaphore(value: 0)
    }

    private let caught = Caught()
    private let trap: SignalTrap

    public init() {
        let caught = self.caught
        trap = SignalTrap { _ in
            caught.flag.withLock { $0 = true }
            caught.semaphore.signal()
        }
    }

    var wasInterrupted: Bool { caught.flag.withLock { $0 } }

    /// Sleeps up to `seconds`; true as soon as a signal came.
    public func sleep(_ seconds: Double) -> Bool {
        _ = caught.semaphore.wait(timeout: .now() + seconds)
        return wasInterrupted
    }
}
