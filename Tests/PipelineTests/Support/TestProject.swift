import Document
import Foundation
import TestSupport
import XCTest

@testable import Pipeline

/// A throwaway project: `report/answers.md` in a fresh temporary directory, built against the shared
/// MNIST copy, quietly, with at most two runs at once. Removed when released.
final class TestProject {
    let root: URL
    var options = BuildOptions()

    /// Settings that make a run train in a fraction of a second; prepend to experiment bodies.
    static let tiny = "train_samples: 200\nval_samples: 200\nepochs: 1\n"

    /// The dataset verification cache of the first project that built, copied into later projects so
    /// that each test does not hash the datasets again (it is keyed by the data files' identity).
    nonisolated(unsafe) private static var verification: Data?

    init(_ document: String) throws {
        root = try TestPaths.temporaryDirectory("pipeline-test")
        options.projectRoot = root
        options.document = "report/answers.md"
        options.dataDirectory = TestPaths.sharedData.path
        options.jobs = 2
        if let verification = Self.verification {
            try FileManager.default.createDirectory(at: url("data"), withIntermediateDirectories: true)
            try verification.write(to: url("data/.verified.json"))
        }
        try write(document)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Replaces the answers document.
    func write(_ document: String) throws {
        try FileManager.default.createDirectory(at: url("report"), withIntermediateDirectories: true)
        try Data(document.utf8).write(to: url(options.document))
    }

    func builder(rerun: [String] = []) -> ReportBuilder {
        var options = self.options
        options.rerun = rerun
        return ReportBuilder(options: options, console: SilentBuildObserver())
    }

    @discardableResult
    func build(rerun: [String] = []) throws -> BuildSummary {
        let summary = try builder(rerun: rerun).build()
        if Self.verification == nil {
            Self.verification = FileManager.default.contents(atPath: url("data/.verified.json").path)
        }
        return summary
    }

    func plan() throws -> Plan { try builder().plan() }

    var readme: String { (try? String(contentsOf: url("report/README.md"), encoding: .utf8)) ?? "" }
    var runs: RunStore { builder().store }

    /// The cache key of a run of the current document.
    func key(_ id: String) throws -> String {
        let key = try XCTUnwrap(plan().keys[id], "no run '\(id)'")
        return key
    }

    /// The finished record of a run of the current document.
    func record(_ id: String) throws -> RunRecord { try runs.record(key(id)) }

    /// Names in the runs directory (entries, `index.json`, `failed`, leftovers), sorted.
    func runsDirectoryListing() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runs.root.path)) ?? []).sorted()
    }

    func modificationDate(_ url: URL) throws -> Date {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
    }
}

/// The errors `Plan.make` reports for a document, as `line:column: message`; empty when it has none.
func planErrors(_ source: String, file: String = "report/answers.md") -> [String] {
    do {
        _ = try Plan.make(source: source, path: file)
        return []
    } catch let error as DiagnosticError {
        return error.diagnostics.filter { $0.severity == .error }.map { "\($0.location): \($0.message)" }
    } catch {
        return ["unexpected error: \(error)"]
    }
}

/// How a fraction prints by default and with `percent(n)`.
func percent(_ value: Double, digits: Int = 2) -> String { String(format: "%.\(digits)f%%", 100 * value) }
