/// The shape of one sample: `channels × rows × cols` pixels, or a row of `features` numbers (a table),
/// stored as `channels = features, rows = cols = 1` with `tabular` set, so that per-channel
/// normalisation standardises each feature.
public struct SampleShape: Hashable, Sendable, Codable, CustomStringConvertible {
    public var channels: Int
    public var rows: Int
    public var cols: Int
    /// A table's row of features rather than an image: the engine feeds it to `linear` layers as is.
    public var tabular: Bool

    public init(channels: Int, rows: Int, cols: Int) {
        self.channels = channels
        self.rows = rows
        self.cols = cols
        self.tabular = false
    }

    public init(features: Int) {
        channels = features
        rows = 1
        cols = 1
        tabular = true
    }

    /// MNIST's and Fashion-MNIST's: one channel of 28×28.
    public static let mnist = SampleShape(channels: 1, rows: 28, cols: 28)

    /// Numbers per sample.
    public var elements: Int { channels * rows * cols }

    /// `3×32×32` for images, `64 features` for a table.
    public var description: String {
        tabular ? "\(channels) features" : "\(channels)×\(rows)×\(cols)"
    }
}

/// A labelled set of samples. Images are kept as the bytes the files store (normalisation to floats
/// happens per batch in the engine, so 60,000 MNIST images cost 47 MB, not 188); formats that store
/// floats (NumPy float32 arrays, CSV) keep floats.
public struct ImageSet: Sendable {
    /// `count × channels × rows × cols` values, sample-major then channel-major (NCHW), row-major planes.
    public enum Pixels: Sendable, Equatable {
        /// 0...255, scaled by 1/255 before normalisation.
        case bytes([UInt8])
        /// Used as they are (no 1/255 scaling) before normalisation.
        case floats([Float])

        public var count: Int {
            switch self {
            case .bytes(let b): return b.count
            case .floats(let f): return f.count
            }
        }
    }

    public var pixels: Pixels
    /// `count` class indices in `0..<classes`.
    public var labels: [Int32]
    public var count: Int
    public var shape: SampleShape

    public init(pixels: Pixels, labels: [Int32], count: Int, shape: SampleShape) {
        precondition(pixels.count == count * shape.elements, "pixel count does not match count × shape")
        precondition(labels.count == count, "one label per sample")
        self.pixels = pixels
        self.labels = labels
        self.count = count
        self.shape = shape
    }

    /// One-channel byte images, as MNIST's IDX files hold them.
    public init(images: [UInt8], labels: [UInt8], count: Int, rows: Int, cols: Int) {
        self.init(
            pixels: .bytes(images), labels: labels.map(Int32.init), count: count,
            shape: SampleShape(channels: 1, rows: rows, cols: cols))
    }

    public var rows: Int { shape.rows }
    public var cols: Int { shape.cols }
    public var channels: Int { shape.channels }
    /// Values per sample (all channels).
    public var pixelsPerImage: Int { shape.elements }

    /// The byte pixels (empty for a float set): for tests and one-channel tools.
    public var images: [UInt8] {
        if case .bytes(let b) = pixels { return b }
        return []
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        let n = pixelsPerImage
        let picked: Pixels
        switch pixels {
        case .bytes(let b):
            var out = [UInt8]()
            out.reserveCapacity(indices.count * n)
            for i in indices { out.append(contentsOf: b[(i * n)..<((i + 1) * n)]) }
            picked = .bytes(out)
        case .floats(let f):
            var out = [Float]()
            out.reserveCapacity(indices.count * n)
            for i in indices { out.append(contentsOf: f[(i * n)..<((i + 1) * n)]) }
            picked = .floats(out)
        }
        return ImageSet(
            pixels: picked, labels: indices.map { labels[$0] }, count: indices.count, shape: shape)
    }

    /// The first `n` samples (all of them when `n` is nil or larger than the set).
    public func prefix(_ n: Int?) -> ImageSet {
        guard let n, n < count else { return self }
        let end = n * pixelsPerImage
        let head: Pixels
        switch pixels {
        case .bytes(let b): head = .bytes(Array(b[0..<end]))
        case .floats(let f): head = .floats(Array(f[0..<end]))
        }
        return ImageSet(pixels: head, labels: Array(labels[0..<n]), count: n, shape: shape)
    }

    /// The sets joined, in order; all must have this shape and pixel kind.
    public static func concatenate(_ sets: [ImageSet]) -> ImageSet? {
        guard let first = sets.first else { return nil }
        guard sets.allSatisfy({ $0.shape == first.shape }) else { return nil }
        let count = sets.reduce(0) { $0 + $1.count }
        let labels = sets.flatMap(\.labels)
        switch first.pixels {
        case .bytes:
            var out = [UInt8]()
            for set in sets {
                guard case .bytes(let b) = set.pixels else { return nil }
                out += b
            }
            return ImageSet(pixels: .bytes(out), labels: labels, count: count, shape: first.shape)
        case .floats:
            var out = [Float]()
            for set in sets {
                guard case .floats(let f) = set.pixels else { return nil }
                out += f
            }
            return ImageSet(pixels: .floats(out), labels: labels, count: count, shape: first.shape)
        }
    }

    /// Per-channel mean and standard deviation of the values as the engine sees them before
    /// normalisation (bytes scaled to 0...1), over every sample: what `normalize: dataset` uses.
    public func channelStatistics() -> [ChannelStatistics] {
        let plane = rows * cols
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        switch pixels {
        case .bytes(let b):
            b.withUnsafeBufferPointer { p in
                for sample in 0..<count {
                    for c in 0..<channels {
                        let base = (sample * channels + c) * plane
                        var s = 0
                        var q = 0
                        for i in 0..<plane {
                            let v = Int(p[base + i])
                            s += v
                            q += v * v
                        }
                        sums[c] += Double(s) / 255
                        squares[c] += Double(q) / (255 * 255)
                    }
                }
            }
        case .floats(let f):
            f.withUnsafeBufferPointer { p in
                for sample in 0..<count {
                    for c in 0..<channels {
                        let base = (sample * channels + c) * plane
                        var s = 0.0
                        var q = 0.0
                        for i in 0..<plane {
                            let v = Double(p[base + i])
                            s += v
                            q += v * v
                        }
                        sums[c] += s
                        squares[c] += q
                    }
                }
            }
        }
        let n = Double(max(1, count * plane))
        return (0..<channels).map { c in
            let mean = sums[c] / n
            let variance = max(0, squares[c] / n - mean * mean)
            // A constant channel's variance comes out as rounding noise, not 0: treat it as constant.
            let std = variance.squareRoot()
            return ChannelStatistics(mean: mean, std: std > 1e-6 * max(1, abs(mean)) ? std : 1)
        }
    }
}

/// One channel's mean and standard deviation (a constant channel gets 1, so it divides safely).
public struct ChannelStatistics: Hashable, Sendable, Codable {
    public var mean: Double
    public var std: Double
    public init(mean: Double, std: Double) {
        self.mean = mean
        self.std = std
    }
}
