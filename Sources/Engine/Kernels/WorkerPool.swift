import Foundation
import Synchronization

/// The helper threads of one calling thread: `Parallel.split` runs share 0 on the caller and shares
/// 1..<workers on these, then waits for them. A training run makes a dozen splits per batch, each a few
/// hundred microseconds long; waking a sleeping thread for each (what `DispatchQueue.concurrentPerform`
/// does) costs tens of microseconds on the critical path. So helpers spin on an atomic generation
/// counter for a while after each job, and only then sleep on a condition; the caller spins too while it
/// waits, yielding the core when that takes long (another run may need it).
///
/// Each calling thread gets its own pool (`WorkerPool.current`), so concurrent runs in one build never
/// share helpers; a pool's helpers stop when the thread that owns it exits.
final class WorkerPool: @unchecked Sendable {
    /// Bumped by the owner to publish a job; helpers remember the last one they saw.
    private let generation = Atomic<Int>(0)
    /// Helpers that have not yet finished the current job (every helper answers each job, also those
    /// without a share, so the owner never changes `job` while one may read it).
    private let remaining = Atomic<Int>(0)
    /// Helpers blocked on `condition` (so the owner knows whether to signal it).
    private let sleepers = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let condition = NSCondition()
    /// The job: written by the owner before it bumps `generation`, read by helpers after they see the
    /// bump, never changed while `remaining` is above zero.
    private nonisolated(unsafe) var job: (body: @Sendable (Int) -> Void, workers: Int)?
    /// Helpers started so far; helper i (1-based) runs share i.
    private var helpers = 0
    /// Set while the owner runs a job, so that a nested split on the owner runs inline; always set in the
    /// pools of helper threads, so that a split inside a helper's share runs inline too (no helpers of
    /// helpers).
    private(set) var busy = false

    /// How many times a helper polls for the next job before it sleeps (about 50–100 µs), and how many
    /// times the owner polls for the helpers before it starts yielding its core between polls.
    private static let helperSpins = 20_000
    private static let ownerSpins = 20_000

    /// Runs `share(t)` for t in 0..<workers: t = 0 here, the others on helpers; returns when all are done.
    func run(workers: Int, _ share: @escaping @Sendable (Int) -> Void) {
        while helpers < workers - 1 { startHelper(index: helpers + 1) }
        busy = true
        defer { busy = false }
        job = (share, workers)
        remaining.store(helpers, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        // A helper that is about to sleep counts itself in `sleepers` before it checks `generation` one
        // last time, under the lock: either it sees the bump or we see it counted and wake it.
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
        share(0)
        var spins = 0
        while remaining.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > Self.ownerSpins { sched_yield() }
        }
        job = nil
    }

    private func startHelper(index: Int) {
        helpers += 1
        let seen = generation.load(ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in helperLoop(index: index, seen: seen) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func helperLoop(index: Int, seen: Int) {
        let own = WorkerPool()
        own.busy = true
        pthread_setspecific(Self.key, Unmanaged.passRetained(own).toOpaque())
        var seen = seen
        while true {
            var spins = 0
            var now = generation.load(ordering: .acquiring)
            while now == seen && spins < Self.helperSpins && !stopped.load(ordering: .relaxed) {
                spins += 1
                now = generation.load(ordering: .acquiring)
            }
            if now == seen {
                condition.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen
                    && !stopped.load(ordering: .sequentiallyConsistent)
                {
                    condition.wait()
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                condition.unlock()
                now = generation.load(ordering: .acquiring)
            }
            if stopped.load(ordering: .sequentiallyConsistent) { return }
            seen = now
            if let job, index < job.workers { job.body(index) }
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// Stops the helpers (they exit at their next poll or wake-up).
    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    // MARK: One pool per calling thread

    /// The calling thread's pool, made on first use and stopped when the thread exits.
    static var current: WorkerPool {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<WorkerPool>.fromOpaque(pointer).takeUnretainedValue()
        }
        let pool = WorkerPool()
        pthread_setspecific(key, Unmanaged.passRetained(pool).toOpaque())
        return pool
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            let pool = Unmanaged<WorkerPool>.fromOpaque(pointer).takeRetainedValue()
            pool.stop()
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()
}
