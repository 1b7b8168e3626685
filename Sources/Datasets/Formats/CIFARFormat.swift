import Foundation

/// CIFAR-10 and CIFAR-100 binary batches (https://www.cs.toronto.edu/~kriz/cifar.html), concatenated in
/// the order `source.files` lists them. A CIFAR-10 record is a label byte and 3×32×32 pixel bytes, red
/// plane then green then blue (channels first, as `ImageSet` keeps them); a CIFAR-100 record has a coarse
/// and a fine label byte before its pixels, and the fine label is the class.
enum CIFARFormat {
    static let shape = SampleShape(channels: 3, rows: 32, cols: 32)

    /// What sets the two formats apart.
    private struct Kind {
        var name: String
        var labelBytes: Int
        /// The label byte used, counted from the record's start.
        var labelOffset: Int
        var classes: Int
        /// The class names file beside the batches.
        var namesFile: String
    }

    static func read(_ request: ReadRequest) throws -> LabelledData {
        let kind =
            request.format == .cifar100
            ? Kind(
                name: "CIFAR-100", labelBytes: 2, labelOffset: 1, classes: 100,
                namesFile: "fine_label_names.txt")
            : Kind(
                name: "CIFAR-10", labelBytes: 1, labelOffset: 0, classes: 10, namesFile: "batches.meta.txt")
        let first = try DatasetReader.firstFile(request)
        let pixelBytes = shape.elements
        let recordBytes = kind.labelBytes + pixelBytes

        // Every file's length first: a whole number of records, and all of them within the limit.
        var files: [(url: URL, data: Data, records: Int)] = []
        for url in request.source.files {
            let data = try MappedFile.read(url)
            guard data.count % recordBytes == 0 else {
                throw DatasetError.corrupt(
                    path: url.path,
                    reason:
                        "the file's \(data.count) bytes are not a whole number of \(recordBytes)-byte \(kind.name) "
                        + "records (\(data.count / recordBytes) records and \(data.count % recordBytes) bytes over): "
                        + "it is truncated or not a \(kind.name) binary batch")
            }
            files.append((url, data, data.count / recordBytes))
        }
        let count = files.reduce(0) { $0 + $1.records }
        try SizeCheck.requireWithinLimit(
            SizeCheck.product([count, pixelBytes + 4]), limit: request.maxBytes, path: first.path,
            what: "\(count) \(kind.name) images and their labels")

        let classNames = try names(beside: first, kind: kind)
        var classes = kind.classes
        var limit = "\(kind.name) has \(kind.classes) classes"
        if let names = classNames, names.count < classes {
            (classes, limit) = (names.count, "\(kind.namesFile) names \(names.count) classes")
        }
        if let declared = request.classes, declared < classes {
            (classes, limit) = (declared, "the \(declared) classes declared")
        }
        var pixels = [UInt8]()
        pixels.reserveCapacity(count * pixelBytes)
        var labels = [Int32]()
        labels.reserveCapacity(count)
        for file in files {
            try file.data.withUnsafeBytes { bytes in
                for record in 0..<file.records {
                    let start = record * recordBytes
                    let label = bytes[start + kind.labelOffset]
                    guard Int(label) < classes else {
                        throw LabelCheck.outOfRange(
                            Int64(label), index: record, classes: classes, path: file.url.path,
                            noun: "record",
                            limit: limit)
                    }
                    labels.append(Int32(label))
                    pixels.append(
                        contentsOf: UnsafeRawBufferPointer(
                            rebasing: bytes[(start + kind.labelBytes)..<(start + recordBytes)]))
                }
            }
        }
        let set = ImageSet(pixels: .bytes(pixels), labels: labels, count: count, shape: shape)
        return LabelledData(set: set, classNames: classNames)
    }

    /// The class names, one a line, from the file the dataset ships beside its batches, if there is one.
    private static func names(beside file: URL, kind: Kind) throws -> [String]? {
        let url = file.deletingLastPathComponent().appendingPathComponent(kind.namesFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try MappedFile.read(url)
        guard data.count <= 1 << 20 else {
            throw DatasetError.corrupt(
                path: url.path,
                reason: "a list of class names of \(data.count) bytes is not one; remove the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }
}
