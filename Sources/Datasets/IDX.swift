import Foundation

/// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
/// a big-endian header — two zero bytes, type code 0x08 (unsigned byte), the number of
/// dimensions — then one UInt32 per dimension, then the bytes.
public enum IDX {
    /// Reads a file, gzip-compressed or raw, and returns its dimensions and payload. A file whose content
    /// is longer than `limit` bytes is refused before it is read whole or inflated past the limit.
    public static func read(path: String, limit: Int = .max) throws -> (dimensions: [Int], bytes: [UInt8]) {
        // The file itself may be a little larger than its content (a header; gzip's framing of random bytes).
        let fileLimit = limit == .max ? Int.max : limit + limit / 64 + 4096
        let raw = try MappedFile.read(URL(fileURLWithPath: path), limit: fileLimit)
        if Gzip.isCompressed(raw) {
            return try parse(Gzip.decompress(raw, path: path, limit: limit), path: path)
        }
        guard raw.count <= limit else {
            throw DatasetError.corrupt(
                path: path, reason: "the file's \(raw.count) bytes are more than the limit of \(limit) bytes")
        }
        return try parse(raw, path: path)
    }

    /// The dimensions (rank 1 to 4) and payload of an IDX file's content.
    static func parse(_ data: Data, path: String) throws -> (dimensions: [Int], bytes: [UInt8]) {
        let bytes = [UInt8](data.prefix(4 + 4 * 4))
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DatasetError.corrupt(
                path: path, reason: "not an IDX file (expected magic bytes 00 00 08 nn)")
        }
        guard bytes[2] == 0x08 else {
            throw DatasetError.corrupt(
                path: path,
                reason: "IDX element type 0x\(String(bytes[2], radix: 16)) is not unsigned byte (0x08)")
        }
        let rank = Int(bytes[3])
        guard (1...4).contains(rank), bytes.count >= 4 + 4 * rank else {
            throw DatasetError.corrupt(
                path: path, reason: "IDX header is truncated or has \(rank) dimensions (expected 1 to 4)")
        }
        // Every dimension is checked against the bytes the file actually holds before anything is
        // multiplied or read: a crafted header can promise at most what is there.
        let payload = data.count - (4 + 4 * rank)
        var dimensions: [Int] = []
        var expected = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let dimension =
                Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dimensions.append(dimension)
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= payload else {
                throw DatasetError.corrupt(
                    path: path,
                    reason:
                        "IDX header promises more bytes (\(dimensions.map(String.init).joined(separator: "×"))…) than the file's \(payload)"
                )
            }
            expected = product
        }
        guard payload == expected else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "IDX header promises \(expected) bytes (\(dimensions.map(String.init).joined(separator: "×"))) but the file holds \(payload)"
            )
        }
        return (dimensions, [UInt8](data.dropFirst(4 + 4 * rank)))
    }

    /// Reads an image file and its label file into an `ImageSet` of `rows × cols` images.
    public static func readImageSet(
        images imagePath: String, labels labelPath: String, rows: Int = 28, cols: Int = 28
    ) throws -> ImageSet {
        let images = try read(path: imagePath)
        let labels = try read(path: labelPath)
        guard images.dimensions.count == 3 else {
            throw DatasetError.corrupt(
                path: imagePath,
                reason: "expected a 3-dimensional image file, found \(images.dimensions.count) dimensions")
        }
        guard labels.dimensions.count == 1 else {
            throw DatasetError.corrupt(
                path: labelPath,
                reason: "expected a 1-dimensional label file, found \(labels.dimensions.count) dimensions")
        }
        guard images.dimensions[1] == rows, images.dimensions[2] == cols else {
            throw DatasetError.corrupt(
                path: imagePath,
                reason:
                    "images are \(images.dimensions[1])×\(images.dimensions[2]) pixels; expected \(rows)×\(cols)"
            )
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError.corrupt(
                path: labelPath, reason: "\(labels.dimensions[0]) labels for \(images.dimensions[0]) images")
        }
        if let bad = labels.bytes.first(where: { $0 > 9 }) {
            throw DatasetError.corrupt(path: labelPath, reason: "label \(bad) is outside 0...9")
        }
        return ImageSet(
            images: images.bytes, labels: labels.bytes, count: images.dimensions[0],
            rows: images.dimensions[1], cols: images.dimensions[2])
    }
}
