import Dispatch
import Foundation

/// Catches Ctrl-C (SIGINT) and SIGTERM while a Slurm build waits, so that it can cancel its jobs
/// before exiting. The signals get their default action back when it is released.
final class SlurmInterrupt: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var caught = false
    private var sources: [DispatchSourceSignal] = []
    private static let signals = [SIGINT, SIGTERM]

    init() {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    private func fire() {
        lock.lock()
        caught = true
        lock.unlock()
        semaphore.signal()
    }

    var wasInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return caught
    }

    /// Sleeps up to `seconds`; true as soon as a signal came.
    func sleep(_ seconds: Double) -> Bool {
        _ = semaphore.wait(timeout: .now() + seconds)
        return wasInterrupted
    }
}
