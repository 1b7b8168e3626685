import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// The `--html` page in a real browser: headless Chromium renders it to a screenshot, which must not
/// be blank and must show the figures (the same page without its figures has far fewer coloured pixels).
final class BrowserTests: XCTestCase {
    static let chromium: String? = [
        "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    ]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

    func testThePageRendersWithItsFiguresInHeadlessChromium() throws {
        guard let chromium = Self.chromium else {
            throw XCTSkip("no Chromium (apt-get install chromium) to render the page")
        }
        try XCTSkipUnless(
            FileManager.default.isExecutableFile(atPath: ReportBinary.url.path), "no report binary")
        try TestPaths.requireSharedData()
        let scratch = try TestPaths.temporaryDirectory("browser-test")
        defer { try? FileManager.default.removeItem(at: scratch) }
        XCTAssertEqual(
            try run(
                ReportBinary.url.path, ["init", "proj", "--data-dir", TestPaths.sharedData.path], in: scratch),
            0)
        let project = scratch.appendingPathComponent("proj")
        XCTAssertEqual(try run(ReportBinary.url.path, ["build", "--html"], in: project), 0)
        let page = try String(
            contentsOf: project.appendingPathComponent("report/README.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<figure class=\"chart\"><svg"), "the figure is inlined")
        XCTAssertTrue(page.contains("<table>"), "the table is HTML")

        // The same page without its figures, for comparison.
        var bare = page
        while let start = bare.range(of: "<figure class=\"chart\">"),
            let end = bare.range(of: "</figure>", range: start.upperBound..<bare.endIndex)
        {
            bare.removeSubrange(start.lowerBound..<end.upperBound)
        }
        let barePath = scratch.appendingPathComponent("bare.html")
        try Data(bare.utf8).write(to: barePath)

        let full = try screenshot(
            chromium, page: project.appendingPathComponent("report/README.html"), in: scratch,
            name: "full.png")
        let without = try screenshot(chromium, page: barePath, in: scratch, name: "bare.png")
        XCTAssertGreaterThan(full.inked, full.total / 50, "the page is not blank: \(full)")
        XCTAssertGreaterThan(full.colours, 50, "text, lines and markers in several colours: \(full)")
        XCTAssertGreaterThan(
            full.coloured, 4 * max(without.coloured, 100),
            "the figures' coloured curves are drawn: \(full) vs \(without)")
    }

    struct Pixels: CustomStringConvertible {
        var total = 0, inked = 0, coloured = 0, colours = 0
        var description: String {
            "\(total) pixels, \(inked) not white, \(coloured) coloured, \(colours) distinct colours"
        }
    }

    func screenshot(_ chromium: String, page: URL, in directory: URL, name: String) throws -> Pixels {
        let output = directory.appendingPathComponent(name)
        let status = try run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--force-color-profile=srgb",
                "--user-data-dir=\(directory.appendingPathComponent("chromium-profile").path)",
                "--screenshot=\(output.path)", "--window-size=1000,1400", page.absoluteString,
            ], in: directory)
        XCTAssertEqual(status, 0)
        return try Self.analyse(Data(contentsOf: output))
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], in directory: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) and counts its pixels.
    static func analyse(_ png: Data) throws -> Pixels {
        let bytes = [UInt8](png)
        guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw XCTSkip("not a PNG")
        }
        func u32(_ i: Int) -> Int {
            Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        }
        var offset = 8
        var width = 0
        var height = 0
        var channels = 0
        var compressed = Data()
        while offset + 8 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { break }
            if type == "IHDR" {
                width = u32(body)
                height = u32(body + 4)
                XCTAssertEqual(bytes[body + 8], 8, "8 bits per channel")
                channels = bytes[body + 9] == 6 ? 4 : bytes[body + 9] == 2 ? 3 : 0
            } else if type == "IDAT" {
                compressed.append(contentsOf: bytes[body..<body + length])
            }
            offset = body + length + 4
        }
        guard channels > 0 else { throw XCTSkip("not an RGB(A) PNG") }
        let raw = [UInt8](try Gzip.decompress(compressed, path: "screenshot"))
        let stride = width * channels
        XCTAssertEqual(raw.count, height * (stride + 1))
        var previous = [UInt8](repeating: 0, count: stride)
        var row = [UInt8](repeating: 0, count: stride)
        var pixels = Pixels()
        var colours = Set<UInt32>()
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            let line = raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))]
            for (x, value) in line.enumerated() {
                let a = x >= channels ? Int(row[x - channels]) : 0
                let b = Int(previous[x])
                let c = x >= channels ? Int(previous[x - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a)
                    let pb = abs(p - b)
                    let pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                row[x] = UInt8((Int(value) + predictor) & 0xFF)
            }
            for x in 0..<width {
                let r = Int(row[x * channels])
                let g = Int(row[x * channels + 1])
                let b = Int(row[x * channels + 2])
                pixels.total += 1
                if r < 245 || g < 245 || b < 245 { pixels.inked += 1 }
                if max(r, g, b) - min(r, g, b) > 60 { pixels.coloured += 1 }
                colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
            }
            swap(&previous, &row)
        }
        pixels.colours = colours.count
        return pixels
    }
}
