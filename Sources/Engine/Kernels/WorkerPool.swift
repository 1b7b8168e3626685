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
/// share helpers; a pool's helpers stop when the thread that owns it exits. A pool keeps the helpers it
/// once needed; those without a share in the current job (the run got fewer threads since) neither read
/// it nor spin, they sleep until a job has a share for them.
final class WorkerPool: @unchecked Sendable {
    /// The current job's generation and thread count, packed (`generation << 16 | workers`) so that a
    /// helper reads both at once: bumped by the owner to publish a job; helpers remember the last
    /// generation they saw.
    private let state = Atomic<Int>(0)
    /// Helpers with a share in the current job that have not finished it (the owner never changes `job`
    /// while one may still read it).
    private let remaining = Atomic<Int>(0)
    /// Helpers blocked on `condition` (so the owner knows whether to signal it).
    private let sleepers = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let condition = NSCondition()
    /// The job: written by the owner before it bumps `state`, read by the helpers that have a share in it
    /// after they see the bump, never changed while `remaining` is above zero.
    private nonisolated(unsafe) var job: (@Sendable (Int) -> Void)?
    /// Helpers started so far; helper i (1-based) runs share i.
    private var helpers = 0
    /// Set while the owner runs a job, so that a nested split on the owner runs inline; always set in the
    /// pools of helper threads, so that a split inside a helper's share runs inline too (no helpers of
    /// helpers).
    private(set) var busy = false

    /// How many times a helper polls for the next job before it sleeps (tens of microseconds here), and
    /// how many times the owner polls for the helpers before it starts yielding its core between polls.
    private static let helperSpins = 20_000
    private static let ownerSpins = 20_000

    /// Runs `share(t)` for t in 0..<workers: t = 0 here, the others on helpers; returns when all are done.
    func run(workers: Int, _ share: @escaping @Sendable (Int) -> Void) {
        precondition(workers >= 2 && workers < 1 << 16, "a pool job for \(workers) threads")
        while helpers < workers - 1 { startHelper(index: helpers + 1) }
        busy = true
        defer { busy = false }
        job = share
        remaining.store(workers - 1, ordering: .sequentiallyConsistent)
        let generation = Self.generation(state.load(ordering: .relaxed)) + 1
        state.store(generation << 16 | workers, ordering: .sequentiallyConsistent)
        // A helper that is about to sleep counts itself in `sleepers` before it checks `state` one last
        // time, under the lock: either it sees the bump or we see it counted and wake it.
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

    private static func generation(_ state: Int) -> Int { state >> 16 }
    private static func workers(_ state: Int) -> Int { state & 0xFFFF }

    private func startHelper(index: Int) {
        helpers += 1
        let seen = Self.generation(state.load(ordering: .sequentiallyConsistent))
        let thread = Thread { [self] in helperLoop(index: index, seen: seen) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func helperLoop(index: Int, seen: Int) {
        let own = WorkerPool()
        own.busy = true
        pthread_setspecific(Self.key, Unmanaged.passRetained(own).toOpaque())
        var seen = seen
        // Spin for the next job only after one with a share here: a helper the run no longer needs sleeps.
        var spin = true
        while true {
            var spins = 0
            var now = state.load(ordering: .acquiring)
            while spin && Self.generation(now) == seen && spins < Self.helperSpins
                && !stopped.load(ordering: .relaxed)
            {
                spins += 1
                now = state.load(ordering: .acquiring)
            }
            if Self.generation(now) == seen {
                condition.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while Self.generation(state.load(ordering: .sequentiallyConsistent)) == seen
                    && !stopped.load(ordering: .sequentiallyConsistent)
                {
                    condition.wait()
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                condition.unlock()
                now = state.load(ordering: .acquiring)
            }
            if stopped.load(ordering: .sequentiallyConsistent) { return }
            seen = Self.generation(now)
            // A job with a share here cannot be replaced before this share is done: the owner waits for it.
            spin = index < Self.workers(now)
            guard spin else { continue }
            job?(index)
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
