import Datasets
import Foundation

/// Turns byte images into normalised float batches `[1, N, 28, 28]` (channel-major with one channel is
/// the same as [N,1,28,28]), applying augmentation in training.
struct Batcher {
    let set: ImageSet
    let mean: Float
    let std: Float
    let augment: Augmentation
    /// Pixel byte → normalised input, computed once.
    private let lookup: [Float]
    private var images = Workspace()
    var labels: [Int32] = []

    init(set: ImageSet, mean: Double, std: Double, augment: Augmentation) {
        self.set = set
        self.mean = Float(mean)
        self.std = Float(std)
        self.augment = augment
        scale = 1 / (255 * self.std)
        offset = -self.mean / self.std
        lookup = (0..<256).map { [scale, offset] in Float($0) * scale + offset }
    }

    /// The normalisation: pixel byte b → Float(b) · scale + offset, rounded after each operation.
    private let scale: Float, offset: Float

    /// Fills a batch with the images at `indices`.
    mutating func batch(_ indices: ArraySlice<Int>, augmenting: Bool, random: inout Random) -> Activation {
        let n = indices.count
        let rows = set.rows
        let cols = set.cols
        let plane = rows * cols
        let out = images.get(n * plane)
        if labels.count != n { labels = [Int32](repeating: 0, count: n) }
        let background = lookup[0]
        set.images.withUnsafeBufferPointer { pixels in
            for (slot, index) in indices.enumerated() {
                labels[slot] = Int32(set.labels[index])
                // Force unwrap: these buffers are never empty, so their base address is never nil.
                // swift-format-ignore: NeverForceUnwrap
                let source = pixels.baseAddress! + index * plane
                let target = out.pointer + slot * plane
                if !augmenting || augment.isOff {
                    normalize(target, source, count: plane)
                    continue
                }
                // Random crop of the zero-padded image = shift by (dy, dx) in [-crop, crop], zeros coming in.
                let dy = augment.crop > 0 ? random.nextInt(2 * augment.crop + 1) - augment.crop : 0
                let dx = augment.crop > 0 ? random.nextInt(2 * augment.crop + 1) - augment.crop : 0
                let flip = augment.flip && random.nextFloat() < 0.5
                for y in 0..<rows {
                    let sy = y + dy
                    for x in 0..<cols {
                        let sx = (flip ? cols - 1 - x : x) + dx
                        target[y * cols + x] =
                            sy >= 0 && sy < rows && sx >= 0 && sx < cols
                            ? lookup[Int(source[sy * cols + sx])] : background
                    }
                }
                if augment.erase > 0 && Double(random.nextFloat()) < augment.erase {
                    erase(target, rows: rows, cols: cols, random: &random)
                }
            }
        }
        return Activation(buffer: out, batch: n, shape: .spatial(channels: 1, height: rows, width: cols))
    }

    /// target[i] = lookup[source[i]], eight pixels at a time: the same multiply and add (Swift never fuses
    /// them), so the same bits as the table.
    private func normalize(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<UInt8>, count: Int)
    {
        var i = 0
        while i + 8 <= count {
            let bytes = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<UInt8>.self)
            store(SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes)) * scale + offset, target + i)
            i += 8
        }
        while i < count {
            target[i] = lookup[Int(source[i])]
            i += 1
        }
    }

    /// Random erasing as torchvision's `RandomErasing` defaults: area 2–33% of the image, aspect ratio
    /// 0.3–3.3 (log-uniform), filled with 0 (the normalised mean); up to 10 tries to fit.
    private func erase(_ image: UnsafeMutablePointer<Float>, rows: Int, cols: Int, random: inout Random) {
        let area = Float(rows * cols)
        for _ in 0..<10 {
            let target = area * random.uniform(0.02, 0.33)
            let ratio = expf(random.uniform(logf(0.3), logf(3.3)))
            let h = Int((target * ratio).squareRoot().rounded())
            let w = Int((target / ratio).squareRoot().rounded())
            guard h > 0, w > 0, h < rows, w < cols else { continue }
            let top = random.nextInt(rows - h + 1)
            let left = random.nextInt(cols - w + 1)
            for y in top..<(top + h) { for x in left..<(left + w) { image[y * cols + x] = 0 } }
            return
        }
    }
}
