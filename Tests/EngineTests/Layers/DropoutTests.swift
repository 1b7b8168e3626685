import XCTest

@testable import Engine

/// Inverted dropout at its edges and in evaluation.
final class DropoutTests: XCTestCase {
    private let shape = Shape.spatial(channels: 3, height: 4, width: 4)
    private let batch = 5

    private func run(_ spec: LayerSpec, training: Bool) throws -> (
        input: [Float], output: [Float], gradient: [Float]
    ) {
        let layer = try TestData.layer(spec, input: shape)
        let x = TestData.uniform(batch * shape.count, seed: 3)
        var context = ForwardContext(training: training, random: Random(seed: 8))
        let y = layer.forward(TestData.activation(x, batch: batch, shape: shape), context: &context).buffer
            .array
        let dy = TestData.uniform(y.count, seed: 4)
        let dx = try XCTUnwrap(
            layer.backward(TestData.activation(dy, batch: batch, shape: shape), needsInputGradient: true))
        return (x, y, dx.buffer.array)
    }

    func testRateZeroIsIdentityInTraining() throws {
        for spec in [LayerSpec.dropout(0), .dropout2d(0)] {
            let r = try run(spec, training: true)
            XCTAssertEqual(r.output, r.input, "\(spec) forward")
            XCTAssertEqual(r.gradient, TestData.uniform(r.input.count, seed: 4), "\(spec) backward")
        }
    }

    func testRateOneZeroesEverythingWithoutNaN() throws {
        for spec in [LayerSpec.dropout(1), .dropout2d(1)] {
            let r = try run(spec, training: true)
            XCTAssertTrue(r.output.allSatisfy { $0 == 0 }, "\(spec) forward: all zeros, no NaN or infinity")
            XCTAssertTrue(
                r.gradient.allSatisfy { $0 == 0 }, "\(spec) backward: all zeros, no NaN or infinity")
        }
    }

    func testEvaluationIsIdentity() throws {
        for spec in [LayerSpec.dropout(0.5), .dropout2d(0.5), .dropout(1)] {
            let r = try run(spec, training: false)
            XCTAssertEqual(r.output, r.input, "\(spec) forward")
            XCTAssertEqual(r.gradient, TestData.uniform(r.input.count, seed: 4), "\(spec) backward")
        }
    }

    /// Survivors are scaled by 1/(1 − rate); about `rate` of the elements (or whole planes) are dropped.
    /// With 240 elements (binomial σ ≈ 7.7) and 15 planes, the dropped counts are checked loosely.
    func testTrainingScalesSurvivorsAndDropsAboutTheRate() throws {
        let r = try run(.dropout(0.25), training: true)
        var dropped = 0
        for (x, y) in zip(r.input, r.output) {
            if y == 0 { dropped += 1 } else { XCTAssertEqual(y, x / 0.75, accuracy: 1e-6) }
        }
        XCTAssertEqual(Double(dropped), 60, accuracy: 30)

        let planes = try run(.dropout2d(0.5), training: true)
        var droppedPlanes = 0
        for p in 0..<(3 * batch) {
            let plane = planes.output[(p * 16)..<((p + 1) * 16)]
            let zero = plane.allSatisfy { $0 == 0 }
            if zero {
                droppedPlanes += 1
            } else {
                XCTAssertFalse(plane.contains(0), "plane \(p) is dropped whole or kept whole")
            }
        }
        XCTAssertGreaterThan(droppedPlanes, 0)
        XCTAssertLessThan(droppedPlanes, 15)
    }
}
