/// Static work splitting across a fixed number of threads: thread t always gets the same contiguous
/// share of `0..<count`, so results (including floating-point sums per share) are deterministic for a
/// given thread count.
enum Parallel {
    /// Runs `body(range, thread)` for each thread's share of `0..<count`: share 0 on the calling thread,
    /// the others on its `WorkerPool`'s helpers. `body` runs on several threads at once: it shares memory
    /// only through `SharedPointer`, under that type's invariant. A split inside a split runs its shares
    /// one after another on the calling thread.
    static func split(_ count: Int, threads: Int, _ body: @escaping @Sendable (Range<Int>, Int) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            body(0..<count, 0)
            return
        }
        let pool = WorkerPool.current
        if pool.busy {
            for t in 0..<workers { body(share(t, of: count, workers: workers), t) }
            return
        }
        pool.run(workers: workers) { t in body(share(t, of: count, workers: workers), t) }
    }

    static func share(_ t: Int, of count: Int, workers: Int) -> Range<Int> {
        let base = count / workers
        let extra = count % workers
        let start = t * base + min(t, extra)
        return start..<(start + base + (t < extra ? 1 : 0))
    }
}
