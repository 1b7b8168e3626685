import Datasets
import Foundation

/// Turns stored samples (NCHW) into normalised float batches in the engine's layout, `[C, N, H, W]` (each
/// channel's planes of the whole batch together), or `[N, features]` for a table, applying augmentation in
/// training. Each channel has its own mean and deviation; crop, flip and erase
/// move or blank the same pixels in every channel.
struct Batcher {
    let set: ImageSet
    let augment: Augmentation
    /// Per channel: stored value v → v · scale + offset (a byte is first divided by 255 through `scale`).
    private let scales: [Float], offsets: [Float]
    /// Per channel, pixel byte → normalised input, computed once (byte sets only).
    private let lookups: [[Float]]
    private var images = Workspace()
    var labels: [Int32] = []

    init(set: ImageSet, statistics: [ChannelStatistics], augment: Augmentation) {
        precondition(statistics.count == set.channels, "one mean and deviation per channel")
        self.set = set
        self.augment = augment
        let bytes: Bool
        if case .bytes = set.pixels { bytes = true } else { bytes = false }
        scales = statistics.map { 1 / ((bytes ? 255 : 1) * Float($0.std)) }
        offsets = statistics.map { -Float($0.mean) / Float($0.std) }
        lookups =
            bytes
            ? zip(scales, offsets).map { scale, offset in (0..<256).map { Float($0) * scale + offset } } : []
    }

    /// Fills a batch with the samples at `indices`.
    mutating func batch(_ indices: ArraySlice<Int>, augmenting: Bool, random: inout Random) -> Activation {
        let n = indices.count
        let channels = set.channels
        let rows = set.rows
        let cols = set.cols
        let planeSize = rows * cols
        let sample = channels * planeSize
        let out = images.get(n * sample)
        if labels.count != n { labels = [Int32](repeating: 0, count: n) }
        // Where channel c of batch slot `slot` goes.
        let tabular = set.shape.tabular
        func plane(_ slot: Int, _ c: Int) -> UnsafeMutablePointer<Float> {
            out.pointer + (tabular ? slot * sample + c * planeSize : (c * n + slot) * planeSize)
        }
        for (slot, index) in indices.enumerated() {
            labels[slot] = set.labels[index]
            if !augmenting || augment.isOff {
                for c in 0..<channels {
                    normalize(plane(slot, c), sample: index, channel: c, count: planeSize)
                }
                continue
            }
            // Random crop of the zero-padded image = shift by (dy, dx) in [-crop, crop], zeros coming in.
            let dy = augment.crop > 0 ? random.nextInt(2 * augment.crop + 1) - augment.crop : 0
            let dx = augment.crop > 0 ? random.nextInt(2 * augment.crop + 1) - augment.crop : 0
            let flip = augment.flip && random.nextFloat() < 0.5
            for c in 0..<channels {
                let base = (index * channels + c) * planeSize
                let shift = Shift(rows: rows, cols: cols, dy: dy, dx: dx, flip: flip, background: offsets[c])
                switch set.pixels {
                case .bytes(let b):
                    let lookup = lookups[c]
                    b.withUnsafeBufferPointer { p in
                        // swift-format-ignore: NeverForceUnwrap
                        shift.apply(plane(slot, c), p.baseAddress! + base) { lookup[Int($0)] }
                    }
                case .floats(let f):
                    let scale = scales[c]
                    let offset = offsets[c]
                    f.withUnsafeBufferPointer { p in
                        // swift-format-ignore: NeverForceUnwrap
                        shift.apply(plane(slot, c), p.baseAddress! + base) { $0 * scale + offset }
                    }
                }
            }
            if augment.erase > 0 && Double(random.nextFloat()) < augment.erase {
                erase((0..<channels).map { plane(slot, $0) }, rows: rows, cols: cols, random: &random)
            }
        }
        let shape: Shape =
            set.shape.tabular
            ? .flat(features: channels) : .spatial(channels: channels, height: rows, width: cols)
        return Activation(buffer: out, batch: n, shape: shape)
    }

    /// A crop (a shift with the background coming in) and a horizontal flip of one plane.
    private struct Shift {
        let rows: Int, cols: Int, dy: Int, dx: Int, flip: Bool, background: Float

        @inline(__always)
        func apply<T>(
            _ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<T>, _ value: (T) -> Float
        ) {
            for y in 0..<rows {
                let sy = y + dy
                for x in 0..<cols {
                    let sx = (flip ? cols - 1 - x : x) + dx
                    target[y * cols + x] =
                        sy >= 0 && sy < rows && sx >= 0 && sx < cols
                        ? value(source[sy * cols + sx]) : background
                }
            }
        }
    }

    /// One channel plane of one sample, normalised into `target`.
    private func normalize(_ target: UnsafeMutablePointer<Float>, sample: Int, channel: Int, count: Int) {
        let start = (sample * set.channels + channel) * count
        switch set.pixels {
        case .bytes(let b):
            b.withUnsafeBufferPointer { pixels in
                // Force unwrap: these buffers are never empty, so their base address is never nil.
                // swift-format-ignore: NeverForceUnwrap
                normalize(target, pixels.baseAddress! + start, count: count, channel: channel)
            }
        case .floats(let f):
            let scale = scales[channel]
            let offset = offsets[channel]
            for i in 0..<count { target[i] = f[start + i] * scale + offset }
        }
    }

    /// target[i] = lookup[source[i]], eight pixels at a time: the same multiply and add (Swift never fuses
    /// them), so the same bits as the table.
    private func normalize(
        _ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<UInt8>, count: Int, channel: Int
    ) {
        let scale = scales[channel]
        let offset = offsets[channel]
        let lookup = lookups[channel]
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
    /// 0.3–3.3 (log-uniform), filled with 0 (the normalised mean) in every channel; up to 10 tries to fit.
    private func erase(_ planes: [UnsafeMutablePointer<Float>], rows: Int, cols: Int, random: inout Random) {
        let area = Float(rows * cols)
        for _ in 0..<10 {
            let target = area * random.uniform(0.02, 0.33)
            let ratio = expf(random.uniform(logf(0.3), logf(3.3)))
            let h = Int((target * ratio).squareRoot().rounded())
            let w = Int((target / ratio).squareRoot().rounded())
            guard h > 0, w > 0, h < rows, w < cols else { continue }
            let top = random.nextInt(rows - h + 1)
            let left = random.nextInt(cols - w + 1)
            for plane in planes {
                for y in top..<(top + h) { for x in left..<(left + w) { plane[y * cols + x] = 0 } }
            }
            return
        }
    }
}
