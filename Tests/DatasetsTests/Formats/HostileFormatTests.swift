import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// Files built to make a reader overrun, allocate without bound or trust a lie: each gives an error that
/// names the file and the problem, and none traps.
final class HostileFormatTests: FormatTestCase {
    private let set = FormatFixtures.synthetic(count: 4, channels: 1, size: 4)

    func testHeadersThatPromiseMoreThanTheFileHolds() throws {
        try write(
            ArrayFileBytes.idx(dimensions: [4, 4, 4], bytes: Array(set.images.prefix(60))), "images.idx")
        try write(ArrayFileBytes.idx(dimensions: [4], bytes: [0, 1, 2, 3]), "labels.idx")
        assertFails(
            request(.idx, ["images.idx"], labels: "labels.idx"), "images.idx: ", "IDX header promises")

        let npy = FormatFixtures.npyImages(set, float: true)
        try write(npy.prefix(npy.count - 1), "images.npy")
        try write(FormatFixtures.npyLabels(set), "labels.npy")
        assertFails(
            request(.npy, ["images.npy"], labels: "labels.npy"), "images.npy: ", "promises 256 bytes",
            "holds 255", "truncated")

        try write(
            ArrayFileBytes.zip(
                [("x.npy", npy.prefix(npy.count - 4)), ("y.npy", FormatFixtures.npyLabels(set))],
                deflated: true), "entry.npz")
        assertFails(
            request(.npz, ["entry.npz"]), "entry.npz: ", "array 'x'", "promises 256 bytes", "holds 252")
        let archive = try ArrayFileBytes.zip(
            [("x.npy", npy), ("y.npy", FormatFixtures.npyLabels(set))], deflated: false)
        try write(archive.prefix(archive.count / 2), "cut.npz")
        assertFails(request(.npz, ["cut.npz"]), "cut.npz: ", "no end-of-central-directory record")

        try FormatFixtures.writeCIFAR(FormatFixtures.colour, fine: false, to: [url("batch.bin")])
        let batch = try Data(contentsOf: url("batch.bin"))
        try write(batch.prefix(3073 * 2 + 100), "batch.bin")
        assertFails(
            request(.cifar10, ["batch.bin"]), "batch.bin: ", "6246 bytes",
            "not a whole number of 3073-byte CIFAR-10")
    }

    /// A tiny file whose header claims 100,000,000 × 100 bytes is refused at once, with nothing allocated.
    func testAnNPYClaimingTenGigabytesIsRefusedAtOnce() throws {
        try write(
            ArrayFileBytes.npy(descr: "|u1", shape: "(100000000, 100)", data: Data(count: 64)), "huge.npy")
        try write(
            ArrayFileBytes.npy(descr: "<i8", shape: "(100000000,)", data: Data(count: 64)), "labels.npy")
        let start = Date()
        assertFails(request(.npy, ["huge.npy"], labels: "labels.npy"), "huge.npy: ", "10000000000 bytes")
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
        // A file that holds what it promises is still held to the limit on memory.
        try write(FormatFixtures.npyImages(set, float: true), "images.npy")
        try write(FormatFixtures.npyLabels(set), "labels.npy")
        assertFails(
            request(.npy, ["images.npy"], labels: "labels.npy", maxBytes: 100), "images.npy: ", "272 bytes",
            "limit of 100 bytes")
        // So is an IDX file that inflates to more than the limit.
        try write(
            Gzip.deflate(
                ArrayFileBytes.idx(
                    dimensions: [1000, 100, 100], bytes: [UInt8](repeating: 0, count: 10_000_000)),
                wrapper: .gzip),
            "bomb.idx")
        try write(
            ArrayFileBytes.idx(dimensions: [1000], bytes: [UInt8](repeating: 0, count: 1000)), "labels.idx")
        assertFails(
            request(.idx, ["bomb.idx"], labels: "labels.idx", maxBytes: 1 << 20), "bomb.idx: ",
            "limit of 1048576")
    }

