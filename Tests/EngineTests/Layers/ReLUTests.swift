import XCTest

@testable import Engine

/// ReLU gives the same bits for any thread count: the elements past each share's last multiple of 8 go
/// through a scalar loop, which must treat −0 and NaN as the vector loop does.
final class ReLUTests: XCTestCase {
    func testSignedZerosAndNaNsAreTheSameOnAnyThreadCount() throws {
        // Above the 65,536 elements from which ReLU splits across threads; 3 threads leave shares that
        // end off a multiple of 8, so −0 and NaN land in both loops.
        let count = 65_541
        var x = TestData.uniform(count, seed: 3)
        for i in Swift.stride(from: 0, to: count, by: 3) { x[i] = -0.0 }
        for i in Swift.stride(from: 1, to: count, by: 11) { x[i] = .nan }
        let dy = TestData.uniform(count, seed: 4)
        let shape = Shape.flat(features: count)
        var results: [[UInt32]] = []
        for threads in [1, 2, 3] {
            let relu = ReLU(input: shape, threads: threads)
            var context = ForwardContext(training: true, random: Random(seed: 1))
            let y = relu.forward(TestData.activation(x, batch: 1, shape: shape), context: &context)
            let dx = try XCTUnwrap(
                relu.backward(TestData.activation(dy, batch: 1, shape: shape), needsInputGradient: true))
            results.append(y.buffer.array.map(\.bitPattern) + dx.buffer.array.map(\.bitPattern))
        }
        XCTAssertEqual(results[0], results[1], "1 and 2 threads")
        XCTAssertEqual(results[0], results[2], "1 and 3 threads")
        // −0 passes as −0 (it is not below 0), and its gradient is masked (it is not above 0).
        XCTAssertEqual(results[0][0], (-0.0 as Float).bitPattern)
        XCTAssertEqual(results[0][count], 0)
    }
}
