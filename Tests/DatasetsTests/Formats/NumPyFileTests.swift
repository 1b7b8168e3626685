import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// Files NumPy itself wrote (`Tests/Fixtures/numpy/make.py`), and `.npy` headers and dtypes of every kind.
final class NumPyFileTests: FormatTestCase {
    private let fixtures = TestPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/numpy")

    private func fixture(_ format: DatasetFormat, _ file: String, labels: String? = nil) -> ReadRequest {
        ReadRequest(
            format: format,
            source: SplitSource(
                files: [fixtures.appendingPathComponent(file)],
                labels: labels.map(fixtures.appendingPathComponent)))
    }

    /// The fixtures' images, channels first: value n·12 + y·6 + x·3 + c.
    private var expected: [UInt8] {
        var values: [UInt8] = []
        for n in 0..<4 {
            for c in 0..<3 {
                for y in 0..<2 {
                    for x in 0..<2 { values.append(UInt8(n * 12 + y * 6 + x * 3 + c)) }
                }
            }
        }
        return values
    }
    private let shape = SampleShape(channels: 3, rows: 2, cols: 2)

    func testNumPysOwnFilesOfEveryVersionAndArchiveKind() throws {
        let v1 = try DatasetReader.read(fixture(.npy, "images_v1.npy", labels: "labels.npy")).set
        XCTAssertEqual(v1.pixels, .bytes(expected))
        XCTAssertEqual(v1.shape, shape)
        XCTAssertEqual(v1.labels, [0, 1, 2, 3])
        for version in ["images_v2.npy", "images_v3.npy"] {
            let set = try DatasetReader.read(fixture(.npy, version, labels: "labels.npy")).set
            XCTAssertEqual(set.pixels, .floats(expected.map { Float($0) / 255 }), version)
        }
        let stored = try DatasetReader.read(fixture(.npz, "stored.npz")).set
        XCTAssertEqual(stored.pixels, .bytes(expected))
        XCTAssertEqual(stored.labels, [0, 1, 2, 3])
        // float64 images, labels of shape (4, 1).
        let deflated = try DatasetReader.read(fixture(.npz, "deflated.npz")).set
        XCTAssertEqual(deflated.pixels, .floats(expected.map { Float(Double($0) / 255) }))
        XCTAssertEqual(deflated.labels, [0, 1, 2, 3])
    }

    func testEveryIntegerLabelTypeAndTableImages() throws {
        try write(
            ArrayFileBytes.npy(
                descr: "<f4", shape: "(3, 2)", data: ArrayFileBytes.float32([1, 2, 3, 4, 5, 6])),
            "table.npy")
        let values: [Int64] = [2, 0, 1]
        for (descr, size) in [
            ("|u1", 1), ("|i1", 1), ("<u2", 2), ("<i2", 2), ("<u4", 4), ("<i4", 4), ("<u8", 8), ("<i8", 8),
        ] {
            let bytes = values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0.prefix(size)) } }
            try write(ArrayFileBytes.npy(descr: descr, shape: "(3,)", data: Data(bytes)), "labels.npy")
            let set = try DatasetReader.read(request(.npy, ["table.npy"], labels: "labels.npy")).set
            XCTAssertEqual(set.labels, [2, 0, 1], descr)
            XCTAssertEqual(set.shape, SampleShape(features: 2))
            XCTAssertEqual(set.pixels, .floats([1, 2, 3, 4, 5, 6]))
        }
    }

    func testHeadersAndDtypesADatasetCannotUseSayHowToFixThem() throws {
        let labels = ArrayFileBytes.npy(descr: "<i8", shape: "(2,)", data: ArrayFileBytes.int64([0, 1]))
        try write(labels, "labels.npy")
        let cases: [(descr: String, shape: String, fortran: Bool, parts: [String])] = [
            ("<f4", "(2, 2, 2)", true, ["Fortran", "np.ascontiguousarray"]),
            (">f4", "(2, 2, 2)", false, ["big-endian", "'>f4'", "newbyteorder('<')"]),
            ("|O", "(2, 2, 2)", false, ["Python objects", "astype"]),
            ("<i8", "(2, 2, 2)", false, ["'<i8'", "x.astype(np.uint8)"]),
            ("<f2", "(2, 2, 2)", false, ["'<f2'"]),
            ("|u1", "(2, 3, 5, 3)", false, ["layout: nchw", "layout: nhwc", "(2, 3, 5, 3)"]),
            ("|u1", "(2,)", false, ["1 dimensions (2,)"]),
            ("|u1", "(2, 0, 5)", false, ["no values per sample"]),
        ]
        for c in cases {
            let count = c.descr == "<f4" || c.descr == ">f4" ? 32 : 256
            try write(
                ArrayFileBytes.npy(
                    descr: c.descr, shape: c.shape, data: Data(count: count), fortranOrder: c.fortran),
                "images.npy")
            assertFails(request(.npy, ["images.npy"], labels: "labels.npy"), ["images.npy: "] + c.parts)
        }
        try write(ArrayFileBytes.npy(descr: "|u1", shape: "(2, 2, 2)", data: Data(count: 8)), "images.npy")
        try write(ArrayFileBytes.npy(descr: "<f8", shape: "(2,)", data: Data(count: 16)), "labels.npy")
        assertFails(
            request(.npy, ["images.npy"], labels: "labels.npy"), "labels.npy: ", "integer class indices")
        try write(ArrayFileBytes.npy(descr: "<i8", shape: "(2, 3)", data: Data(count: 48)), "labels.npy")
        assertFails(request(.npy, ["images.npy"], labels: "labels.npy"), "labels.npy: ", "(2, 3)", "argmax")
        try write(ArrayFileBytes.npy(descr: "<i8", shape: "(3,)", data: Data(count: 24)), "labels.npy")
        assertFails(request(.npy, ["images.npy"], labels: "labels.npy"), "holds 3 labels but", "2 samples")
        var damaged = ArrayFileBytes.npy(descr: "|u1", shape: "(2, 2, 2)", data: Data(count: 8))
        damaged[20] = UInt8(ascii: "(")
        try write(damaged, "images.npy")
        assertFails(
            request(.npy, ["images.npy"], labels: "labels.npy"), "images.npy: ", "damaged .npy header")
        try write(Data("not numpy at all".utf8), "images.npy")
        assertFails(request(.npy, ["images.npy"], labels: "labels.npy"), "not a NumPy .npy array")
    }

    func testAnArchiveWithoutTheUsualNamesListsItsArrays() throws {
        let arrays: [(String, Data)] = [
            ("pictures.npy", ArrayFileBytes.npy(descr: "|u1", shape: "(1, 1, 1)", data: Data([1]))),
            ("classes.npy", ArrayFileBytes.npy(descr: "|u1", shape: "(1,)", data: Data([0]))),
        ]
        try write(ArrayFileBytes.zip(arrays, deflated: false), "a.npz")
        assertFails(
            request(.npz, ["a.npz"]), "a.npz: ", "'images', 'x'", "'classes', 'pictures'", "images_array")
        assertFails(request(.npz, ["a.npz"], imagesArray: "pics"), "no array 'pics'", "'classes', 'pictures'")
        let set = try DatasetReader.read(
            request(.npz, ["a.npz"], imagesArray: "pictures", labelsArray: "classes")
        ).set
        XCTAssertEqual(set.pixels, .bytes([1]))
    }
}