    func testLabelsOutsideTheClassesNameTheFileAndSample() throws {
        try write(FormatFixtures.npyImages(set, float: false), "images.npy")
        try write(
            ArrayFileBytes.npy(descr: "<i8", shape: "(4,)", data: ArrayFileBytes.int64([1, 2, 12, 3])),
            "labels.npy")
        assertFails(
            request(.npy, ["images.npy"], labels: "labels.npy", classes: 10), "labels.npy: ",
            "sample 2 has label 12",
            "0..<10")
        try write(
            ArrayFileBytes.npy(descr: "<i8", shape: "(4,)", data: ArrayFileBytes.int64([1, -5, 0, 3])),
            "labels.npy")
        assertFails(request(.npy, ["images.npy"], labels: "labels.npy"), "sample 1 has label -5")

        try write(ArrayFileBytes.idx(dimensions: [4, 4, 4], bytes: set.images), "images.idx")
        try write(ArrayFileBytes.idx(dimensions: [4], bytes: [0, 1, 9, 3]), "labels.idx")
        assertFails(
            request(.idx, ["images.idx"], labels: "labels.idx", classes: 5), "labels.idx: ",
            "sample 2 has label 9")

        var record = Data([10]) + Data(count: 3072)
        record = Data([3]) + Data(count: 3072) + record
        try write(record, "batch.bin")
        assertFails(
            request(.cifar10, ["batch.bin"]), "batch.bin: ", "record 1 has label 10",
            "CIFAR-10 has 10 classes")

        try write(Data("a,b,label\n1,2,0\n3,4,7\n".utf8), "t.csv")
        assertFails(request(.csv, ["t.csv"], classes: 5), "t.csv:3:5: ", "sample 1 has label 7")
    }

    func testAZipEntryWithABadCRCOrALyingSize() throws {
        var archive = try ArrayFileBytes.zip(
            [
                ("x.npy", FormatFixtures.npyImages(set, float: false)),
                ("y.npy", FormatFixtures.npyLabels(set)),
            ],
            deflated: false)
        // A pixel byte of the first entry: after its 30 + 5 byte local header and the 128-byte .npy header.
        archive[30 + 5 + 128 + 3] ^= 0xFF
        try write(archive, "crc.npz")
        assertFails(
            request(.npz, ["crc.npz"]), "crc.npz: ", "entry 'x.npy' fails its CRC-32 check", "damaged")

        // The directory says 64 bytes of data; the deflated stream holds more.
        let npy = ArrayFileBytes.npy(descr: "|u1", shape: "(1, 8, 8)", data: Data(count: 64))
        var bomb = try ArrayFileBytes.zip(
            [
                ("x.npy", npy + Data(count: 100_000)),
                ("y.npy", ArrayFileBytes.npy(descr: "|u1", shape: "(1,)", data: Data([0]))),
            ], deflated: true)
        let directory = try XCTUnwrap(bomb.range(of: Data([0x50, 0x4b, 0x01, 0x02]))).lowerBound
        bomb.replaceSubrange((directory + 24)..<(directory + 28), with: [UInt8(npy.count), 0, 0, 0])
        try write(bomb, "bomb.npz")
        assertFails(request(.npz, ["bomb.npz"]), "bomb.npz: ", "more bytes than its declared size")
    }

    func testPNGFoldersThatCannotBeOneSet() throws {
        try FormatFixtures.writePNGFolder(set, to: url("png"))
        try PNGWriter.write(
            pixels: [UInt8](repeating: 9, count: 15), width: 5, height: 3, channels: 1,
            to: url("png/2/00009.png"))
        assertFails(
            request(.png, ["png"]), "png/2/00009.png: ", "5×3 pixels", "png/0/00000.png", "is 4×4", "resize")
        try FileManager.default.removeItem(at: url("png/2/00009.png"))

        let pngData = try Data(contentsOf: url("png/1/00001.png"))
        try write(pngData.prefix(pngData.count - 20), "png/1/00001.png")
        assertFails(request(.png, ["png"]), "png/1/00001.png: ", "truncated or damaged")
        try write(pngData, "png/1/00001.png")

        try FileManager.default.createDirectory(at: url("png/7"), withIntermediateDirectories: true)
        try write(Data(), "png/7/.DS_Store")
        assertFails(request(.png, ["png"]), "png/7: ", "class folder has no .png files")
        try write(Data([0xFF, 0xD8, 0xFF, 0xE0]), "png/7/cat.jpg")
        assertFails(request(.png, ["png"]), "png/7/cat.jpg: ", "not a .png file")
        try FileManager.default.moveItem(at: url("png/7/cat.jpg"), to: url("png/7/cat.png"))
        assertFails(request(.png, ["png"]), "png/7/cat.png: ", "not a PNG file")
        try FileManager.default.removeItem(at: url("png/7"))

        assertFails(
            request(.png, ["png"], classNames: ["0", "1", "3"]), "png/2: ", "'2' is not one of the classes")
        XCTAssertEqual(try DatasetReader.read(request(.png, ["png"])).classNames, ["0", "1", "2", "3"])
    }

