import Foundation

@testable import Datasets

/// PNG files of every colour type and bit depth, chunk by chunk, for tests of what the decoder turns
/// them into (`PNGWriter` writes only 8-bit grey and RGB).
public enum PNGBytes {
    /// PNG's colour types.
    public enum ColourType: UInt8 {
        case grey = 0
        case rgb = 2
        case palette = 3
        case greyAlpha = 4
        case rgba = 6
    }

    /// A PNG of `rows`, each the row's packed samples (filter bytes are added), with an optional palette
    /// (RGB triples) and tRNS chunk.
    public static func make(
        width: Int, height: Int, bitDepth: UInt8, colourType: ColourType, rows: [[UInt8]],
        palette: [UInt8]? = nil,
        transparency: [UInt8]? = nil
    ) throws -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = be32(width) + be32(height)
        header += [bitDepth, colourType.rawValue, 0, 0, 0]
        png += chunk("IHDR", header)
        if let palette { png += chunk("PLTE", palette) }
        if let transparency { png += chunk("tRNS", transparency) }
        let raw = Data(rows.flatMap { [0] + $0 })
        png += chunk("IDAT", [UInt8](try Gzip.deflate(raw, wrapper: .zlib)))
        png += chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> Data {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBytes { Gzip.crc32($0) }
        return Data(be32(data.count) + body + be32(Int(crc)))
    }

    private static func be32(_ v: Int) -> [UInt8] {
        [UInt8((v >> 24) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
