import Foundation
import TestSupport
import XCTest

@testable import Files

/// The one writer: atomic replacement, and refusal (nothing changed) of what report must not replace.
final class FileWriterTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory("file-writer")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private func listing() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    func testWritesReplacesAndLeavesNoTemporaryFiles() throws {
        let writer = FileWriter()
        try writer.write("one\n", to: url("sub/a.txt"))
        XCTAssertEqual(try String(contentsOf: url("sub/a.txt"), encoding: .utf8), "one\n")
        try writer.write("two\n", to: url("sub/a.txt"))
        XCTAssertEqual(try String(contentsOf: url("sub/a.txt"), encoding: .utf8), "two\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url("sub").path), ["a.txt"])

        // Unchanged contents: the file is not touched.
        let date = try XCTUnwrap(
            FileManager.default.attributesOfItem(atPath: url("sub/a.txt").path)[.modificationDate] as? Date)
        Thread.sleep(forTimeInterval: 0.02)
        try writer.write("two\n", to: url("sub/a.txt"))
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: url("sub/a.txt").path)[.modificationDate]
                as? Date, date)
    }

    func testRefusesDirectoriesLinksDevicesAndTheSource() throws {
        let source = url("answers.md")
        try Data("# my answers\n".utf8).write(to: source)
        try FileManager.default.createDirectory(at: url("folder"), withIntermediateDirectories: true)
        try Data("kept\n".utf8).write(to: url("folder/inside.txt"))
        try FileManager.default.createSymbolicLink(
            at: url("link.md"), withDestinationURL: url("folder/inside.txt"))
        XCTAssertEqual(mkfifo(url("fifo").path, 0o644), 0)
        let writer = FileWriter(protecting: [source])
        let before = listing()
        let cases: [(String, FileWriter.Kind, String)] = [
            ("folder", .file, "it is a directory"),
            ("link.md", .file, "it is a symbolic link"),
            ("fifo", .file, "it is not a regular file"),
            ("answers.md", .file, "it is the source document"),
            ("./answers.md", .generatedDocument, "it is the source document"),
        ]
        for (name, kind, why) in cases {
            XCTAssertThrowsError(try writer.write("x", to: url(name), kind: kind), name) { error in
                XCTAssertEqual("\(error)", "refusing to write \(url(name).path): \(why); nothing was changed")
            }
        }
        // The same file under another name (a hard link) is still the source.
        XCTAssertEqual(link(source.path, url("other-name.md").path), 0)
        XCTAssertThrowsError(try writer.write("x", to: url("other-name.md")))
        XCTAssertEqual(listing(), (before + ["other-name.md"]).sorted())
        XCTAssertEqual(try String(contentsOf: source, encoding: .utf8), "# my answers\n")
        XCTAssertEqual(try String(contentsOf: url("folder/inside.txt"), encoding: .utf8), "kept\n")
    }

    /// A generated document replaces only a file that begins with the generated marker.
    func testReplacesOnlyGeneratedDocuments() throws {
        let writer = FileWriter()
        let mine = url("notes.md")
        try Data("# Notes I wrote by hand\n".utf8).write(to: mine)
        XCTAssertThrowsError(
            try writer.write("\(FileWriter.generatedMarker) -->\nnew", to: mine, kind: .generatedDocument)
        ) { error in
            XCTAssertTrue("\(error)".contains("report did not write it"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: mine, encoding: .utf8), "# Notes I wrote by hand\n")

        let generated = url("README.md")
        try writer.write(
            "\(FileWriter.generatedMarker) -->\nfirst\n", to: generated, kind: .generatedDocument)
        try writer.write(
            "\(FileWriter.generatedMarker) -->\nsecond\n", to: generated, kind: .generatedDocument)
        XCTAssertEqual(
            try String(contentsOf: generated, encoding: .utf8), "\(FileWriter.generatedMarker) -->\nsecond\n")
    }

    /// Temporary files of a process that is gone (killed between write and rename) are removed; those of
    /// a live process, and files that only look alike, are not.
    func testRemovesStrayTemporariesOfDeadProcessesOnly() throws {
        let dead = try deadProcessID()
        let names = [
            ".README.md\(FileWriter.temporaryTag)\(dead)-12345",
            ".README.md\(FileWriter.temporaryTag)\(getpid())-12345",
            ".hidden-notes", "README.md",
        ]
        for name in names { try Data("x".utf8).write(to: url(name)) }
        FileWriter.removeStrayTemporaries(in: directory)
        XCTAssertEqual(listing(), names.dropFirst().sorted())

        // The old writer's fixed temporary name goes when its file is next written, changed or not.
        for _ in 0..<2 {
            try Data("x".utf8).write(to: url(".index.json.tmp"))
            try FileWriter().write("{}", to: url("index.json"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: url(".index.json.tmp").path))
        }
    }
}
