import Foundation
import TestSupport
import XCTest

@testable import Engine

/// Checkpoints round-trip exactly and refuse damaged files and other models with errors that say so.
final class CheckpointTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory("report-checkpoint")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func network(_ model: BuiltinModel = .batchnorm, seed: UInt64) throws -> Network {
        var config = TrainingConfig()
        config.model = .builtin(model)
        config.seed = seed
        return try config.makeNetwork()
    }

    private func outputs(_ network: Network) -> [Float] {
        let input = TestData.activation(
            TestData.uniform(4 * 784, seed: 9), batch: 4, shape: .spatial(channels: 1, height: 28, width: 28))
        var context = ForwardContext(training: false, random: Random(seed: 1))
        return network.forward(input, context: &context).buffer.array
    }

    /// A saved network with moved batch-norm statistics.
    private func saved() throws -> (Network, URL) {
        let original = try network(seed: 1)
        let input = TestData.activation(
            TestData.uniform(8 * 784, seed: 3), batch: 8, shape: .spatial(channels: 1, height: 28, width: 28))
        var context = ForwardContext(training: true, random: Random(seed: 1))
        _ = original.forward(input, context: &context)
        let url = directory.appendingPathComponent("model.ckpt")
        try Checkpoint.encode(original).write(to: url)
        return (original, url)
    }

    private func loadError(
        _ url: URL, into network: Network, file: StaticString = #filePath, line: UInt = #line
    ) -> CheckpointError? {
        do {
            try Checkpoint.load(url, into: network)
            XCTFail("loaded \(url.lastPathComponent)", file: file, line: line)
        } catch let error as CheckpointError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    func testRoundTripGivesIdenticalOutputs() throws {
        let (original, url) = try saved()
        let fresh = try network(seed: 99)
        XCTAssertNotEqual(outputs(fresh), outputs(original))
        try Checkpoint.load(url, into: fresh)
        XCTAssertEqual(outputs(fresh), outputs(original))
        for (a, b) in zip(fresh.state, original.state) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertEqual(a.buffer.array, b.buffer.array, a.name)
        }
        XCTAssertTrue(fresh.state.contains { $0.name == "2.running_var" })
    }

    func testFlippedByteIsAChecksumError() throws {
        let (_, url) = try saved()
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count / 2] ^= 0x10
        try Data(bytes).write(to: url)
        let error = loadError(url, into: try network(seed: 1))
        XCTAssertEqual(error, .corrupt(url.path, "checksum mismatch: the file is damaged or truncated"))
    }

    func testTruncatedFileIsAChecksumError() throws {
        let (_, url) = try saved()
        let data = try Data(contentsOf: url)
        for keep in [data.count - 1, data.count / 2, 40] {
            try data.prefix(keep).write(to: url)
            XCTAssertEqual(
                loadError(url, into: try network(seed: 1)),
                .corrupt(url.path, "checksum mismatch: the file is damaged or truncated"), "\(keep) bytes")
        }
    }

    func testOtherModelIsAMismatchNamingBothLayerLists() throws {
        let (_, url) = try saved()
        let error = loadError(url, into: try network(.default, seed: 1))
        guard case .mismatch(let path, let saved, let expected) = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(path, url.path)
        XCTAssertEqual(saved, BuiltinModel.batchnorm.layers().map(\.description))
        XCTAssertEqual(expected, BuiltinModel.default.layers().map(\.description))
        let text = error?.description ?? ""
        XCTAssertTrue(text.contains("saved:    conv: {out: 10, kernel: 5} → batchnorm → maxpool: 2"), text)
        XCTAssertTrue(text.contains("expected: conv: {out: 10, kernel: 5} → maxpool: 2"), text)
    }

    func testNonCheckpointFileHasBadMagic() throws {
        let url = directory.appendingPathComponent("notes.txt")
        try Data("these are not the weights you are looking for\n".utf8).write(to: url)
        XCTAssertEqual(
            loadError(url, into: try network(seed: 1)),
            .corrupt(url.path, "not a report checkpoint (bad magic bytes)"))
        let missing = directory.appendingPathComponent("missing.ckpt")
        XCTAssertEqual(loadError(missing, into: try network(seed: 1)), .unreadable(missing.path))
    }
}
