import Datasets
import Engine
import Foundation
import TestSupport
import XCTest

@testable import RunCache

/// `identity.json`: what indexes read of an entry, and `config.yaml` for entries from before it.
final class RunIdentityTests: XCTestCase {
    func testTheRecordRoundTripsAndIsPreferredToTheYAML() throws {
        let directory = try TestPaths.temporaryDirectory("run-identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let identity = RunIdentity(
            key: "0123456789abcdef", initKey: "fedcba9876543210", config: ["epochs": "3", "lr": "0.01"])
        try identity.encoded().write(to: directory.appendingPathComponent(RunIdentity.fileName))
        // A config.yaml that says otherwise is not read when the record is there.
        try Data("# run ffffffffffffffff\nepochs: 9\n".utf8).write(
            to: directory.appendingPathComponent("config.yaml"))
        XCTAssertEqual(RunIdentity.read(in: directory), identity)
        let text = String(decoding: try identity.encoded(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"init_key\" : \"fedcba9876543210\""), text)
    }

    func testAnEntryFromBeforeTheRecordIsReadFromItsYAML() throws {
        let directory = try TestPaths.temporaryDirectory("run-identity-legacy")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(
            "# run 0123456789abcdef, initialised from fedcba9876543210\nepochs: 3\nmodel: [{conv: 8}, relu]\n"
                .utf8
        ).write(to: directory.appendingPathComponent("config.yaml"))
        XCTAssertEqual(
            RunIdentity.read(in: directory),
            RunIdentity(
                key: "0123456789abcdef", initKey: "fedcba9876543210",
                config: ["epochs": "3", "model": "[{conv: 8}, relu]"]))
        try Data("epochs: 3\n".utf8).write(to: directory.appendingPathComponent("config.yaml"))
        XCTAssertNil(RunIdentity.read(in: directory), "no '# run' header: not an entry's config.yaml")
    }
}

/// A declared dataset's per-channel statistics are computed, not published: a run normalised with them
/// has them in its key.
final class DeclaredDatasetKeyTests: XCTestCase {
    func testComputedStatisticsEnterTheKeyOfRunsThatUseThem() {
        var config = TrainingConfig()
        config.dataset = DatasetID("own")
        config.data.id = config.dataset
        config.data.contentHash = String(repeating: "c", count: 64)
        let plain = RunKey.make(config: config, initKey: nil)
        config.data.statistics = [ChannelStatistics(mean: 0.5, std: 0.2)]
        XCTAssertEqual(
            RunKey.make(config: config, initKey: nil), plain, "normalize: default does not read them")
        config.normalize = .dataset
        let first = RunKey.make(config: config, initKey: nil)
        config.data.statistics = [ChannelStatistics(mean: 0.5, std: 0.25)]
        XCTAssertNotEqual(RunKey.make(config: config, initKey: nil), first)
        // A built-in dataset's statistics are constants: its keys are as they always were.
        var builtin = TrainingConfig()
        builtin.normalize = .dataset
        let before = RunKey.make(config: builtin, initKey: nil)
        builtin.data.statistics = [ChannelStatistics(mean: 0, std: 1)]
        XCTAssertEqual(RunKey.make(config: builtin, initKey: nil), before)
    }
}
