import Foundation

/// Writes 8-bit grey or RGB PNG files (through `PNGCodec`): what the tests make their PNG fixtures with.
enum PNGWriter {
    /// Writes `pixels` (`channels × height × width` bytes, channels first, as `ImageSet` keeps a sample) to
    /// `url`.
    static func write(pixels: [UInt8], width: Int, height: Int, channels: Int, to url: URL) throws {
        let data = try PNGCodec.encode(
            PNGImage(width: width, height: height, channels: channels, pixels: pixels))
        try data.write(to: url)
    }
}
