import CPNG
import Foundation

/// An 8-bit image as `ImageSet` keeps one: `channels × height × width` bytes, channels first.
struct PNGImage: Equatable {
    var width: Int
    var height: Int
    /// 1 (grey) or 3 (RGB).
    var channels: Int
    var pixels: [UInt8]
}

/// PNG files through libpng, whose calls (and the setjmp its errors need) are all in C in `Sources/CPNG`.
/// The only file that imports CPNG.
enum PNGCodec {
    /// Decodes the PNG file at `path` to 8-bit grey or RGB (palettes and low bit depths expanded, 16 bits
    /// scaled, alpha dropped). Refuses an image that would take more than `maxBytes`.
    static func decode(path: String, maxBytes: Int) throws -> PNGImage {
        var image = cpng_image()
        let status = cpng_decode_file(path, maxBytes, &image)
        defer { cpng_free(image.pixels) }
        let message = withUnsafeBytes(of: image.message) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch Int(status) {
        case Int(CPNG_OK):
            break
        case Int(CPNG_UNREADABLE):
            throw DatasetError.unreadable(path: path, reason: message)
        case Int(CPNG_NOT_PNG):
            throw DatasetError.corrupt(
                path: path, reason: "not a PNG file (it does not start with PNG's signature)")
        case Int(CPNG_TOO_LARGE):
            throw DatasetError.corrupt(
                path: path,
                reason: "the image is too large: \(message), more than the limit of \(maxBytes) bytes")
        case Int(CPNG_NO_MEMORY):
            throw DatasetError.unreadable(path: path, reason: "out of memory decoding the image")
        default:
            throw DatasetError.corrupt(
                path: path, reason: "the PNG file is truncated or damaged (libpng: \(message))")
        }
        let width = Int(image.width)
        let height = Int(image.height)
        let channels = Int(image.channels)
        let plane = width * height
        let interleaved = UnsafeBufferPointer(start: image.pixels, count: plane * channels)
        var pixels = [UInt8](repeating: 0, count: plane * channels)
        for p in 0..<plane {
            for c in 0..<channels { pixels[c * plane + p] = interleaved[p * channels + c] }
        }
        return PNGImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Encodes an 8-bit grey or RGB image (`channels × height × width` bytes, channels first) as a PNG file's
    /// bytes: for test fixtures and tools.
    static func encode(_ image: PNGImage) throws -> Data {
        precondition(image.channels == 1 || image.channels == 3, "PNGCodec.encode writes grey or RGB")
        precondition(image.pixels.count == image.channels * image.width * image.height, "pixel count")
        let plane = image.width * image.height
        var interleaved = [UInt8](repeating: 0, count: image.pixels.count)
        for p in 0..<plane {
            for c in 0..<image.channels { interleaved[p * image.channels + c] = image.pixels[c * plane + p] }
        }
        var output = cpng_buffer()
        var message = [CChar](repeating: 0, count: 256)
        let status = cpng_encode(
            interleaved, UInt32(image.width), UInt32(image.height), UInt32(image.channels), &output, &message,
            message.count)
        defer { cpng_free(output.data) }
        guard Int(status) == Int(CPNG_OK), let data = output.data else {
            let text = String(
                decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DatasetError.corrupt(
                path: "(PNG encoder)", reason: "libpng could not encode the image: \(text)")
        }
        return Data(bytes: data, count: output.size)
    }
}
