import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// What the PNG decoder makes of each colour type and bit depth, and how a folder of them becomes one set.
final class PNGFolderTests: FormatTestCase {
    private func decode(_ data: Data) throws -> PNGImage {
        try write(data, "image.png")
        return try PNGCodec.decode(path: url("image.png").path, maxBytes: 1 << 20)
    }

    func testEveryColourTypeAndBitDepthBecomesEightBitGreyOrRGB() throws {
        let grey = try decode(
            PNGBytes.make(width: 2, height: 2, bitDepth: 8, colourType: .grey, rows: [[10, 20], [30, 40]]))
        XCTAssertEqual(grey, PNGImage(width: 2, height: 2, channels: 1, pixels: [10, 20, 30, 40]))

        // 16 bits scaled to 8 with rounding: 0xFFFF → 255, 0x8080 → 128.
        let deep = try decode(
            PNGBytes.make(
                width: 2, height: 1, bitDepth: 16, colourType: .grey, rows: [[0xFF, 0xFF, 0x80, 0x80]]))
        XCTAssertEqual(deep.pixels, [255, 128])

        // 1-bit grey: a set bit is white.
        let bits = try decode(
            PNGBytes.make(
                width: 3, height: 2, bitDepth: 1, colourType: .grey, rows: [[0b1010_0000], [0b0100_0000]]))
        XCTAssertEqual(bits, PNGImage(width: 3, height: 2, channels: 1, pixels: [255, 0, 255, 0, 255, 0]))

        // Grey with alpha: the alpha is dropped, not blended.
        let greyAlpha = try decode(
            PNGBytes.make(width: 2, height: 1, bitDepth: 8, colourType: .greyAlpha, rows: [[50, 0, 60, 255]]))
        XCTAssertEqual(greyAlpha, PNGImage(width: 2, height: 1, channels: 1, pixels: [50, 60]))

        // RGB and RGBA come out channels first.
        let rgb = try decode(
            PNGBytes.make(width: 2, height: 1, bitDepth: 8, colourType: .rgb, rows: [[1, 2, 3, 4, 5, 6]]))
        XCTAssertEqual(rgb, PNGImage(width: 2, height: 1, channels: 3, pixels: [1, 4, 2, 5, 3, 6]))
        let rgba = try decode(
            PNGBytes.make(
                width: 2, height: 1, bitDepth: 8, colourType: .rgba, rows: [[1, 2, 3, 0, 4, 5, 6, 9]]))
        XCTAssertEqual(rgba, rgb)

        // A 4-bit palette with transparency: colours looked up, transparency dropped.
        let palette = try decode(
            PNGBytes.make(
                width: 3, height: 1, bitDepth: 4, colourType: .palette, rows: [[0x21, 0x00]],
                palette: [10, 11, 12, 20, 21, 22, 30, 31, 32], transparency: [0, 128, 255]))
        XCTAssertEqual(palette.channels, 3)
        XCTAssertEqual(palette.pixels, [30, 20, 10, 31, 21, 11, 32, 22, 12])
    }

    func testDamagedAndOversizedPNGsAreRefused() throws {
        var data = try PNGBytes.make(
            width: 2, height: 2, bitDepth: 8, colourType: .grey, rows: [[1, 2], [3, 4]])
        XCTAssertThrowsError(try PNGCodec.decode(path: url("absent.png").path, maxBytes: 1 << 20)) {
            XCTAssertTrue("\($0)".contains("absent.png: cannot be read"), "\($0)")
        }
        try write(data, "big.png")
        XCTAssertThrowsError(try PNGCodec.decode(path: url("big.png").path, maxBytes: 3)) {
            XCTAssertTrue("\($0)".contains("big.png: the image is too large"), "\($0)")
        }
        data[data.count - 20] ^= 0x55  // inside the image data: its CRC no longer matches
        XCTAssertThrowsError(try decode(data)) {
            XCTAssertTrue(
                "\($0)".contains("image.png: the PNG file is truncated or damaged (libpng: "), "\($0)")
        }
    }

    /// Grey images in a folder that also has colour ones become RGB, wherever they come in the order.
    func testGreyImagesBesideColourOnesBecomeRGB() throws {
        for folder in ["a", "b", "c"] {
            try FileManager.default.createDirectory(
                at: url("set/\(folder)"), withIntermediateDirectories: true)
        }
        try PNGWriter.write(pixels: [1, 2], width: 2, height: 1, channels: 1, to: url("set/a/1.png"))
        try PNGWriter.write(
            pixels: [10, 11, 20, 21, 30, 31], width: 2, height: 1, channels: 3, to: url("set/b/1.png"))
        try PNGWriter.write(pixels: [5, 6], width: 2, height: 1, channels: 1, to: url("set/c/1.png"))
        try write(Data("ignored".utf8), "set/a/.hidden.txt")
        let data = try DatasetReader.read(request(.png, ["set"]))
        XCTAssertEqual(data.set.shape, SampleShape(channels: 3, rows: 1, cols: 2))
        XCTAssertEqual(data.set.pixels, .bytes([1, 2, 1, 2, 1, 2, 10, 11, 20, 21, 30, 31, 5, 6, 5, 6, 5, 6]))
        XCTAssertEqual(data.set.labels, [0, 1, 2])
        XCTAssertEqual(data.classNames, ["a", "b", "c"])

        // Declared class names give the indices, and a folder may be missing from a split.
        let declared = try DatasetReader.read(request(.png, ["set"], classNames: ["z", "c", "b", "a"]))
        XCTAssertEqual(declared.set.labels, [3, 2, 1])
        XCTAssertEqual(declared.classNames, ["z", "c", "b", "a"])
        assertFails(request(.png, ["set"], classes: 2), "sample 2 has label 2", "0..<2")

        try write(Data(), "set/notes.txt")
        assertFails(request(.png, ["set"]), "set/notes.txt: ", "only class subfolders")
    }
}
