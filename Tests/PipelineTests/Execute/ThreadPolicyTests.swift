import XCTest

@testable import Execution
@testable import Pipeline

/// How a build shares its cores among the runs in progress.
final class ThreadPolicyTests: XCTestCase {
    func testSharesTheCoresAndKeepsThemForRunsAboutToStart() {
        // Two cores, two runs: one each; when one ends and nothing is ready, the other gets both.
        XCTAssertEqual(ThreadPolicy.shares(remaining: [5, 1], readyToStart: 0, cores: 2, jobs: 2), [1, 1])
        XCTAssertEqual(ThreadPolicy.shares(remaining: [5], readyToStart: 0, cores: 2, jobs: 2), [2])
        // A ready run will take the free core: it is not lent out.
        XCTAssertEqual(ThreadPolicy.shares(remaining: [5], readyToStart: 3, cores: 2, jobs: 2), [1])
        // -j 1 on two cores: the one run always has both.
        XCTAssertEqual(ThreadPolicy.shares(remaining: [5], readyToStart: 3, cores: 2, jobs: 1), [2])
        // Leftover cores go to the runs with the most work left.
        XCTAssertEqual(
            ThreadPolicy.shares(remaining: [1, 9, 4], readyToStart: 0, cores: 8, jobs: 4), [2, 3, 3])
        XCTAssertEqual(ThreadPolicy.shares(remaining: [1, 9], readyToStart: 1, cores: 4, jobs: 3), [1, 2])
        // More runs than cores (-j 4 on two): one each, never zero.
        XCTAssertEqual(
            ThreadPolicy.shares(remaining: [1, 2, 3, 4], readyToStart: 0, cores: 2, jobs: 4), [1, 1, 1, 1])
        XCTAssertEqual(ThreadPolicy.shares(remaining: [], readyToStart: 2, cores: 2, jobs: 2), [])
    }

    func testATargetIsAtLeastOneThread() {
        let target = ThreadTarget(0)
        XCTAssertEqual(target.threads, 1)
        target.threads = 3
        XCTAssertEqual(target.threads, 3)
        target.threads = -2
        XCTAssertEqual(target.threads, 1)
    }
}
