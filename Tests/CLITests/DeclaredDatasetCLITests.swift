import Datasets
import Foundation
import TestSupport
import XCTest

/// A user's own data through the built binary: declared in report.yaml (a CIFAR-format colour set and a
/// PNG class folder), the hash copied from the error, trained, cached, and refused once a file changes.
final class DeclaredDatasetCLITests: XCTestCase {
    private var project: URL!

    override func setUpWithError() throws {
        try ReportBinary.requireBuilt()
        project = try TestPaths.temporaryDirectory("cli-datasets")
    }

    override func tearDownWithError() throws {
        if let project { try? FileManager.default.removeItem(at: project) }
    }

    private func write(_ text: String, to path: String) throws {
        let url = project.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func testDeclareTrainReportAndNoticeAChangedFile() throws {
        let data = project.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FormatFixtures.writeCIFAR(
            FormatFixtures.colour, fine: false,
            to: [data.appendingPathComponent("batch_1.bin"), data.appendingPathComponent("batch_2.bin")])
        try FormatFixtures.writePNGFolder(FormatFixtures.grey, to: data.appendingPathComponent("digits"))
        var settings = """
            datasets:
              colour:
                format: cifar10
                train: [data/batch_1.bin, data/batch_2.bin]
                test: data/batch_2.bin
              digits:
                format: png
                train: data/digits
                test_fraction: 0.2

            """
        try write(settings, to: "report.yaml")
        try write(
            """
            # Own data

            ```experiment
            id: colour-net
            dataset: colour
            model: [conv: {out: 4, kernel: 3}, relu, maxpool: 2, flatten, linear: 10]
            epochs: 1
            batch_size: 4
            ```

            ```experiment
            id: digits-net
            dataset: digits
            epochs: 2
            batch_size: 8
            sweep: {lr: [0.01, 0.05]}
            ```

            Colour: {{ colour-net.val_acc | percent }}. Digits: {{ digits-net[lr=0.05].val_acc | percent }}.
            """, to: "report/answers.md")

        // No hash yet: one error per dataset, each with the hash to declare.
        let check = try ReportBinary.run(["check"], in: project)
        XCTAssertEqual(check.status, 1, check.stderr)
        let hashes = check.stderr.components(separatedBy: "add 'sha256: ").dropFirst().map {
            String($0.prefix(64))
        }
        XCTAssertEqual(hashes.count, 2, check.stderr)
        XCTAssertTrue(
            check.stderr.contains("report/answers.md:5:10: error: report.yaml:2:3: dataset 'colour'"),
            check.stderr)
        settings = settings.replacingOccurrences(
            of: "    test: data/batch_2.bin\n", with: "    test: data/batch_2.bin\n    sha256: \(hashes[0])\n"
        )
        settings += "    sha256: \(hashes[1])\n"
        try write(settings, to: "report.yaml")

        let verify = try ReportBinary.run(["data", "verify", "colour", "digits"], in: project)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("of 3×32×32, 10 classes"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("40 training and 10 test samples of 1×28×28"), verify.stdout)

        let build = try ReportBinary.run(["build"], in: project)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(build.stderr.contains("3 trainings (3 runs)"), build.stderr)
        let readme = try String(
            contentsOf: project.appendingPathComponent("report/README.md"), encoding: .utf8)
        XCTAssertNotNil(
            readme.range(of: #"Colour: \d+\.\d\d%\. Digits: \d+\.\d\d%\."#, options: .regularExpression),
            readme)

        let again = try ReportBinary.run(["build"], in: project)
        XCTAssertTrue(again.stderr.contains("0 trainings (0 runs), 3 runs cached"), again.stderr)

        // A changed image is another dataset: refused until the declaration says so.
        let image = try XCTUnwrap(
            FileManager.default.enumerator(
                at: data.appendingPathComponent("digits"), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.first { $0.pathExtension == "png" })
        try FileManager.default.copyItem(
            at: image, to: image.deletingLastPathComponent().appendingPathComponent("extra.png"))
        let changed = try ReportBinary.run(["build"], in: project)
        XCTAssertEqual(changed.status, 1, changed.stderr)
        XCTAssertTrue(
            changed.stderr.contains(
                "dataset 'digits' declares sha256 \(hashes[1]), but its files' content is"), changed.stderr)
    }

    /// `report train` and `report data verify` run anywhere in a project read its report.yaml (here its
    /// `data_dir`), not only in its root.
    func testTrainAndDataVerifyReadTheProjectsSettingsFromASubdirectory() throws {
        try TestPaths.requireSharedData()
        try write("data_dir: \(TestPaths.sharedData.path)\n", to: "report.yaml")
        let sub = project.appendingPathComponent("notebooks")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let train = try ReportBinary.run(
            ["train", "--epochs", "1", "--train-samples", "64", "--val-samples", "64", "--threads", "1"],
            in: sub)
        XCTAssertEqual(train.status, 0, train.stderr)
        let verify = try ReportBinary.run(["data", "verify", "mnist"], in: sub)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(
            verify.stdout.contains("\(TestPaths.sharedData.appendingPathComponent("mnist").path)  <- used"),
            verify.stdout)
    }
}
