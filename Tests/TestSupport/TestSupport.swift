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

/// The id of a process that has exited (a finished `true`).
public func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

/// How big the slowest tests make their problems. CI's checked tier runs whole test targets in a debug
/// build (bounds checks and preconditions on, numeric loops 10–50× slower) with
/// `REPORT_TEST_SIZE=small`; the tests that train keep what they check and use fewer images.
public enum TestSize {
    public static var isSmall: Bool { ProcessInfo.processInfo.environment["REPORT_TEST_SIZE"] == "small" }

    /// `full` normally, `small` under `REPORT_TEST_SIZE=small`.
    public static func pick<T>(_ full: T, small: T) -> T { isSmall ? small : full }
}
