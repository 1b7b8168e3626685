import Foundation

/// Paths the test suites share.
public enum TestPaths {
    /// The repository root (two levels above this file's folder).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the repository, where development machines and CI keep MNIST and
    /// Fashion-MNIST; `REPORT_TEST_DATA_DIR` overrides it.
    public static var sharedData: URL {
        if let override = ProcessInfo.processInfo.environment["REPORT_TEST_DATA_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// A fresh empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ name: String = "report-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
