import Datasets
import Foundation
import TestSupport
import XCTest

/// MNIST from the shared data directory, read once per test process.
enum MNISTFixture {
    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var sets: [String: ImageSet] = [:]
    }

    /// The first `count` images of a split; skips the test when the shared data is absent.
    static func load(_ split: Split, count: Int) throws -> ImageSet {
        let directory = TestPaths.sharedData.appendingPathComponent("mnist")
        let prefix = split == .train ? "train" : "t10k"
        let images = directory.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path
        let labels = directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: images), "MNIST is not in \(directory.path)")
        cache.lock.lock()
        defer { cache.lock.unlock() }
        if let set = cache.sets[prefix] { return set.prefix(count) }
        let set = try IDX.readImageSet(images: images, labels: labels)
        cache.sets[prefix] = set
        return set.prefix(count)
    }
}
