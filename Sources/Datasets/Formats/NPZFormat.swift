import Foundation

/// NumPy `.npz` archives (`source.files[0]`), as `np.savez` (stored) and `np.savez_compressed`
/// (deflated) write them: a zip archive of `.npy` entries, one for the images and one for the labels,
/// named by `source.imagesArray` and `source.labelsArray` or found among the usual names.
enum NPZFormat {
    /// The names tried, in order, when the declaration names no array.
    static let imageNames = ["images", "x", "X", "x_train", "data"]
    static let labelNames = ["labels", "y", "Y", "y_train", "targets"]

    static func read(_ request: ReadRequest) throws -> LabelledData {
        let url = try DatasetReader.firstFile(request)
        let path = url.path
        let data = try MappedFile.read(url)
        let set = try data.withUnsafeBytes { bytes in
            let archive = try ZipArchive(bytes, path: path)
            let arrays = Dictionary(
                archive.entries.filter { $0.name.hasSuffix(".npy") }.map {
                    (String($0.name.dropLast(4)), $0)
                },
                uniquingKeysWith: { first, _ in first })
            let imageName = try pick(
                request.source.imagesArray, defaults: imageNames, role: "image", arrays, path)
            let labelName = try pick(
                request.source.labelsArray, defaults: labelNames, role: "label", arrays, path)
            let images = try NPZEntry(arrays[imageName], name: imageName, archive: archive, path: path)
            let labels = try NPZEntry(arrays[labelName], name: labelName, archive: archive, path: path)
            let pair = try NPYPair(images: images.array, labels: labels.array, request: request)
            return try images.withContent { imageContent in
                try labels.withContent { labelContent in
                    try pair.decode(
                        images: UnsafeRawBufferPointer(
                            rebasing: imageContent[images.array.header.dataOffset...]),
                        labels: UnsafeRawBufferPointer(
                            rebasing: labelContent[labels.array.header.dataOffset...]))
                }
            }
        }
        return LabelledData(set: set, classNames: nil)
    }

    /// The declared array name, or the first of `defaults` the archive holds.
    private static func pick(
        _ declared: String?, defaults: [String], role: String, _ arrays: [String: ZipArchive.Entry],
        _ path: String
    ) throws -> String {
        let held = arrays.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
        let listing = held.isEmpty ? "it holds no .npy arrays" : "its arrays are \(held)"
        if let declared {
            guard arrays[declared] != nil else {
                throw DatasetError.corrupt(
                    path: path, reason: "the archive has no array '\(declared)' (the \(role)s); \(listing)")
            }
            return declared
        }
        guard let found = defaults.first(where: { arrays[$0] != nil }) else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "the archive has no \(role) array named \(defaults.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "\(listing): name it with `\(role)s_array:`")
        }
        return found
    }
}

/// One `.npy` entry of an archive, read in two steps: its header first, then, once every size is checked,
/// its content, inflated if need be and checked against the archive's CRC-32.
private final class NPZEntry {
    let entry: ZipArchive.Entry
    let stored: UnsafeRawBufferPointer
    let path: String
    private(set) var array: NPYPair.Array
    private let inflater: Gzip.RawInflater?
    /// The inflated bytes so far (the header), for a deflated entry.
    private var head: [UInt8]

    init(_ entry: ZipArchive.Entry?, name: String, archive: ZipArchive, path: String) throws {
        guard let entry else {
            throw DatasetError.corrupt(path: path, reason: "the archive has no array '\(name)'")
        }
        self.entry = entry
        self.path = path
        stored = archive.storedBytes(of: entry)
        let subject = "array '\(name)'"
        let header: NPYHeader
        switch entry.method {
        case .stored:
            inflater = nil
            head = []
            header = try NPYHeader.parse(stored, path: path, subject: subject)
        case .deflated:
            let inflater = try Gzip.RawInflater(input: stored, path: path)
            self.inflater = inflater
            head = try Self.inflate(inflater, count: min(NPYHeader.preambleLength, entry.uncompressedSize))
            let offset = try head.withUnsafeBytes {
                try NPYHeader.dataOffset(preamble: $0, path: path, subject: subject)
            }
            guard offset <= entry.uncompressedSize else {
                throw DatasetError.corrupt(path: path, reason: "\(subject) ends inside its .npy header")
            }
            if offset > head.count { head += try Self.inflate(inflater, count: offset - head.count) }
            header = try head.withUnsafeBytes { try NPYHeader.parse($0, path: path, subject: subject) }
        }
        array = NPYPair.Array(header: header, path: path, subject: subject)
        // Exactly: the entry's declared size is what a deflated entry is inflated into.
        let held = entry.uncompressedSize - header.dataOffset
        guard held == header.dataBytes else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "\(subject)'s .npy header promises \(header.dataBytes) bytes of data (shape "
                    + "\(header.writtenShape), dtype '\(header.descr)') but the entry holds \(held)"
                    + (held < header.dataBytes ? ": it is truncated" : ""))
        }
    }

    private static func inflate(_ inflater: Gzip.RawInflater, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try inflater.fill($0) }
        return bytes
    }

    /// Calls `body` with the entry's whole content (`.npy` header and data), once its CRC-32 matches.
    func withContent<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard let inflater else {
            try checkCRC(stored)
            return try body(stored)
        }
        let size = entry.uncompressedSize
        var content = [UInt8](repeating: 0, count: size)
        try content.withUnsafeMutableBytes { output in
            head.withUnsafeBytes { output.copyMemory(from: $0) }
            try inflater.fill(UnsafeMutableRawBufferPointer(rebasing: output[head.count...]))
            try inflater.finish()
        }
        return try content.withUnsafeBytes { bytes in
            try checkCRC(bytes)
            return try body(bytes)
        }
    }

    private func checkCRC(_ content: UnsafeRawBufferPointer) throws {
        let computed = Gzip.crc32(content)
        guard computed == entry.crc32 else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "entry '\(entry.name)' fails its CRC-32 check (the archive records "
                    + "\(hex(entry.crc32)), its content has \(hex(computed))): the archive is damaged; save it again"
            )
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
