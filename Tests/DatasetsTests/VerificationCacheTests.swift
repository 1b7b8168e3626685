import Datasets
import Foundation
import TestSupport
import XCTest

/// Verifying files against known hashes, and remembering results by size and mtime.
final class VerificationCacheTests: XCTestCase {
    let labels = DatasetInfo.info(.mnist).files[3]  // t10k-labels-idx1-ubyte
    var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func copyLabels() throws -> URL {
        let url = directory.appendingPathComponent(labels.compressedName)
        try FileManager.default.copyItem(
            at: DatasetFixtures.sharedDirectory(.mnist).appendingPathComponent(labels.compressedName), to: url
        )
        return url
    }

    func testSecondVerificationUsesTheCache() throws {
        try TestPaths.requireSharedData()
        let file = try copyLabels()
        let counter = CountingHasher()
        let cacheFile = directory.appendingPathComponent("cache/.verified.json")
        let verifier = DatasetVerifier(cache: VerificationCache(file: cacheFile), hasher: counter.hasher)

        try verifier.verify(labels, at: file)
        try verifier.verify(labels, at: file)
        XCTAssertEqual(counter.count, 1, "the unchanged file is hashed once")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cacheFile.path))

        // A second verifier (another process) reads the same cache file.
        let other = CountingHasher()
        try DatasetVerifier(cache: VerificationCache(file: cacheFile), hasher: other.hasher).verify(
            labels, at: file)
        XCTAssertEqual(other.count, 0)

        // `rehash` ignores the cache.
        try verifier.verify(labels, at: file, rehash: true)
        XCTAssertEqual(counter.count, 2)
    }

    func testChangedModificationTimeOrSizeForcesANewHash() throws {
        try TestPaths.requireSharedData()
        let file = try copyLabels()
        let counter = CountingHasher()
        let verifier = DatasetVerifier(
            cache: VerificationCache(file: directory.appendingPathComponent(".verified.json")),
            hasher: counter.hasher)
        try verifier.verify(labels, at: file)
        XCTAssertEqual(counter.count, 1)

        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: file.path)
        try verifier.verify(labels, at: file)
        XCTAssertEqual(counter.count, 2, "a new modification time means a new hash")

        // Same modification time, different size: a truncated copy must not pass as cached.
        let modified = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate]
        let data = try Data(contentsOf: file)
        try data.prefix(data.count / 2).write(to: file)
        try FileManager.default.setAttributes([.modificationDate: modified as Any], ofItemAtPath: file.path)
        XCTAssertThrowsError(try verifier.verify(labels, at: file)) { error in
            guard case .hashMismatch(let path, let expected, _, let problem)? = error as? DatasetError else {
                return XCTFail("expected a hash mismatch, got \(error)")
            }
            XCTAssertEqual(path, file.path)
            XCTAssertEqual(expected, labels.sha256)
            XCTAssertNotNil(problem)
        }
        XCTAssertEqual(counter.count, 3)
    }

    func testConcurrentWritersLeaveAReadableCache() throws {
        try TestPaths.requireSharedData()
        let file = try copyLabels()
        let cacheFile = directory.appendingPathComponent(".verified.json")
        // Eight verifiers (as if eight processes) hash and write the cache at once.
        let labels = labels
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let verifier = DatasetVerifier(cache: VerificationCache(file: cacheFile))
            do { try verifier.verify(labels, at: file, rehash: true) } catch { XCTFail("\(error)") }
        }
        let counter = CountingHasher()
        try DatasetVerifier(cache: VerificationCache(file: cacheFile), hasher: counter.hasher).verify(
            labels, at: file)
        XCTAssertEqual(counter.count, 0, "the cache file is whole and holds the result")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    }

    func testUnwritableCacheLocationIsIgnored() throws {
        try TestPaths.requireSharedData()
        let file = try copyLabels()
        let counter = CountingHasher()
        // A cache "file" inside a regular file can never be written.
        let verifier = DatasetVerifier(
            cache: VerificationCache(file: file.appendingPathComponent("x/.verified.json")),
            hasher: counter.hasher)
        try verifier.verify(labels, at: file)
        try verifier.verify(labels, at: file)
        XCTAssertEqual(counter.count, 2, "no cache, no failure: just hash again")
    }

    func testTruncatedFileErrorNamesFileExpectedAndActualHash() throws {
        try TestPaths.requireSharedData()
        let file = directory.appendingPathComponent(labels.compressedName)
        try DatasetFixtures.writeTruncated(.mnist, file: labels.compressedName, bytes: 3000, to: file)
        let verifier = DatasetVerifier(cache: .disabled)
        XCTAssertThrowsError(try verifier.verify(labels, at: file)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(file.path), text)
            XCTAssertTrue(text.contains("expected \(labels.sha256)"), text)
            XCTAssertTrue(text.contains("truncated"), text)
            XCTAssertTrue(text.contains("report data fetch"), text)
            guard case .hashMismatch(_, _, let actual, _)? = error as? DatasetError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(text.contains("content is \(actual)"), text)
        }
    }

    func testTheSharedCopiesVerify() throws {
        try TestPaths.requireSharedData()
        // Hashes all eight shared files once: ~110 MB of decompressed content.
        let verifier = DatasetVerifier(cache: .disabled)
        for name in DatasetName.allCases {
            let copy = try verifier.verify(
                DatasetInfo.info(name), in: DatasetFixtures.sharedDirectory(name), source: "shared")
            XCTAssertEqual(copy.fileURLs.count, 4)
            XCTAssertEqual(copy.contentHash, DatasetInfo.info(name).contentHash)
        }
    }
}
