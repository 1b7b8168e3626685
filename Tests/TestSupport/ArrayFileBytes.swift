import Foundation

@testable import Datasets

/// The bytes of array files as other tools write them, for tests: IDX, NumPy `.npy` (versions 1.0 to
/// 3.0) and zip archives like `np.savez`'s, stored or deflated, with zip64 fields as Python writes them.
public enum ArrayFileBytes {
    /// An IDX file of unsigned bytes.
    public static func idx(dimensions: [Int], bytes: [UInt8]) -> Data {
        var data = Data([0, 0, 0x08, UInt8(dimensions.count)])
        for d in dimensions {
            data.append(contentsOf: withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) })
        }
        data.append(contentsOf: bytes)
        return data
    }

    /// An `.npy` file: `descr` such as `|u1` or `<f4`, `shape` as NumPy writes it (`(50, 28, 28)`, `(50,)`),
    /// and the data's bytes. The header is padded so that the data starts at a multiple of 64, as NumPy does.
    public static func npy(
        descr: String, shape: String, data: Data, version: UInt8 = 1, fortranOrder: Bool = false
    )
        -> Data
    {
        var dict =
            "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shape), }"
        let fixed = version == 1 ? 10 : 12
        while (fixed + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        var out = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        let length = dict.utf8.count
        if version == 1 {
            out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        } else {
            out.append(contentsOf: withUnsafeBytes(of: UInt32(length).littleEndian) { Array($0) })
        }
        out.append(contentsOf: Array(dict.utf8))
        out.append(data)
        return out
    }

    /// `values` as little-endian float32 bytes.
    public static func float32(_ values: [Float]) -> Data {
        var data = Data()
        for v in values {
            data.append(contentsOf: withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) })
        }
        return data
    }

    /// `values` as little-endian int64 bytes.
    public static func int64(_ values: [Int64]) -> Data {
        var data = Data()
        for v in values { data.append(contentsOf: withUnsafeBytes(of: v.littleEndian) { Array($0) }) }
        return data
    }

    /// A zip archive of `entries`, stored or deflated (raw deflate, as zip stores it). With `zip64`, every
    /// local header carries a zip64 extra field, as Python's `zipfile` writes for `np.savez`, and every
    /// central entry marks its sizes 0xFFFFFFFF and gives them in a zip64 field, as for arrays over 4 GiB.
    public static func zip(_ entries: [(name: String, data: Data)], deflated: Bool, zip64: Bool = false)
        throws
        -> Data
    {
        var archive = Data()
        var central = Data()
        for entry in entries {
            let stored = deflated ? try Gzip.deflate(entry.data, wrapper: .raw) : entry.data
            let crc = entry.data.withUnsafeBytes { Gzip.crc32($0) }
            let name = Array(entry.name.utf8)
            let sizesExtra = zip64 ? le16(1) + le16(16) + le64(entry.data.count) + le64(stored.count) : []
            let offset = archive.count
            archive.append(
                contentsOf: le32(0x0403_4b50) + le16(zip64 ? 45 : 20) + le16(0) + le16(deflated ? 8 : 0))
            archive.append(contentsOf: le16(0) + le16(0x21) + le32(Int(crc)))
            archive.append(
                contentsOf: zip64
                    ? le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) : le32(stored.count) + le32(entry.data.count))
            archive.append(contentsOf: le16(name.count) + le16(sizesExtra.count) + name + sizesExtra)
            archive.append(stored)

            central.append(contentsOf: le32(0x0201_4b50) + le16(zip64 ? 45 : 20) + le16(zip64 ? 45 : 20))
            central.append(
                contentsOf: le16(0) + le16(deflated ? 8 : 0) + le16(0) + le16(0x21) + le32(Int(crc)))
            central.append(
                contentsOf: zip64
                    ? le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) : le32(stored.count) + le32(entry.data.count))
            let centralExtra = zip64 ? le16(1) + le16(16) + le64(entry.data.count) + le64(stored.count) : []
            central.append(
                contentsOf: le16(name.count) + le16(centralExtra.count) + le16(0) + le16(0) + le16(0))
            central.append(contentsOf: le32(0) + le32(offset) + name + centralExtra)
        }
        let directoryOffset = archive.count
        archive.append(central)
        archive.append(
            contentsOf: le32(0x0605_4b50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count))
        archive.append(contentsOf: le32(central.count) + le32(directoryOffset) + le16(0))
        return archive
    }

    private static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    private static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16((v >> 16) & 0xFFFF) }
    private static func le64(_ v: Int) -> [UInt8] { le32(v & 0xFFFF_FFFF) + le32((v >> 32) & 0xFFFF_FFFF) }
}
