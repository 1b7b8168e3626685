import Foundation
import Synchronization
import XCTest

@testable import Engine

/// `Parallel.split` on its `WorkerPool`: every share runs exactly once, on the thread index it was
/// promised, for thousands of back-to-back splits (a helper that missed a wake-up would hang the test, one
/// that ran a job twice or ran a stale job would break the counts), from several owner threads at once,
/// and nested.
final class ParallelTests: XCTestCase {
    /// Each element of 0..<count is visited once, by the share that `Parallel.share` assigns it.
    private func checkSplit(count: Int, threads: Int, file: StaticString = #filePath, line: UInt = #line) {
        let visits = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
        defer { visits.deallocate() }
        visits.initialize(repeating: 0, count: max(count, 1))
        let owner = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
        defer { owner.deallocate() }
        owner.initialize(repeating: -1, count: max(count, 1))
        let v = SharedPointer(visits)
        let o = SharedPointer(owner)
        Parallel.split(count, threads: threads) { range, t in
            for i in range {
                v.base[i] += 1
                o.base[i] = Int32(t)
            }
        }
        let workers = max(1, min(threads, count))
        for t in 0..<workers {
            for i in Parallel.share(t, of: count, workers: workers) {
                XCTAssertEqual(
                    visits[i], 1, "element \(i) visited \(visits[i]) times", file: file, line: line)
                XCTAssertEqual(
                    owner[i], Int32(t), "element \(i) ran on share \(owner[i])", file: file, line: line)
            }
        }
    }

    func testEveryShareRunsOnceForManySplitsInARow() {
        for round in 0..<3_000 {
            checkSplit(count: 1 + round % 37, threads: 1 + round % 4)
        }
    }

    /// Splits far apart in time: the helpers have gone to sleep between them and must be woken.
    func testSplitsAfterTheHelpersSleep() {
        for _ in 0..<5 {
            checkSplit(count: 64, threads: 3)
            usleep(20_000)
        }
    }

    /// Four owner threads split at once, each on its own pool: no share is lost or run twice.
    func testConcurrentOwnersKeepTheirOwnHelpers() {
        let group = DispatchGroup()
        let failures = Atomic<Int>(0)
        for owner in 0..<4 {
            group.enter()
            let thread = Thread {
                for round in 0..<500 {
                    let count = 8 + (round + owner) % 50
                    let sum = Atomic<Int>(0)
                    Parallel.split(count, threads: 2 + owner % 2) { range, _ in
                        for i in range { sum.add(i, ordering: .relaxed) }
                    }
                    if sum.load(ordering: .relaxed) != count * (count - 1) / 2 {
                        failures.add(1, ordering: .relaxed)
                    }
                }
                group.leave()
            }
            thread.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, "a split never finished")
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    }

    /// A split inside a split runs its shares on the thread that made it, one after another, whether
    /// that is the owner or a helper: no thread starts helpers of its own.
    func testNestedSplitRunsInline() {
        let total = Atomic<Int>(0)
        let foreign = Atomic<Int>(0)
        Parallel.split(4, threads: 2) { outer, _ in
            for _ in outer {
                let thread = pthread_self()
                Parallel.split(10, threads: 3) { inner, _ in
                    if pthread_equal(thread, pthread_self()) == 0 { foreign.add(1, ordering: .relaxed) }
                    for i in inner { total.add(i, ordering: .relaxed) }
                }
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 4 * 45)
        XCTAssertEqual(foreign.load(ordering: .relaxed), 0, "an inner share ran on another thread")
    }

    /// The helpers of a thread's pool stop when that thread exits: thread count returns to where it was.
    func testHelpersStopWhenTheirOwnerExits() throws {
        #if os(Linux)
            func threadCount() throws -> Int {
                try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
            }
            let before = try threadCount()
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                Parallel.split(8, threads: 4) { _, _ in }
                done.signal()
            }
            thread.start()
            done.wait()
            var after = try threadCount()
            for _ in 0..<200 where after > before {
                usleep(10_000)
                after = try threadCount()
            }
            XCTAssertLessThanOrEqual(after, before, "helpers outlived the thread that owned them")
        #else
            throw XCTSkip("counts threads through /proc")
        #endif
    }
}