    func testCSVErrorsPointAtTheLineAndColumn() throws {
        try write(Data("a,b,label\n1,2,0\n3,4,1,5\n".utf8), "ragged.csv")
        assertFails(
            request(.csv, ["ragged.csv"]), "ragged.csv:3:7: ", "a row of 4 cells, but the header has 3")
        try write(Data("1,2,0\r\n3\r\n".utf8), "short.csv")
        assertFails(
            request(.csv, ["short.csv"]), "short.csv:2:2: ", "a row of 1 cells, but the first row has 3")
        try write(Data("a,b,label\n1,2,0\n3,\"x y\",1\n".utf8), "word.csv")
        assertFails(request(.csv, ["word.csv"]), "word.csv:3:3: ", "'x y' is not a number (column 'b')")
        try write(Data("a,b,label\n1,,0\n".utf8), "blank.csv")
        assertFails(request(.csv, ["blank.csv"]), "blank.csv:2:3: ", "empty cell")
        try write(Data(), "empty.csv")
        assertFails(request(.csv, ["empty.csv"]), "empty.csv: ", "the file is empty")
        try write(Data("a,b,label\n".utf8), "header.csv")
        assertFails(request(.csv, ["header.csv"]), "header.csv: ", "no rows of data")
        try write(Data("a,b,kind\n1,2,0\n".utf8), "named.csv")
        assertFails(
            request(.csv, ["named.csv"], labelColumn: "class"), "named.csv:1:1: ", "'class'",
            "'a', 'b', 'kind'")
        try write(Data("a,b,label\n1,\"2,0\n".utf8), "quote.csv")
        assertFails(request(.csv, ["quote.csv"]), "quote.csv:2:3: ", "never closed")
    }

    /// Every file of every format with bytes flipped and cut: the readers throw or read, and never trap.
    func testMutatedFilesNeverTrap() throws {
        let colour = FormatFixtures.synthetic(count: 2, channels: 3, size: 4)
        try write(ArrayFileBytes.idx(dimensions: [4, 4, 4], bytes: set.images), "images.idx")
        try write(ArrayFileBytes.idx(dimensions: [4], bytes: [0, 1, 2, 3]), "labels.idx")
        try write(FormatFixtures.npyImages(colour, float: true, channelsLast: true), "images.npy")
        try write(FormatFixtures.npyLabels(colour), "labels.npy")
        try write(
            ArrayFileBytes.zip(
                [
                    ("x.npy", FormatFixtures.npyImages(set, float: false)),
                    ("y.npy", FormatFixtures.npyLabels(set)),
                ],
                deflated: true, zip64: true), "a.npz")
        try write(Data([1]) + Data(count: 3072), "batch.bin")
        try write(Data("a,\"b\"\"\",label\r\n1,2.5,x\n3,4,y\n".utf8), "t.csv")
        try FormatFixtures.writePNGFolder(set, to: url("png"))
        let targets: [(file: String, request: ReadRequest)] = [
            ("images.idx", request(.idx, ["images.idx"], labels: "labels.idx")),
            ("labels.idx", request(.idx, ["images.idx"], labels: "labels.idx")),
            ("images.npy", request(.npy, ["images.npy"], labels: "labels.npy")),
            ("labels.npy", request(.npy, ["images.npy"], labels: "labels.npy")),
            ("a.npz", request(.npz, ["a.npz"])),
            ("batch.bin", request(.cifar10, ["batch.bin"])),
            ("t.csv", request(.csv, ["t.csv"])),
            ("png/2/00002.png", request(.png, ["png"])),
        ]
        var random = SplitMix(seed: 23)
        for target in targets {
            let original = try Data(contentsOf: url(target.file))
            for round in 0..<60 {
                var bytes = [UInt8](original)
                if round % 4 == 3 {
                    bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
                } else {
                    for _ in 0...(round % 3) {
                        let i = Int(random.next() % UInt64(bytes.count))
                        bytes[i] = round % 2 == 0 ? UInt8(truncatingIfNeeded: random.next()) : 0xFF
                    }
                }
                try write(Data(bytes), target.file)
                do {
                    _ = try DatasetReader.read(target.request)
                } catch let error as DatasetError {
                    XCTAssertFalse("\(error)".isEmpty)
                }
            }
            try write(original, target.file)
        }
    }
}

/// A small deterministic generator (SplitMix64), so that the mutations are the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
