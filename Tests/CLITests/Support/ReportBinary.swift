import Foundation
import XCTest

/// The built `report` executable, run as a user runs it: one runner for every end-to-end test.
enum ReportBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `.build/<configuration>/report`, beside the test bundle.
    static let url: URL = {
        var directory = Bundle.main.bundleURL
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("report").path) {
            directory = Bundle(for: BundleMarker.self).bundleURL.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("report")
    }()

    private final class BundleMarker {}

    /// Skips the calling test when the binary was not built.
    static func requireBuilt() throws {
        try XCTSkipUnless(
            FileManager.default.isExecutableFile(atPath: url.path), "no report binary at \(url.path)")
    }

    /// Runs `report arguments` in `directory` with no input, and returns its exit status and output.
    /// The output goes through files, not pipes, so a chatty run never blocks on a full pipe.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let out = capture.appendingPathComponent("stdout")
        let err = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}
