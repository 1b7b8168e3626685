import XCTest

@testable import Engine

/// Learning-rate schedules per optimizer step, against PyTorch's `lr_scheduler` formulas. The values are
/// Double arithmetic on a handful of operations: tolerance 1e-12 relative.
final class ScheduleTests: XCTestCase {
    private func rate(
        _ schedule: Schedule, step: Int, stepsPerEpoch: Int = 10, totalSteps: Int = 100,
        stepSize: Int = 2, gamma: Double = 0.1
    ) -> Double {
        schedule.learningRate(
            base: 0.5, step: step, stepsPerEpoch: stepsPerEpoch, totalSteps: totalSteps,
            stepSize: stepSize, gamma: gamma)
    }

    func testConstant() {
        for step in [0, 37, 99] { XCTAssertEqual(rate(.constant, step: step), 0.5) }
    }

    /// StepLR(step_size: 2 epochs, gamma: 0.1) with 10 steps per epoch.
    func testStep() {
        XCTAssertEqual(rate(.step, step: 0), 0.5, accuracy: 1e-12)
        XCTAssertEqual(rate(.step, step: 19), 0.5, accuracy: 1e-12)  // epoch 1 (0-based): still the base
        XCTAssertEqual(rate(.step, step: 20), 0.05, accuracy: 1e-12)  // epoch 2
        XCTAssertEqual(rate(.step, step: 39), 0.05, accuracy: 1e-12)
        XCTAssertEqual(rate(.step, step: 40), 0.005, accuracy: 1e-12)
        XCTAssertEqual(rate(.step, step: 99), 0.5 * pow(0.1, 4), accuracy: 1e-12)
    }

    /// CosineAnnealingLR with T_max = total steps: base at 0, base/2 halfway, → 0 at the end.
    func testCosine() {
        XCTAssertEqual(rate(.cosine, step: 0), 0.5, accuracy: 1e-12)
        XCTAssertEqual(rate(.cosine, step: 50), 0.25, accuracy: 1e-12)
        XCTAssertEqual(rate(.cosine, step: 25), 0.25 * (1 + cos(Double.pi / 4)), accuracy: 1e-12)
        XCTAssertEqual(rate(.cosine, step: 100), 0, accuracy: 1e-12)
        XCTAssertEqual(rate(.cosine, step: 99), 0.25 * (1 + cos(Double.pi * 0.99)), accuracy: 1e-12)
    }

    /// OneCycleLR(max_lr: 0.5, total_steps: 100): pct_start 0.3 puts the peak at step 29;
    /// initial lr = max/25 (div_factor), final lr = initial/1e4 (final_div_factor) at step 99.
    func testOneCycleEndpoints() {
        let initial = 0.5 / 25
        let final = initial / 1e4
        XCTAssertEqual(rate(.onecycle, step: 0), initial, accuracy: 1e-12)
        XCTAssertEqual(rate(.onecycle, step: 29), 0.5, accuracy: 1e-12)
        XCTAssertEqual(rate(.onecycle, step: 99), final, accuracy: 1e-15)
        // Cosine halfway points of both phases.
        XCTAssertEqual(rate(.onecycle, step: 64), (0.5 + final) / 2, accuracy: 1e-12)
        XCTAssertLessThan(rate(.onecycle, step: 14), 0.5)
        XCTAssertGreaterThan(rate(.onecycle, step: 14), initial)
        // Monotone up to the peak, then down.
        let rates = (0..<100).map { rate(.onecycle, step: $0) }
        XCTAssertEqual(rates.firstIndex(of: rates.max()!), 29)
        for s in 1...29 { XCTAssertGreaterThan(rates[s], rates[s - 1]) }
        for s in 30..<100 { XCTAssertLessThan(rates[s], rates[s - 1]) }
    }
}
