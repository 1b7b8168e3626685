import XCTest

@testable import Execution
@testable import Pipeline
@testable import Slurm

/// Reading `squeue` answers: the cache wins, failures carry Slurm's state and reason, dependents are
/// skipped, and tasks Slurm forgot or that finished without a result fail after a grace period.
final class SlurmTrackerTests: XCTestCase {
    let tasks = [
        SlurmPlanFile.Task(key: "a", runIDs: ["a"], parent: nil),
        SlurmPlanFile.Task(key: "b", runIDs: ["b"], parent: nil),
        SlurmPlanFile.Task(key: "c", runIDs: ["c"], parent: 1),
    ]

    func testStatesAndOutcomes() {
        var tracker = SlurmTracker(tasks: tasks, jobs: ["7", "7", "8"])
        var complete: Set<String> = []
        XCTAssertEqual(
            tracker.update(
                [
                    SlurmQueueEntry(job: "7", task: 0, state: "RUNNING"),
                    SlurmQueueEntry(job: "7", task: 1, state: "PENDING", reason: "Priority"),
                    SlurmQueueEntry(job: "8", task: 2, state: "PENDING", reason: "Dependency"),
                ], isComplete: complete.contains), [])
        XCTAssertEqual(tracker.counts, SlurmTracker.Counts(done: 0, running: 1, queued: 2, failed: 0))

        // The cache is the truth: a run whose entry exists is done even if Slurm calls its job failed.
        complete.insert("a")
        XCTAssertEqual(
            tracker.update(
                [
                    SlurmQueueEntry(job: "7", task: 0, state: "FAILED"),
                    SlurmQueueEntry(job: "7", task: 1, state: "TIMEOUT", reason: "TimeLimit"),
                    SlurmQueueEntry(job: "8", task: 2, state: "PENDING", reason: "DependencyNeverSatisfied"),
                ], isComplete: complete.contains), [0, 1, 2])
        XCTAssertEqual(tracker.outcomes[0], .trained(final: nil))
        XCTAssertEqual(
            tracker.outcomes[1], SlurmTracker.failed(state: "TIMEOUT", reason: "TimeLimit", job: "7_1"))
        XCTAssertEqual(
            tracker.outcomes[2],
            .failed(RunFailure("not trained: the run it starts from failed", kind: .dependency(on: "b"))))
        XCTAssertTrue(tracker.isFinished)
        XCTAssertEqual(tracker.counts, SlurmTracker.Counts(done: 1, running: 0, queued: 0, failed: 2))
    }

    func testARerunIsDoneWhenItsJobIsNotWhenTheOldEntryIsThere() {
        var tracker = SlurmTracker(
            tasks: [SlurmPlanFile.Task(key: "a", runIDs: ["a"], parent: nil, rerun: true)], jobs: ["7"])
        XCTAssertEqual(
            tracker.update([SlurmQueueEntry(job: "7", task: 0, state: "RUNNING")], isComplete: { _ in true }),
            [])
        XCTAssertEqual(
            tracker.update(
                [SlurmQueueEntry(job: "7", task: 0, state: "COMPLETED")], isComplete: { _ in true }), [0])
        XCTAssertEqual(tracker.outcomes[0], .trained(final: nil))
    }

    func testMissingOrResultlessTasksFailAfterGrace() {
        var tracker = SlurmTracker(tasks: Array(tasks.prefix(2)), jobs: ["7", "7"])
        let queue = [SlurmQueueEntry(job: "7", task: 1, state: "COMPLETED")]
        let start = Date(timeIntervalSince1970: 1000)
        // Polled quickly, the grace polls pass long before the latency wait: still waiting.
        for poll in 0...tracker.grace {
            XCTAssertEqual(
                tracker.update(queue, isComplete: { _ in false }, now: start + Double(poll)), [])
        }
        XCTAssertEqual(tracker.update(queue, isComplete: { _ in false }, now: start + 59), [])
        // A result that appears within the wait is a result.
        var late = tracker
        XCTAssertEqual(late.update(queue, isComplete: { $0 == "b" }, now: start + 59.5), [1])
        XCTAssertEqual(tracker.update(queue, isComplete: { _ in false }, now: start + 60), [0, 1])
        XCTAssertEqual(
            tracker.outcomes[0],
            SlurmTracker.failed(
                state: "GONE", reason: "no longer listed by squeue and no result in the cache", job: "7_0"))
        XCTAssertEqual(
            tracker.outcomes[1],
            SlurmTracker.failed(
                state: "COMPLETED",
                reason:
                    "the job ended but its result is not in the cache after 60 s; on a slow shared filesystem raise latency_wait",
                job: "7_1"))
    }

    func testEstimateFromFinishedTasks() {
        var tracker = SlurmTracker(tasks: Array(tasks.prefix(2)), jobs: ["7", "7"])
        let start = Date(timeIntervalSince1970: 1000)
        XCTAssertNil(tracker.estimatedSeconds(concurrency: 1))
        _ = tracker.update(
            [
                SlurmQueueEntry(job: "7", task: 0, state: "RUNNING"),
                SlurmQueueEntry(job: "7", task: 1, state: "PENDING"),
            ],
            isComplete: { _ in false }, now: start)
        _ = tracker.update(
            [SlurmQueueEntry(job: "7", task: 1, state: "PENDING")], isComplete: { $0 == "a" }, now: start + 30
        )
        XCTAssertEqual(tracker.estimatedSeconds(concurrency: 1), 30)
    }

    func testQueueLines() {
        XCTAssertEqual(
            SlurmQueueEntry(line: "12|3|PENDING|Dependency|"),
            SlurmQueueEntry(job: "12", task: 3, state: "PENDING", reason: "Dependency"))
        XCTAssertEqual(SlurmQueueEntry(line: "12|0|RUNNING|None|node7")?.node, "node7")
        XCTAssertNil(SlurmQueueEntry(line: "12|N/A|RUNNING|None|node7"), "not an array task")
        XCTAssertNil(SlurmQueueEntry(line: "garbage"))
        XCTAssertEqual(SlurmQueueEntry(job: "1", task: 0, state: "OUT_OF_MEMORY").phase, .ended)
        XCTAssertEqual(SlurmQueueEntry(job: "1", task: 0, state: "COMPLETING").phase, .running)
    }
}
