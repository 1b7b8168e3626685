/// A labelled set of greyscale images kept as bytes, exactly as the IDX files store them.
/// Normalisation to floats happens per batch in the engine, so a 60,000-image set costs 47 MB, not 188.
public struct ImageSet: Sendable {
    /// `count × rows × cols` pixels, row-major, one byte each.
    public var images: [UInt8]
    /// `count` class labels in `0..<10`.
    public var labels: [UInt8]
    public var count: Int
    public var rows: Int
    public var cols: Int

    public init(images: [UInt8], labels: [UInt8], count: Int, rows: Int, cols: Int) {
        precondition(images.count == count * rows * cols, "image bytes do not match count × rows × cols")
        precondition(labels.count == count, "one label per image")
        self.images = images
        self.labels = labels
        self.count = count
        self.rows = rows
        self.cols = cols
    }

    public var pixelsPerImage: Int { rows * cols }

    /// The first `n` images (all of them when `n` is nil or larger than the set).
    public func prefix(_ n: Int?) -> ImageSet {
        guard let n, n < count else { return self }
        return ImageSet(
            images: Array(images[0..<(n * pixelsPerImage)]), labels: Array(labels[0..<n]),
            count: n, rows: rows, cols: cols)
    }
}
