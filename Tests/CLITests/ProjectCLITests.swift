import Foundation
import TestSupport
import XCTest

/// A newcomer's path through the built binary: `report init`, building from anywhere in the project,
/// a second document beside the first, and `clean` that keeps what any document uses.
final class ProjectCLITests: XCTestCase {
    private var scratch: URL!
    private var project: URL { scratch.appendingPathComponent("proj") }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLITests.binary.path), "no report binary at \(CLITests.binary.path)")
        scratch = try TestPaths.temporaryDirectory("cli-project")
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    @discardableResult
    func report(_ arguments: [String], in directory: URL, input: String? = nil) throws -> CLITests.Result {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = scratch.appendingPathComponent(".stdout"), err = scratch.appendingPathComponent(".stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return CLITests.Result(status: process.terminationStatus,
                               stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                               stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    func read(_ path: String) -> String? {
        try? String(contentsOf: project.appendingPathComponent(path), encoding: .utf8)
    }

    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("data/runs").path)) ?? [])
            .filter { $0.count == 16 }.sorted()
    }

    func testInitRefusesToOverwriteAndItsSettingsAreChecked() throws {
        let first = try report(["init", "proj"], in: scratch)
        XCTAssertEqual(first.status, 0, first.stderr)
        for path in ["report.yaml", "report/answers.md", ".gitignore"] { XCTAssertNotNil(read(path), path) }
        let check = try report(["check"], in: project.appendingPathComponent("report"))
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("answers.md: ok, 2 runs (2 distinct trainings)"), check.stdout)

        try Data("# mine\n".utf8).write(to: project.appendingPathComponent("report/answers.md"))
        let again = try report(["init", "proj"], in: scratch)
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already has report.yaml, report/answers.md"), again.stderr)
        XCTAssertEqual(read("report/answers.md"), "# mine\n")

        try Data("jobs: 2\nfigures: [x]\n".utf8).write(to: project.appendingPathComponent("report.yaml"))
        let bad = try report(["check"], in: project.appendingPathComponent("figures"))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("../report.yaml:2:10: error: 'figures' must be a path"), bad.stderr)
    }

    func testANewProjectBuildsFromAnywhereIntoOneCacheAndASecondDocumentOverwritesNothing() throws {
        try TestPaths.requireSharedData()
        XCTAssertEqual(try report(["init", "proj", "--data-dir", TestPaths.sharedData.path], in: scratch).status, 0)
        let subdirectory = project.appendingPathComponent("report")
        let first = try report(["build"], in: subdirectory)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("training 2 runs: time unknown"), first.stderr)
        XCTAssertTrue(first.stderr.contains("[2/2]"), first.stderr)
        XCTAssertTrue(first.stderr.contains("2 trainings (2 runs)"), first.stderr)
        let readme = try XCTUnwrap(read("report/README.md"))
        XCTAssertTrue(readme.contains("](../figures/learning-rate.svg)"), readme)
        XCTAssertNotNil(read("figures/learning-rate.svg"))
        let cache = entries()
        XCTAssertEqual(cache.count, 2)
        // Nothing lands in the directory the build ran from.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: subdirectory.path).sorted(), ["README.md", "answers.md"])

        // From another directory, with a path: the same cache, nothing trained.
        let other = try report(["build", project.appendingPathComponent("report/answers.md").path], in: scratch)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stderr.contains("0 trainings (0 runs), 2 runs cached"), other.stderr)
        XCTAssertEqual(entries(), cache)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("data").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("figures").path))

        // A second document: its own output and figures; answers.md's are untouched.
        let figure = read("figures/learning-rate.svg")
        try Data("""
            # Draft

            ```experiment
            id: more
            base: lr[lr=0.1]
            epochs: 4
            ```

            ```figure
            id: learning-rate
            runs: [more]
            ```

            """.replacingOccurrences(of: "base: lr[lr=0.1]\n", with: "dataset: mnist\ntrain_samples: 2000\nval_samples: 1000\nlr: 0.1\n").utf8)
            .write(to: project.appendingPathComponent("report/draft.md"))
        let draft = try report(["build", "report/draft.md"], in: project)
        XCTAssertEqual(draft.status, 0, draft.stderr)
        XCTAssertTrue(draft.stderr.contains("training 1 run: about"), "an estimate from the recorded runs of the same model: \(draft.stderr)")
        XCTAssertEqual(read("report/README.md"), readme)
        XCTAssertEqual(read("figures/learning-rate.svg"), figure)
        XCTAssertTrue(read("report/draft.out.md")?.contains("](../figures/draft/learning-rate.svg)") ?? false)
        XCTAssertNotNil(read("figures/draft/learning-rate.svg"))
        XCTAssertEqual(entries().count, 3)

        // clean keeps what either document uses; without a terminal it needs --yes.
        XCTAssertEqual(try report(["clean", "--yes"], in: project).stdout, "nothing to remove\n")
        XCTAssertEqual(entries().count, 3)
        try FileManager.default.removeItem(at: project.appendingPathComponent("report/draft.md"))
        let refused = try report(["clean"], in: subdirectory)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stdout.contains("will remove data/runs/"), refused.stdout)
        XCTAssertTrue(refused.stderr.contains("without a terminal to ask; run again with --yes"), refused.stderr)
        XCTAssertEqual(entries().count, 3)
        let removed = try report(["clean", "--yes"], in: subdirectory)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(entries(), cache)
    }
}
