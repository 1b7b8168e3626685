/// The table of contents of a zip archive (PKWARE's APPNOTE.TXT), as Python's `zipfile` writes it for
/// `np.savez`: the end-of-central-directory record, its zip64 form for large archives, and one central
/// directory entry per file, with zip64 extra fields for sizes and offsets over 4 GiB. Every offset and
/// size is checked against the archive's length before it is used.
struct ZipArchive {
    enum Method: Equatable {
        case stored
        case deflated
    }

    struct Entry {
        var name: String
        var method: Method
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        /// Where the entry's (compressed) bytes start in the archive.
        var dataOffset: Int
    }

    var entries: [Entry]

    private let bytes: UnsafeRawBufferPointer
    private let path: String

    /// Reads the table of contents of the archive in `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, path: String) throws {
        self.bytes = bytes
        self.path = path
        entries = []
        let end = try endOfCentralDirectory()
        var offset = end.directoryOffset
        for _ in 0..<end.entryCount {
            let entry = try centralEntry(at: &offset)
            entries.append(entry)
        }
    }

    /// The bytes of `entry` as the archive stores them (compressed or not).
    func storedBytes(of entry: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
    }

    // MARK: Reading the records

    private func corrupt(_ reason: String) -> DatasetError {
        DatasetError.corrupt(path: path, reason: "not a readable zip archive: \(reason)")
    }

    private func u16(_ offset: Int) -> Int {
        Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    private func u32(_ offset: Int) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    /// nil when the value does not fit an `Int`.
    private func u64(_ offset: Int) -> Int? {
        Int(exactly: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }

    /// Whether `count` bytes from `offset` lie inside the archive.
    private func holds(_ offset: Int, _ count: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= bytes.count && count <= bytes.count - offset
    }

    private struct End {
        var entryCount: Int
        var directoryOffset: Int
    }

    private static let endSignature = 0x0605_4b50
    private static let zip64EndSignature = 0x0606_4b50
    private static let zip64LocatorSignature = 0x0706_4b50
    private static let centralSignature = 0x0201_4b50
    private static let localSignature = 0x0403_4b50

    /// The end record: the last 22 bytes, or further back by its comment's length (at most 65,535).
    private func endOfCentralDirectory() throws -> End {
        guard bytes.count >= 22 else { throw corrupt("the file is too short (\(bytes.count) bytes)") }
        var candidate = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while candidate >= lowest {
            if u32(candidate) == Self.endSignature && candidate + 22 + u16(candidate + 20) == bytes.count {
                break
            }
            candidate -= 1
        }
        guard candidate >= lowest else {
            throw corrupt("no end-of-central-directory record (the file is truncated or not a zip archive)")
        }
        var count = u16(candidate + 10)
        var offset = u32(candidate + 16)
        if count == 0xFFFF || offset == 0xFFFF_FFFF || u32(candidate + 12) == 0xFFFF_FFFF {
            // Zip64: a locator just before the end record points at the zip64 end record.
            let locator = candidate - 20
            guard locator >= 0, u32(locator) == Self.zip64LocatorSignature,
                let recordOffset = u64(locator + 8),
                holds(recordOffset, 56), u32(recordOffset) == Self.zip64EndSignature,
                let count64 = u64(recordOffset + 32), let offset64 = u64(recordOffset + 48)
            else {
                throw corrupt("its zip64 end record is missing or damaged")
            }
            count = count64
            offset = offset64
        }
        // Each central entry takes at least 46 bytes: a count the archive cannot hold is refused before it
        // sizes anything.
        guard holds(offset, 0), count <= (bytes.count - offset) / 46 else {
            throw corrupt(
                "the central directory claims \(count) entries at offset \(offset), past the file's end")
        }
        return End(entryCount: count, directoryOffset: offset)
    }

    /// The central directory entry at `offset`, which is moved past it.
    private func centralEntry(at offset: inout Int) throws -> Entry {
        guard holds(offset, 46), u32(offset) == Self.centralSignature else {
            throw corrupt("a central directory entry is damaged (at offset \(offset))")
        }
        let flags = u16(offset + 8)
        let methodCode = u16(offset + 10)
        let crc = UInt32(u32(offset + 16))
        var compressed: Int? = u32(offset + 20)
        var uncompressed: Int? = u32(offset + 24)
        let nameLength = u16(offset + 28)
        let extraLength = u16(offset + 30)
        let commentLength = u16(offset + 32)
        var localOffset: Int? = u32(offset + 42)
        let nameStart = offset + 46
        guard holds(nameStart, nameLength + extraLength + commentLength) else {
            throw corrupt("a central directory entry runs past the file's end")
        }
        let name = String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + nameLength)]),
            as: UTF8.self)
        try zip64Sizes(
            extra: nameStart + nameLength, length: extraLength, uncompressed: &uncompressed,
            compressed: &compressed, localOffset: &localOffset, entry: name)
        offset = nameStart + nameLength + extraLength + commentLength
        guard flags & 1 == 0 else {
            throw DatasetError.corrupt(
                path: path, reason: "entry '\(name)' is encrypted; save the arrays without a password")
        }
        let method: Method
        switch methodCode {
        case 0: method = .stored
        case 8: method = .deflated
        default:
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "entry '\(name)' is compressed with zip method \(methodCode); this reader knows stored (0) "
                    + "and deflated (8), as np.savez and np.savez_compressed write")
        }
        guard let compressed, let uncompressed, let localOffset else {
            throw corrupt("entry '\(name)' has sizes or an offset over 2^63")
        }
        guard method == .deflated || compressed == uncompressed else {
            throw corrupt("stored entry '\(name)' has different compressed and uncompressed sizes")
        }
        let dataOffset = try localData(at: localOffset, entry: name)
        guard holds(dataOffset, compressed) else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "entry '\(name)' promises \(compressed) bytes at offset \(dataOffset) but the archive holds "
                    + "\(max(0, bytes.count - dataOffset)) there: it is truncated")
        }
        return Entry(
            name: name, method: method, crc32: crc, compressedSize: compressed,
            uncompressedSize: uncompressed,
            dataOffset: dataOffset)
    }

    /// Replaces the sizes and offset the central entry marks 0xFFFFFFFF with those of its zip64 extra
    /// field (id 1), which holds, in this order, only the values so marked.
    private func zip64Sizes(
        extra start: Int, length: Int, uncompressed: inout Int?, compressed: inout Int?,
        localOffset: inout Int?,
        entry: String
    ) throws {
        let marked = 0xFFFF_FFFF
        guard uncompressed == marked || compressed == marked || localOffset == marked else { return }
        var field = start
        while field + 4 <= start + length {
            let id = u16(field)
            let size = u16(field + 2)
            guard field + 4 + size <= start + length else { break }
            if id == 1 {
                var cursor = field + 4
                func next() throws -> Int? {
                    guard cursor + 8 <= field + 4 + size else {
                        throw corrupt(
                            "entry '\(entry)' has a zip64 field too short for the sizes it must hold")
                    }
                    defer { cursor += 8 }
                    return u64(cursor)
                }
                if uncompressed == marked { uncompressed = try next() }
                if compressed == marked { compressed = try next() }
                if localOffset == marked { localOffset = try next() }
                return
            }
            field += 4 + size
        }
        throw corrupt("entry '\(entry)' marks its sizes as zip64 but has no zip64 extra field")
    }

    /// Where an entry's data starts: after its local header, whose name and extra field may differ in
    /// length from the central entry's.
    private func localData(at offset: Int, entry: String) throws -> Int {
        guard holds(offset, 30), u32(offset) == Self.localSignature else {
            throw corrupt("the local header of entry '\(entry)' is missing or damaged (offset \(offset))")
        }
        let start = offset + 30 + u16(offset + 26) + u16(offset + 28)
        guard holds(start, 0) else {
            throw corrupt("the local header of entry '\(entry)' runs past the file's end")
        }
        return start
    }
}
