import Foundation
import TestSupport
import XCTest

@testable import Datasets

/// Hashing decompressed content: gzip and raw agree, truncation is caught.
final class ContentHasherTests: XCTestCase {
    let labels = DatasetInfo.info(.mnist).files[3]  // t10k-labels-idx1-ubyte, 4.5 kB compressed

    func testGzipAndRawFilesHashToTheSameContentHash() throws {
        try TestPaths.requireSharedData()
        let compressed = DatasetFixtures.sharedDirectory(.mnist).appendingPathComponent(labels.compressedName)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let raw = directory.appendingPathComponent(labels.name)
        try Gzip.decompress(Data(contentsOf: compressed), path: compressed.path).write(to: raw)

        XCTAssertEqual(try ContentHasher.digest(of: compressed), ContentDigest(sha256: labels.sha256))
        XCTAssertEqual(try ContentHasher.digest(of: raw), ContentDigest(sha256: labels.sha256))
    }

    func testStreamingInflateMatchesWholeInflateAcrossTinyChunks() throws {
        try TestPaths.requireSharedData()
        let url = DatasetFixtures.sharedDirectory(.mnist).appendingPathComponent(labels.compressedName)
        let data = try Data(contentsOf: url)
        let inflater = try Gzip.Inflater(path: url.path)
        var output = Data()
        for start in stride(from: 0, to: data.count, by: 7) {
            try data[start..<min(start + 7, data.count)].withUnsafeBytes { chunk in
                try inflater.feed(chunk) { output.append(contentsOf: $0) }
            }
        }
        try inflater.finish()
        XCTAssertEqual(output, try Gzip.decompress(data, path: url.path))
        XCTAssertEqual(output.count, 8 + 10_000)
    }

    func testTruncatedGzipGivesAHashAndSaysWhy() throws {
        try TestPaths.requireSharedData()
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let truncated = directory.appendingPathComponent(labels.compressedName)
        try DatasetFixtures.writeTruncated(.mnist, file: labels.compressedName, bytes: 2000, to: truncated)

        let digest = try ContentHasher.digest(of: truncated)
        XCTAssertNotEqual(digest.sha256, labels.sha256)
        XCTAssertEqual(digest.problem, "gzip stream ends early (the file is truncated)")
    }

    func testMissingFileIsAnErrorNamingThePath() {
        XCTAssertThrowsError(try ContentHasher.digest(of: URL(fileURLWithPath: "/nonexistent/x.gz"))) {
            error in
            XCTAssertEqual(error as? DatasetError, .missing(path: "/nonexistent/x.gz"))
        }
    }
}
