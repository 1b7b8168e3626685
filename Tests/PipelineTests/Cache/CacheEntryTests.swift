import Engine
import Foundation
import TestSupport
import XCTest

@testable import Pipeline

/// An entry is used only when its manifest, JSON and values check out; `build`, `status` and
/// `--explain` agree on what is damaged, and `build` trains it again.
final class CacheEntryTests: XCTestCase {
    private static let document = "```experiment\nid: a\n\(TestProject.tiny)```\n\nValue {{ a.val_acc }}.\n"

    private func metricsURL(_ project: TestProject) throws -> URL {
        project.runs.directory(try project.key("a")).appendingPathComponent("metrics.json")
    }

    /// Damages the entry of `a`, then checks status, build (retrains, says why) and the result.
    private func assertDamaged(
        _ why: String, file: StaticString = #filePath, line: UInt = #line,
        _ damage: (TestProject) throws -> Void
    ) throws {
        let project = try TestProject(Self.document)
        try project.build()
        let good = try project.record("a")
        try damage(project)
        let key = try project.key("a")
        guard case .damaged(let reason) = project.runs.entry(key) else {
            return XCTFail("not seen as damaged", file: file, line: line)
        }
        XCTAssertTrue(reason.contains(why), reason, file: file, line: line)
        let status = try project.builder().status()[0]
        XCTAssertFalse(status.cached, file: file, line: line)
        XCTAssertEqual(status.damage, reason, file: file, line: line)
        XCTAssertEqual(
            status.reason, "its cached results are damaged (data/runs/\(key): \(reason))", file: file,
            line: line)

        let summary = try project.build()
        XCTAssertEqual(summary.trained, ["a"], file: file, line: line)
        let again = try project.record("a")
        XCTAssertEqual(
            again.metrics.final?.valAcc, good.metrics.final?.valAcc, "retrained bit for bit", file: file,
            line: line)
        XCTAssertNotNil(project.runs.entry(key).record, file: file, line: line)
        XCTAssertTrue(try project.builder().status()[0].cached, file: file, line: line)
    }

    func testCorruptMetricsAreRetrained() throws {
        try TestPaths.requireSharedData()
        try assertDamaged("metrics.json is not valid") { project in
            try Data("{\"key\": ".utf8).write(to: try metricsURL(project))
            try FileManager.default.removeItem(
                at: project.runs.directory(try project.key("a")).appendingPathComponent("manifest.json"))
        }
    }

    func testEditedMetricsDoNotMatchTheManifest() throws {
        try TestPaths.requireSharedData()
        try assertDamaged("metrics.json does not match its SHA-256") { project in
            let url = try metricsURL(project)
            let text = try String(contentsOf: url, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"val_acc\" : 0.", with: "\"val_acc\" : -5.").utf8).write(
                to: url)
        }
    }

    /// Without a manifest (entries from before manifests), the values themselves are checked.
    func testImpossibleValuesAreDamage() throws {
        try TestPaths.requireSharedData()
        for (from, to, why) in [
            ("\"val_acc\" : 0.", "\"val_acc\" : -5.", "val_acc -5."),
            ("\"val_loss\" : ", "\"val_loss\" : -", "is not a finite non-negative number"),
            ("\"epoch\" : 1", "\"epoch\" : 4", "not numbered"),
            (
                "\"stepsPerEpoch\" : ",
                "\"threadChanges\" : [{\"step\" : 1, \"threads\" : 0}], \"stepsPerEpoch\" : ",
                "threadChanges must give positive thread counts"
            ),
        ] {
            try assertDamaged(why) { project in
                let folder = project.runs.directory(try project.key("a"))
                try FileManager.default.removeItem(at: folder.appendingPathComponent("manifest.json"))
                let url = try metricsURL(project)
                let text = try String(contentsOf: url, encoding: .utf8)
                XCTAssertTrue(text.contains(from))
                try Data(text.replacingOccurrences(of: from, with: to).utf8).write(to: url)
            }
        }
    }

    /// Another run's results copied into this entry: wrong key (in the manifest and in the record).
    func testForeignEntriesAreDamage() throws {
        try TestPaths.requireSharedData()
        try assertDamaged("belongs to run 0123456789abcdef") { project in
            let folder = project.runs.directory(try project.key("a"))
            let manifest = folder.appendingPathComponent("manifest.json")
            let text = try String(contentsOf: manifest, encoding: .utf8)
            try Data(text.replacingOccurrences(of: try project.key("a"), with: "0123456789abcdef").utf8)
                .write(to: manifest)
        }
        try assertDamaged("it belongs to run 0123456789abcdef") { project in
            let folder = project.runs.directory(try project.key("a"))
            try FileManager.default.removeItem(at: folder.appendingPathComponent("manifest.json"))
            let url = try metricsURL(project)
            let text = try String(contentsOf: url, encoding: .utf8)
            try Data(text.replacingOccurrences(of: try project.key("a"), with: "0123456789abcdef").utf8)
                .write(to: url)
        }
    }

    func testDamagedCheckpointIsDamage() throws {
        try TestPaths.requireSharedData()
        try assertDamaged("checkpoint.bin does not match") { project in
            let url = project.runs.checkpoint(try project.key("a"))
            var bytes = try Data(contentsOf: url)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: url)
        }
    }

    /// Entries written before manifests are used after their values check out, and get a manifest.
    func testLegacyEntriesAreAdopted() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document)
        try project.build()
        let manifest = project.runs.directory(try project.key("a")).appendingPathComponent("manifest.json")
        let written = try Data(contentsOf: manifest)
        try FileManager.default.removeItem(at: manifest)
        XCTAssertNotNil(project.runs.entry(try project.key("a")).record)
        XCTAssertEqual(try project.build().cached, ["a"])
        XCTAssertEqual(try Data(contentsOf: manifest), written)
    }
}
