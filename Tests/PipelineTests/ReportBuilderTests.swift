import Foundation
import TestSupport
import XCTest

@testable import Pipeline

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `report build` end to end, and `clean`.
final class ReportBuilderTests: XCTestCase {
    private static let document = """
        # Learning rates

        ```experiment
        id: base
        dataset: mnist
        lr: 0.05
        label: Baseline
        train_samples: 300
        val_samples: 200
        epochs: 1
        ```
        ```experiment
        id: lr
        base: base
        sweep:
          lr: [0.01, 0.05, 0.1]
        ```
        Prose {{ base.val_acc | percent(1) }} and {{ lr[lr=0.1].val_acc }}.

        ```figure
        id: small-lr
        runs: [lr]
        metrics: [[loss, val_loss], val_acc]
        caption: Loss and accuracy by learning rate
        ```

        ```table
        runs: [base, lr]
        columns: [label, lr, val_acc, best.val_acc, train_time, params]
        caption: Final accuracy
        ```

        The end.

        """

    func testBuildWritesTheReadmeFiguresAndTables() throws {
        try TestPaths.requireSharedData()
        let project = try TestProject(Self.document)
        let summary = try project.build()
        XCTAssertEqual(summary.trained.sorted(), ["base", "lr[lr=0.01]", "lr[lr=0.05]", "lr[lr=0.1]"])
        XCTAssertEqual(summary.cached, [])
        XCTAssertEqual(summary.failed, [:])
        XCTAssertEqual(summary.output, "report/README.md")
        XCTAssertEqual(project.runs.allKeys().count, 3, "base and lr[lr=0.05] are the same training")

        var rows: [String] = []
        for id in ["base", "lr[lr=0.01]", "lr[lr=0.05]", "lr[lr=0.1]"] {
            let run = try XCTUnwrap(try project.plan().runs[id])
            let record = try project.record(id)
            let acc = percent(record.metrics.final!.valAcc)
            rows.append(
                "| \(run.label) | \(run.config.learningRate!.clean) | \(acc) | \(acc) | "
                    + "\(ValueFormat.duration(record.metrics.trainSeconds)) | 21,840 |")
        }
        let base = try project.record("base").metrics.final!.valAcc
        let high = try project.record("lr[lr=0.1]").metrics.final!.valAcc
        // The image's alternative text is the figure's description: its final values, not its title.
        let figureText = String(decoding: try Data(contentsOf: project.url("figures/small-lr.svg")), as: UTF8.self)
        let description = figureText.components(separatedBy: "<desc>").dropFirst().first?.components(separatedBy: "</desc>").first ?? ""
        XCTAssertTrue(description.contains("final: lr 0.01 "), description)
        XCTAssertEqual(
            project.readme,
            """
            # Learning rates

            Prose \(percent(base, digits: 1)) and \(percent(high)).

            ![\(description)](../figures/small-lr.svg)

            *Figure 1: Loss and accuracy by learning rate*

            | Run | LR | Val. acc. | Best val. acc. | Train time | Parameters |
            | --- | ---: | ---: | ---: | ---: | ---: |
            \(rows.joined(separator: "\n"))

            *Table 1: Final accuracy*

            The end.

            """)

        let svgURL = project.url("figures/small-lr.svg")
        let svg = try Data(contentsOf: svgURL)
        let parser = XMLParser(data: svg)
        let root = RootElement()
        parser.delegate = root
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(root.name, "svg")
        let text = String(decoding: svg, as: UTF8.self)
        XCTAssertTrue(text.contains(">lr 0.01<") && text.contains(">lr 0.1<"), "the figure names the runs")

        // A second build of the unchanged document trains nothing and rewrites nothing.
        let readme = project.url("report/README.md")
        let readmeBytes = try Data(contentsOf: readme)
        let readmeDate = try project.modificationDate(readme)
        let svgDate = try project.modificationDate(svgURL)
        let index = project.runs.root.appendingPathComponent("index.json")
        let indexDate = try project.modificationDate(index)
        let second = try project.build()
        XCTAssertEqual(second.trained, [])
        XCTAssertEqual(second.cached.sorted(), ["base", "lr[lr=0.01]", "lr[lr=0.05]", "lr[lr=0.1]"])
        XCTAssertEqual(try Data(contentsOf: readme), readmeBytes)
        XCTAssertEqual(try Data(contentsOf: svgURL), svg)
        XCTAssertEqual(try project.modificationDate(readme), readmeDate)
        XCTAssertEqual(try project.modificationDate(svgURL), svgDate)
        XCTAssertEqual(try project.modificationDate(index), indexDate)
    }

    func testCleanRemovesWhatTheDocumentNoLongerUses() throws {
        try TestPaths.requireSharedData()
        let keptOnly = "```experiment\nid: kept\n\(TestProject.tiny)```\n"
        let project = try TestProject(keptOnly + "\n```experiment\nid: dropped\nbase: kept\nlr: 0.1\n```\n")
        try project.build()
        let kept = try project.key("kept")
        let dropped = try project.key("dropped")
        XCTAssertEqual(try project.builder().clean(dryRun: true), [], "nothing to clean after a build")

        try project.write(keptOnly)
        let root = project.runs.root
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(".tmp-\(kept)-12345678"),
            withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("failed"), withIntermediateDirectories: true)
        try Data("error\n".utf8).write(to: root.appendingPathComponent("failed/0000000000000000.log"))
        let expected = ["data/runs/\(dropped)", "data/runs/.tmp-\(kept)-12345678", "data/runs/failed"]

        let listing = project.runsDirectoryListing()
        XCTAssertEqual(try project.builder().clean(dryRun: true), expected)
        XCTAssertEqual(project.runsDirectoryListing(), listing, "a dry run removes nothing")

        XCTAssertEqual(try project.builder().clean(dryRun: false), expected)
        XCTAssertEqual(project.runsDirectoryListing(), [kept, "index.json"])
        let index = try String(contentsOf: root.appendingPathComponent("index.json"), encoding: .utf8)
        XCTAssertTrue(index.contains(kept) && !index.contains(dropped), index)
        XCTAssertEqual(try project.builder().clean(dryRun: true), [])
        XCTAssertEqual(try project.build().cached, ["kept"])
    }
}

/// Records the name of the document element.
private final class RootElement: NSObject, XMLParserDelegate {
    var name: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        if name == nil { name = elementName }
    }
}
