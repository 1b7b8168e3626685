import Document
import Files
import Foundation
import TestSupport
import XCTest

@testable import Pipeline
@testable import ProjectSettings

/// `report.yaml`, the project root found from anywhere below it, and where each document's files go.
final class ProjectTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = try TestPaths.temporaryDirectory("project-test")
    }

    override func tearDownWithError() throws {
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    func testSettingsParseEveryKeyAndKeepTheSlurmSection() throws {
        let settings = try ProjectSettings.parse(
            """
            document: report/main.md
            data_dir: ../data
            runs: cache/runs
            figures: out/figures
            outputs: {report/draft.md: public/draft.md}
            documents: [report/main.md, report/draft.md]
            jobs: 3
            executor: local
            slurm:
              partition: cpu
            """)
        XCTAssertEqual(settings.document, "report/main.md")
        XCTAssertEqual(settings.dataDirectory, "../data")
        XCTAssertEqual(settings.runs, "cache/runs")
        XCTAssertEqual(settings.figures, "out/figures")
        XCTAssertEqual(settings.outputs, ["report/draft.md": "public/draft.md"])
        XCTAssertEqual(settings.documents, ["report/main.md", "report/draft.md"])
        XCTAssertEqual(settings.jobs, 3)
        XCTAssertEqual(settings.executor, .local)
        XCTAssertEqual(settings.slurm.partition, "cpu")
        XCTAssertEqual(try ProjectSettings.parse(""), ProjectSettings())
    }

    func testSettingsErrorsArePositionedAndAllReported() throws {
        XCTAssertThrowsError(try ProjectSettings.parse("data_dri: x\njobs: 0\nexecutor: slurmm\n")) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains(
                    "report.yaml:1:1: error: unknown setting 'data_dri' (did you mean 'data_dir'?)"), text)
            XCTAssertTrue(text.contains("report.yaml:2:7: error: 'jobs' must be a whole number"), text)
            XCTAssertTrue(
                text.contains("report.yaml:3:11: error: unknown executor 'slurmm' (did you mean 'slurm'?)"),
                text)
            XCTAssertTrue(text.contains("3 errors generated."), text)
        }
        XCTAssertThrowsError(try ProjectSettings.parse("jobs: [1\n")) { error in
            XCTAssertTrue("\(error)".contains("not valid YAML"), "\(error)")
        }
        XCTAssertThrowsError(try ProjectSettings.parse("- a\n")) { error in
            XCTAssertTrue("\(error)".contains("must be a mapping"), "\(error)")
        }
    }

    func testTheRootIsFoundFromAnySubdirectoryAndPathsArePlacedUnderIt() throws {
        try Data("runs: cache\n".utf8).write(to: root.appendingPathComponent("report.yaml"))
        let deep = root.appendingPathComponent("report/notes/deep")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        XCTAssertEqual(ProjectSettings.findRoot(from: deep)?.path, root.standardizedFileURL.path)

        // From a subdirectory, no document given: the default document, paths under the root.
        let fromDeep = try Project.locate(cwd: deep, document: nil)
        let options = fromDeep.options(Project.CommandLine(), cwd: deep)
        XCTAssertEqual(options.projectRoot.path, root.standardizedFileURL.path)
        XCTAssertEqual(options.document, "report/answers.md")
        XCTAssertEqual(options.documentDisplayPath, "../../answers.md")
        XCTAssertEqual(options.runs, "cache")
        XCTAssertEqual(options.figures, "figures")
        XCTAssertEqual(options.outputPath, "report/README.md")

        // From elsewhere, with a path: the same project and the same places.
        let elsewhere = try TestPaths.temporaryDirectory("project-elsewhere")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        var given = Project.CommandLine()
        given.document = root.appendingPathComponent("report/answers.md").path
        let fromElsewhere = try Project.locate(cwd: elsewhere, document: given.document)
        let other = fromElsewhere.options(given, cwd: elsewhere)
        XCTAssertEqual(other.projectRoot.path, options.projectRoot.path)
        XCTAssertEqual(other.document, options.document)
        XCTAssertEqual(other.runs, options.runs)
        XCTAssertEqual(other.outputPath, options.outputPath)

        // Paths typed on the command line are relative to the current directory.
        given.runs = "here"
        XCTAssertEqual(
            fromElsewhere.options(given, cwd: elsewhere).runs,
            elsewhere.appendingPathComponent("here").standardizedFileURL.path)
    }

    func testOnlyAnswersMdWritesReadmeAndUnnamespacedFigures() throws {
        try Data("outputs: {report/other.md: public/other.md}\n".utf8).write(
            to: root.appendingPathComponent("report.yaml"))
        let project = try Project.locate(cwd: root, document: nil)
        func options(_ document: String) -> BuildOptions {
            var given = Project.CommandLine()
            given.document = document
            return project.options(given, cwd: root)
        }
        XCTAssertEqual(options("report/answers.md").outputPath, "report/README.md")
        XCTAssertEqual(options("report/answers.md").figures, "figures")
        XCTAssertEqual(options("report/draft.md").outputPath, "report/draft.out.md")
        XCTAssertEqual(options("report/draft.md").figures, "figures/draft")
        XCTAssertEqual(options("report/other.md").outputPath, "public/other.md")
        XCTAssertEqual(Project.defaultOutput(for: "notes.md"), "notes.out.md")
        XCTAssertEqual(
            options("notes/week1.md").figures, "figures/notes-week1",
            "outside the main document's folder: named by its path")
        XCTAssertEqual(
            options("other/answers.md").figures, "figures/other-answers",
            "only the main document draws into figures/")
        XCTAssertEqual(options("other/answers.md").outputPath, "other/README.md")
    }

    func testTheProjectsDocumentsAreThoseWithDirectivesThatReportDidNotWrite() throws {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("report"), withIntermediateDirectories: true)
        let files = [
            "answers.md": "```experiment\nid: a\n```\n",
            "draft.md": "Text.\n\n```figure\nid: f\nruns: [a]\n```\n",
            "notes.md": "# No directives\n",
            "README.md": FileWriter.generatedMarker + " from answers.md -->\n```experiment\nid: a\n```\n",
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: root.appendingPathComponent("report/\(name)"))
        }
        let project = Project(root: root, settings: ProjectSettings(), hasSettingsFile: false)
        XCTAssertEqual(
            project.documents(besides: "report/answers.md"), ["report/answers.md", "report/draft.md"])
        var listed = ProjectSettings()
        listed.documents = ["report/answers.md"]
        XCTAssertEqual(
            Project(root: root, settings: listed, hasSettingsFile: true).documents(
                besides: "report/answers.md"),
            ["report/answers.md"])
    }
}
