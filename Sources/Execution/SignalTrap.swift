import Dispatch
import Foundation

/// The one place `report` catches SIGINT and SIGTERM: from `init` until `release()` (or deinit) the
/// signals do not kill the process; `handler` runs on a background queue for each one that arrives.
/// Afterwards they get their default action back. A local build uses it to stop at the next batch (a
/// second signal exits at once, status 130); a Slurm build to cancel its jobs before it exits.
/// Unchecked Sendable only because Dispatch does not mark its (thread-safe) signal sources Sendable.
public final class SignalTrap: @unchecked Sendable {
    public static let signals = [SIGINT, SIGTERM]
    private let sources: [DispatchSourceSignal]
    private let released = NSLock()
    private var isReleased = false

    public init(_ handler: @escaping @Sendable (Int32) -> Void) {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops catching: the signals kill the process again.
    public func release() {
        released.lock()
        defer { released.unlock() }
        guard !isReleased else { return }
        isReleased = true
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    deinit { release() }
}
