import Dispatch
import Foundation
import Synchronization

/// Catches Ctrl-C (SIGINT) and SIGTERM while a Slurm build waits, so that it can cancel its jobs
/// before exiting. The signals get their default action back when it is released.
/// Unchecked Sendable only because Dispatch does not mark its (thread-safe) signal sources Sendable.
public final class SlurmInterrupt: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let caught = Mutex(false)
    private let sources: [DispatchSourceSignal]
    private static let signals = [SIGINT, SIGTERM]

    public init() {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        for source in sources {
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    private func fire() {
        caught.withLock { $0 = true }
        semaphore.signal()
    }

    var wasInterrupted: Bool { caught.withLock { $0 } }

    /// Sleeps up to `seconds`; true as soon as a signal came.
    public func sleep(_ seconds: Double) -> Bool {
        _ = semaphore.wait(timeout: .now() + seconds)
        return wasInterrupted
    }
}
