import XCTest

@testable import Engine

/// A fused stage (`Network.stages`) and the layers it stands for run forward on the same input, in the
/// same context: asserts that the outputs have the same shape and the same bits, and returns the fused
/// stage's output.
@discardableResult
func assertFusedForward(
    _ fused: Layer, _ layers: [Layer], input x: [Float], batch: Int, shape: Shape, training: Bool = true,
    _ label: String, file: StaticString = #filePath, line: UInt = #line
) -> Activation {
    var context = ForwardContext(training: training, random: Random(seed: 1))
    let y = fused.forward(TestData.activation(x, batch: batch, shape: shape), context: &context)
    var plain = TestData.activation(x, batch: batch, shape: shape)
    for layer in layers { plain = layer.forward(plain, context: &context) }
    XCTAssertEqual(y.shape, plain.shape, label, file: file, line: line)
    XCTAssertEqual(
        y.buffer.array.map(\.bitPattern), plain.buffer.array.map(\.bitPattern), "\(label) forward",
        file: file, line: line)
    return y
}
