import Datasets
import XCTest

@testable import Engine

/// The batcher's normalisation, eight pixels at a time, against the per-byte formula it replaced.
final class BatcherTests: XCTestCase {
    func testBatchHoldsEachPixelNormalisedBitForBit() {
        // 3×5 images (15 pixels: vectors of eight and a scalar tail), every byte value present.
        let count = 20
        let pixels = (0..<(count * 15)).map { UInt8(truncatingIfNeeded: $0 * 37 + $0 / 7) }
        let set = ImageSet(
            images: pixels, labels: (0..<count).map { UInt8($0 % 10) }, count: count, rows: 3, cols: 5)
        let (mean, std) = (0.2860, 0.3530)
        var batcher = Batcher(
            set: set, statistics: [ChannelStatistics(mean: mean, std: std)], augment: Augmentation())
        var random = Random(seed: 1)
        let indices = [7, 0, 19, 3, 3]
        let batch = batcher.batch(indices[...], augmenting: true, random: &random)
        XCTAssertEqual(batch.shape, .spatial(channels: 1, height: 3, width: 5))
        let scale = 1 / (255 * Float(std))
        let offset = -Float(mean) / Float(std)
        let values = batch.buffer.array
        for (slot, index) in indices.enumerated() {
            for i in 0..<15 {
                let expected = Float(pixels[index * 15 + i]) * scale + offset
                XCTAssertEqual(
                    values[slot * 15 + i].bitPattern, expected.bitPattern, "image \(index) pixel \(i)")
            }
            XCTAssertEqual(batcher.labels[slot], Int32(index % 10))
        }
    }
}
