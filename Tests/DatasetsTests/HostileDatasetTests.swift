import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// Dataset files patched behind the cache's back, and IDX headers built to make the reader overrun.
final class HostileDatasetTests: XCTestCase {
    private func idx(_ dimensions: [UInt32], payload: Int) -> Data {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions {
            bytes += [UInt8(d >> 24), UInt8((d >> 16) & 0xFF), UInt8((d >> 8) & 0xFF), UInt8(d & 0xFF)]
        }
        return Data(bytes + [UInt8](repeating: 7, count: payload))
    }

    func testEveryHeaderDimensionIsCheckedAgainstTheFileLength() throws {
        // Products that overflow 64 bits, that exceed the payload, and that are zero.
        for (dimensions, payload) in [
            ([UInt32.max, UInt32.max, UInt32.max], 16), ([60_000, 28, 28], 784), ([1, 1, 0], 1),
            ([0xFFFF_FFFF], 3),
        ] {
            XCTAssertThrowsError(try IDX.parse(idx(dimensions, payload: payload), path: "x")) { error in
                guard case DatasetError.corrupt(_, let reason)? = error as? DatasetError else {
                    return XCTFail("\(error)")
                }
                XCTAssertTrue(reason.contains("IDX header promises"), reason)
            }
        }
        let parsed = try IDX.parse(idx([2, 3, 4], payload: 24), path: "x")
        XCTAssertEqual(parsed.dimensions, [2, 3, 4])
    }

    /// Images of another size than the engine's 28×28 are refused before a batch is made of them.
    func testImagesMustHaveTheDatasetsSize() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = directory.appendingPathComponent("images")
        let labels = directory.appendingPathComponent("labels")
        try idx([2, 1, 1], payload: 2).write(to: images)
        var labelData = idx([2], payload: 0)
        labelData.append(contentsOf: [1, 2])
        try labelData.write(to: labels)
        XCTAssertThrowsError(try IDX.readImageSet(images: images.path, labels: labels.path)) { error in
            guard case DatasetError.corrupt(_, let reason)? = error as? DatasetError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(reason, "images are 1×1 pixels; expected 28×28")
        }
        XCTAssertEqual(
            try IDX.readImageSet(images: images.path, labels: labels.path, rows: 1, cols: 1).count, 2)
    }

    /// A file rewritten in place with its modification time put back (`touch -r`) keeps its path, size,
    /// mtime and inode; its change time still moves, and the cache rehashes it.
    func testFilePatchedInPlaceWithItsMtimeRestoredIsRehashed() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("file")
        try Data("first".utf8).write(to: url)
        let before = try XCTUnwrap(FileIdentity(of: url))
        let mtime = try XCTUnwrap(
            try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
        Thread.sleep(forTimeInterval: 0.05)  // past the clock tick of the creation's change time
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data("other".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: url.path)
        let after = try XCTUnwrap(FileIdentity(of: url))
        XCTAssertEqual(after.inode, before.inode)
        XCTAssertEqual(after.size, before.size)
        XCTAssertEqual(after.modifiedSeconds, before.modifiedSeconds)
        XCTAssertNotEqual(after, before, "the change time tells the patched file apart")

        let cache = VerificationCache(file: directory.appendingPathComponent(".verified.json"))
        let digest = ContentDigest(sha256: String(repeating: "a", count: 64))
        cache.record([(before, digest)])
        XCTAssertEqual(cache.digest(for: before), digest)
        XCTAssertNil(cache.digest(for: after))
    }
}
