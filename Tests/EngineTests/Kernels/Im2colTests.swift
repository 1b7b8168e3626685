import XCTest

@testable import Engine

/// `Im2col.backwardNarrow` against `Im2col.backward`, its reference, bit for bit: the narrow path sums
/// each input-gradient element in a register, in the same order, where the reference adds into memory.
final class Im2colTests: XCTestCase {
    private func check(
        channels: Int, height: Int, width: Int, kernel: Int, batch: Int, images: Range<Int>,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let g = ConvGeometry(
            channels: channels, batch: batch, height: height, width: width, kernel: kernel, stride: 1,
            padding: 0)
        XCTAssertTrue(Im2col.isNarrow(g), file: file, line: line)
        let count = g.columnRows * images.count * g.outputPlane
        // Column gradients with signed zeros and exact cancellations among them, and garbage in the margins
        // that a shifted load reaches (it must be masked off).
        var values = TestData.uniform(count, seed: UInt64(count)).map { ($0 * 4).rounded() / 4 }
        for i in stride(from: 3, to: count, by: 7) { values[i] = -0.0 }
        let margin = Im2col.margin
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: count + 2 * margin)
        defer { padded.deallocate() }
        padded.initialize(repeating: .nan, count: count + 2 * margin)
        let columns = padded + margin
        for i in 0..<count { columns[i] = values[i] }
        let reference = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { reference.deallocate() }
        reference.initialize(from: columns, count: count)

        let size = channels * batch * height * width
        var expected = [Float](repeating: 7, count: size)
        var actual = [Float](repeating: 7, count: size)
        expected.withUnsafeMutableBufferPointer {
            Im2col.backward(inputGradient: $0.baseAddress!, columns: reference, geometry: g, images: images)
        }
        actual.withUnsafeMutableBufferPointer {
            Im2col.backwardNarrow(
                inputGradient: $0.baseAddress!, columns: columns, geometry: g, images: images)
        }
        let label = "\(channels)×\(height)×\(width) kernel \(kernel) images \(images) of \(batch)"
        XCTAssertEqual(actual.map(\.bitPattern), expected.map(\.bitPattern), label, file: file, line: line)
    }

    func testNarrowBackwardMatchesTheReference() throws {
        // The default network's second layer (12×12, 5×5), rows of 1 to 16, kernels 1 to 5, and a chunk
        // in the middle of the batch (the images outside it stay untouched).
        try check(channels: 10, height: 12, width: 12, kernel: 5, batch: 8, images: 0..<8)
        try check(channels: 3, height: 12, width: 12, kernel: 5, batch: 9, images: 3..<7)
        for (height, width, kernel) in [(7, 16, 3), (5, 9, 5), (4, 8, 1), (6, 5, 2), (3, 1, 1), (16, 16, 4)] {
            try check(channels: 2, height: height, width: width, kernel: kernel, batch: 3, images: 0..<3)
        }
    }

    func testNarrowMeansStrideOneUnpaddedAndAtMostSixteenWide() {
        func geometry(width: Int, stride: Int, padding: Int) -> ConvGeometry {
            ConvGeometry(
                channels: 1, batch: 1, height: 8, width: width, kernel: 3, stride: stride, padding: padding)
        }
        XCTAssertTrue(Im2col.isNarrow(geometry(width: 16, stride: 1, padding: 0)))
        XCTAssertFalse(Im2col.isNarrow(geometry(width: 17, stride: 1, padding: 0)))
        XCTAssertFalse(Im2col.isNarrow(geometry(width: 12, stride: 2, padding: 0)))
        XCTAssertFalse(Im2col.isNarrow(geometry(width: 12, stride: 1, padding: 1)))
    }
}
