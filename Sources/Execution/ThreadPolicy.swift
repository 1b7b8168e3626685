import Synchronization

/// How a build shares the machine's cores among the runs it trains at once. Results are bit-identical
/// for any thread count, so a running run's count may change at any batch boundary:
///
/// - Every run in progress gets `cores / slots` threads, where `slots` counts the runs in progress and
///   the ready runs about to start beside them (at most `jobs`): two single-threaded runs beat one
///   two-threaded run on this engine, so a core that a waiting run will take is not lent out.
/// - The cores left over (`cores % slots`) go one each to the runs with the most work left.
/// - When a run finishes and nothing is ready to take its place (the rest wait for an `init` run or a
///   run they extend, or there is nothing left), the runs still going share its cores from their next
///   batch on; when a run becomes ready and starts, the others give theirs back, so the machine is never
///   oversubscribed.
enum ThreadPolicy {
    /// Threads for each run in progress, in the order of `remaining` (each run's work left, any unit).
    public static func shares(remaining: [Double], readyToStart: Int, cores: Int, jobs: Int) -> [Int] {
        guard !remaining.isEmpty else { return [] }
        let slots = max(remaining.count, min(max(1, jobs), remaining.count + readyToStart))
        let base = cores / slots
        guard base > 0 else { return remaining.map { _ in 1 } }
        var shares = remaining.map { _ in base }
        var extra = cores - base * slots
        // Leftover cores to the longest runs first (ties: the earlier one).
        for index in remaining.indices.sorted(by: { remaining[$0] > remaining[$1] }) where extra > 0 {
            shares[index] += 1
            extra -= 1
        }
        return shares
    }
}

/// The thread count a scheduler wants one run to use; the run's trainer reads it between batches.
final class ThreadTarget: Sendable {
    private let value: Atomic<Int>

    public init(_ threads: Int) { value = Atomic(max(1, threads)) }

    public var threads: Int {
        get { value.load(ordering: .relaxed) }
        set { value.store(max(1, newValue), ordering: .relaxed) }
    }
}
