import XCTest

@testable import Pipeline
@testable import Planning

/// The scheduler replay behind `report.cold_build_time`, on durations small enough to follow by hand.
final class ColdBuildTimeTests: XCTestCase {
    private typealias Job = ColdBuildTime.Job

    /// D is the most expensive but starts from A (`init`), so it waits for A.
    private let jobs = [
        Job(key: "A", initKey: nil, cost: 5, seconds: 10),
        Job(key: "B", initKey: nil, cost: 4, seconds: 6),
        Job(key: "C", initKey: nil, cost: 3, seconds: 5),
        Job(key: "D", initKey: "A", cost: 10, seconds: 3),
    ]

    func testReplayFollowsTheExecutorsOrder() {
        // Two slots: A and B start at 0 (D waits for A); B ends at 6 and C starts (6 → 11); A ends at
        // 10 and D starts (10 → 13); the last finishes at 13.
        XCTAssertEqual(ColdBuildTime.replay(jobs, slots: 2), 13)
        // One slot: everything in turn, 24.
        XCTAssertEqual(ColdBuildTime.replay(jobs, slots: 1), 24)
        // Four slots: A, B, C at once; D after A: 13 as well (A + D is the longest chain).
        XCTAssertEqual(ColdBuildTime.replay(jobs, slots: 4), 13)
        XCTAssertEqual(ColdBuildTime.replay([], slots: 2), 0)
    }

    func testTheMachineSaysHowManyRunAtOnce() {
        XCTAssertEqual(ColdBuildTime.cores("AMD EPYC, 2 cores"), 2)
        XCTAssertEqual(ColdBuildTime.cores("Intel(R) Xeon(R), 2.1 GHz, 1 core"), 1)
        XCTAssertNil(ColdBuildTime.cores("test"))
        XCTAssertNil(ColdBuildTime.cores("x, 0 cores"))
    }

    func testEstimateFromRecordsRefusesToGuess() throws {
        let plan = try Plan.make(
            source: """
                ```experiment
                id: a
                epochs: 2
                ```

                ```experiment
                id: b
                base: a
                init: a
                ```

                ```experiment
                id: c
                base: a
                lr: 0.5
                ```

                """, path: "answers.md")
        var records = [
            "a": try ClaimTests.record(valAcc: 0.5, trainSeconds: 100),
            "b": try ClaimTests.record(valAcc: 0.5, trainSeconds: 30),
            "c": try ClaimTests.record(valAcc: 0.5, trainSeconds: 80),
        ]
        // a and c at once; b after a: max(100 + 30, 80).
        guard case .success(let replay) = ColdBuildTime.estimate(plan: plan, records: records) else {
            return XCTFail("no estimate")
        }
        XCTAssertEqual(replay.seconds, 130)
        XCTAssertEqual(replay.slots, 2)
        XCTAssertEqual(replay.trainings, 3)
        // b trains alone at the end, so a cold build gives it both cores; its record has one thread.
        XCTAssertEqual(replay.otherThreads, ["b (1 recorded, 2 in a cold build)"])
        XCTAssertEqual(ValueFormat.duration(1566), "26 min 06 s")

        records["c"] = try ClaimTests.record(valAcc: 0.5, machine: "other, 8 cores")
        guard case .failure(let mixed) = ColdBuildTime.estimate(plan: plan, records: records) else {
            return XCTFail("machines differ")
        }
        XCTAssertTrue(mixed.message.hasPrefix("the runs were trained on different machines"), mixed.message)
        records["c"] = nil
        guard case .failure(let missing) = ColdBuildTime.estimate(plan: plan, records: records) else {
            return XCTFail("c has no record")
        }
        XCTAssertEqual(missing.message, "c has no recorded training time")
        let empty = try Plan.make(source: "# No runs\n", path: "answers.md")
        guard case .success(let none) = ColdBuildTime.estimate(plan: empty, records: [:]) else {
            return XCTFail("a document without runs builds in no time")
        }
        XCTAssertEqual(none.seconds, 0)
    }
}
