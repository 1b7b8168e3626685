import Foundation
import TestSupport
import XCTest
import Yams

/// A newcomer's path through the built binary: `report init`, building from anywhere in the project,
/// a second document beside the first, and `clean` that keeps what any document uses.
final class ProjectCLITests: XCTestCase {
    private var scratch: URL!
    private var project: URL { scratch.appendingPathComponent("proj") }

    override func setUpWithError() throws {
        try ReportBinary.requireBuilt()
        scratch = try TestPaths.temporaryDirectory("cli-project")
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    @discardableResult
    func report(_ arguments: [String], in directory: URL) throws -> ReportBinary.Result {
        try ReportBinary.run(arguments, in: directory)
    }

    func read(_ path: String) -> String? {
        try? String(contentsOf: project.appendingPathComponent(path), encoding: .utf8)
    }

    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(
            atPath: project.appendingPathComponent("data/runs").path)) ?? [])
            .filter { $0.count == 16 }.sorted()
    }

    func testModelsPrintsYAMLWhoseListsPasteIntoADocument() throws {
        let result = try report(["models"], in: scratch)
        XCTAssertEqual(result.status, 0, result.stderr)
        let models = try XCTUnwrap(try Yams.load(yaml: result.stdout) as? [String: [Any]], result.stdout)
        XCTAssertTrue(models.keys.contains("default") && models.keys.contains("strong"), "\(models.keys)")
        // The strong model's list, pasted under model: as it was printed, checks and has the built-in's size.
        let lines = result.stdout.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "strong:"))
        let list = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.joined(separator: "\n")
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("report"), withIntermediateDirectories: true)
        try Data(
            "```experiment\nid: a\nmodel:\n\(list)\n```\n\n```experiment\nid: b\nmodel: strong\n```\n\n{{ a.params }} {{ b.params }}\n"
                .utf8
        )
        .write(to: scratch.appendingPathComponent("report/answers.md"))
        let check = try report(["check"], in: scratch)
        XCTAssertEqual(check.status, 0, check.stderr)
    }

    func testVersionNamesTheEnginesNumerics() throws {
        let result = try report(["--version"], in: scratch)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(
            result.stdout.hasPrefix("report ") && result.stdout.contains("engine numerics version 4"),
            result.stdout)
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
        XCTAssertEqual(
            try report(["init", "proj", "--data-dir", TestPaths.sharedData.path], in: scratch).status, 0)
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
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: subdirectory.path).sorted(),
            ["README.md", "answers.md"])

        // From another directory, with a path: the same cache, nothing trained.
        let other = try report(
            ["build", project.appendingPathComponent("report/answers.md").path], in: scratch)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stderr.contains("0 trainings (0 runs), 2 runs cached"), other.stderr)
        XCTAssertEqual(entries(), cache)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("data").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("figures").path))

        // A second document: its own output and figures; answers.md's are untouched.
        let figure = read("figures/learning-rate.svg")
        try Data(
            """
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

            """.replacingOccurrences(
                of: "base: lr[lr=0.1]\n",
                with: "dataset: mnist\ntrain_samples: 2000\nval_samples: 1000\nlr: 0.1\n"
            ).utf8
        )
        .write(to: project.appendingPathComponent("report/draft.md"))
        let draft = try report(["build", "report/draft.md"], in: project)
        XCTAssertEqual(draft.status, 0, draft.stderr)
        XCTAssertTrue(
            draft.stderr.contains("training 1 run: about"),
            "an estimate from the recorded runs of the same model: \(draft.stderr)")
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
        XCTAssertTrue(
            refused.stderr.contains("without a terminal to ask; run again with --yes"), refused.stderr)
        XCTAssertEqual(entries().count, 3)
        let removed = try report(["clean", "--yes"], in: subdirectory)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(entries(), cache)
    }

    func testPreviewServesTheBuiltPageAndReloadsItAfterASave() throws {
        try TestPaths.requireSharedData()
        XCTAssertEqual(
            try report(["init", "proj", "--data-dir", TestPaths.sharedData.path], in: scratch).status, 0)
        let log = scratch.appendingPathComponent("preview.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = ReportBinary.url
        process.arguments = ["preview", "--port", "0", "-j", "2"]
        process.currentDirectoryURL = project.appendingPathComponent("figures")
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        func waitFor(_ text: String, count: Int = 1) throws -> String {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if output.components(separatedBy: text).count > count { return output }
                usleep(100_000)
            }
            XCTFail("no '\(text)' in: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            return ""
        }
        let started = try waitFor("rebuilt report/README.html")
        let port = try XCTUnwrap(
            started.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression).flatMap {
                UInt16(started[$0].dropFirst("127.0.0.1:".count).dropLast())
            })
        let page = try LoopbackHTTPClient.exchange(port, "GET / HTTP/1.1\r\n\r\n")
        XCTAssertTrue(
            page.hasPrefix("HTTP/1.1 200 OK") && page.contains("<svg") && page.contains("EventSource"), page)
        XCTAssertTrue(
            try LoopbackHTTPClient.exchange(port, "GET /../report.yaml HTTP/1.1\r\n\r\n").hasPrefix(
                "HTTP/1.1 404"))
        XCTAssertTrue(
            try LoopbackHTTPClient.exchange(port, "GET /figures/learning-rate.svg HTTP/1.1\r\n\r\n")
                .hasPrefix("HTTP/1.1 200"))

        let reloaded = expectation(description: "reload")
        Thread {
            let answer =
                (try? LoopbackHTTPClient.exchange(
                    port, "GET /events HTTP/1.1\r\n\r\n", readUntil: "data: reload", timeout: 30)) ?? ""
            if answer.contains("data: reload") { reloaded.fulfill() }
        }.start()
        usleep(500_000)
        let document = project.appendingPathComponent("report/answers.md")
        let text = try String(contentsOf: document, encoding: .utf8)
        // Saved the way editors save, in one rename: a plain write truncates the file first, and the poller
        // can rebuild from the half-written file (its "rebuilt" line then comes before the edited page's).
        try Data(text.replacingOccurrences(of: "# My report", with: "# My edited report").utf8).write(
            to: document, options: .atomic)
        wait(for: [reloaded], timeout: 30)
        _ = try waitFor("rebuilt report/README.html", count: 2)
        XCTAssertTrue(
            try LoopbackHTTPClient.exchange(port, "GET / HTTP/1.1\r\n\r\n").contains("My edited report"))
    }
}
