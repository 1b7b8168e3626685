import Datasets
import Foundation
import TestSupport
import XCTest

/// The descriptors: known hashes agree with `shared/data/SHA256SUMS`, names parse.
final class DatasetInfoTests: XCTestCase {
    func testKnownHashesMatchTheSharedChecksumFile() throws {
        try TestPaths.requireSharedData()
        let sums = try String(
            contentsOf: TestPaths.sharedData.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        var expected: [String: String] = [:]
        for line in sums.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            XCTAssertEqual(parts.count, 2, "unexpected line in SHA256SUMS: \(line)")
            if parts.count == 2 { expected[String(parts[1])] = String(parts[0]) }
        }
        XCTAssertEqual(expected.count, 8)
        for name in DatasetName.allCases {
            let info = DatasetInfo.info(name)
            for file in info.files {
                XCTAssertEqual(
                    file.sha256, expected["\(info.directoryName)/\(file.name)"], "\(name) \(file.name)")
            }
        }
    }

    func testContentHashIsTheManifestHashOfTheFourFiles() {
        let mnist = DatasetInfo.info(.mnist)
        XCTAssertEqual(
            mnist.files.map(\.name),
            [
                "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
            ])
        XCTAssertEqual(
            mnist.contentHash, DatasetInfo.manifestHash(of: mnist.files.map { ($0.name, $0.sha256) }))
        XCTAssertEqual(mnist.contentHash.count, 64)
        XCTAssertNotEqual(mnist.contentHash, DatasetInfo.info(.fashionMNIST).contentHash)
        // The manifest is `sha256sum` output: `printf '%s  %s\n' <hash> <name> … | sha256sum`
        // gives the same values, so they are stable constants.
        XCTAssertEqual(mnist.contentHash, "d0a3eec1f5a454401d758fdbf15b9b0163a7034963586d671960c180b97e2c1a")
        XCTAssertEqual(
            DatasetInfo.info(.fashionMNIST).contentHash,
            "5cf0562c46b89a77940b86f40a9a4325e7bed59d53ec555c4d14f0bed41ca53a")
    }

    func testDescriptorsCarryNamesStatisticsAndMirrors() {
        let mnist = DatasetInfo.info(.mnist)
        XCTAssertEqual(mnist.directoryName, "mnist")
        XCTAssertEqual(mnist.mean, 0.1307)
        XCTAssertEqual(mnist.std, 0.3081)
        XCTAssertEqual(
            mnist.mirrors.map(\.absoluteString),
            [
                "https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/",
            ])
        let fashion = DatasetInfo.info(.fashionMNIST)
        XCTAssertEqual(fashion.directoryName, "fashion-mnist")
        XCTAssertEqual(fashion.mean, 0.2860)
        XCTAssertEqual(fashion.std, 0.3530)
        XCTAssertEqual(fashion.debianPackage, "dataset-fashion-mnist")
        XCTAssertEqual(fashion.mirrors.count, 1)
    }

    func testNamesParseAsPeopleTypeThem() {
        XCTAssertEqual(DatasetName(userInput: "mnist"), .mnist)
        XCTAssertEqual(DatasetName(userInput: "fashion_mnist"), .fashionMNIST)
        XCTAssertEqual(DatasetName(userInput: "Fashion-MNIST"), .fashionMNIST)
        XCTAssertNil(DatasetName(userInput: "cifar10"))
    }
}
