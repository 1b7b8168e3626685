import Engine
import Figures
import Foundation
import XCTest

@testable import Pipeline
@testable import Planning
@testable import Rendering
@testable import RunCache

/// The figure options of issue 13: identities per document, ordered sweeps, baselines, references,
/// ranges, epoch 0, split panels, error and time axes, and the values `metric@epoch`.
final class FigureOptionsTests: XCTestCase {
    static let experiments = """
        ```experiment
        id: base
        label: default
        ```

        ```experiment
        id: lr
        base: base
        sweep:
          lr: [0.1, 0.001, 0.01]
        ```

        ```experiment
        id: opt
        base: base
        sweep:
          optimizer: [sgd, adam]
        ```

        ```experiment
        id: tuned
        base: base
        init: base
        epochs: 2
        label: tuned
        ```

        """

    func plan(_ figures: String) throws -> Plan {
        try Plan.make(source: Self.experiments + figures, path: "report/answers.md")
    }

    /// Metrics with an epoch 0 only where `withZero` (built from JSON, as the cache stores them).
    func record(_ accuracies: [Double], withZero: Bool) throws -> RunRecord {
        var epochs: [String] = []
        for (index, accuracy) in accuracies.enumerated() {
            let epoch = withZero ? index : index + 1
            let train = epoch == 0 ? "" : "\"loss\": \(1 - accuracy), \"acc\": \(accuracy), "
            epochs.append(
                "{\"epoch\": \(epoch), \(train)\"val_loss\": \(1.2 - accuracy), \"val_acc\": \(accuracy), "
                    + "\"train_s\": \(epoch == 0 ? 0 : 2), \"eval_s\": 0.1}")
        }
        let json = """
            {"key": "k", "config": {}, "machine": "test", "engine_version": 2, "metrics": {"epochs": [\(epochs.joined(separator: ", "))],
             "steps": [], "parameters": 10, "flopsPerImage": 10, "stepsPerEpoch": 5, "threads": 1}}
            """
        return try JSONDecoder().decode(RunRecord.self, from: Data(json.utf8))
    }

    func testSweepMembersGetOrderedColoursAndReadableLabels() throws {
        let plan = try plan(
            "```figure\nid: f\nruns: [lr]\n```\n\n```figure\nid: g\nruns: [base, opt]\nbaseline: base\n```\n")
        let identities = FigureIdentities(plan: plan)
        // Ordered by value, whatever the sweep's order; lr 0.01 is the baseline's training (grey), the
        // others share the ramp: 0.001 is member 0, 0.1 member 1.
        XCTAssertEqual(identities.styles["lr[lr=0.001]"], Palette.ordered(0, of: 2))
        XCTAssertEqual(identities.styles["lr[lr=0.01]"], Palette.baseline)
        XCTAssertEqual(identities.styles["lr[lr=0.1]"], Palette.ordered(1, of: 2))
        XCTAssertEqual(identities.labels["lr[lr=0.1]"], "lr 0.1")
        XCTAssertEqual(identities.labels["opt[optimizer=adam]"], "Adam")
        XCTAssertEqual(identities.styles["base"], Palette.baseline)
        // The SGD member is the base run's training: grey as well; Adam is the only coloured one.
        XCTAssertEqual(identities.styles["opt[optimizer=sgd]"], Palette.baseline)
        // Optimisers are not ordered: categorical colours.
        let adam = identities.styles["opt[optimizer=adam]"]
        XCTAssertEqual(adam?.color, Palette.okabeIto[0].color)
    }

    func testRunKeepsItsStyleAndLabelAcrossFigures() throws {
        let plan = try plan(
            """
            ```figure
            id: one
            runs: [base, tuned]
            labels: {tuned: fine-tuned}
            ```

            ```figure
            id: two
            runs: [opt, tuned]
            ```

            """)
        let identities = FigureIdentities(plan: plan)
        XCTAssertEqual(
            identities.labels["tuned"], "fine-tuned", "the first figure's label holds for the document")
        let renderer = FigureRenderer(
            runs: plan.runs, records: ["tuned": try record([0.1, 0.8, 0.9], withZero: true)],
            identities: identities)
        var palette = Palette()
        let figures = plan.figures.values.sorted { $0.id < $1.id }
        let first = renderer.svg(figures[0], palette: &palette)
        let second = renderer.svg(figures[1], palette: &palette)
        let stroke = "stroke=\"\(identities.styles["tuned"]?.color ?? "?")\""
        XCTAssertTrue(first.contains(stroke) && second.contains(stroke))
        XCTAssertTrue(second.contains(">fine-tuned<"))
    }

    func testBadOptionsAreReportedWhereTheyAre() {
        let errors = planErrors(
            Self.experiments + """
                ```figure
                id: f
                runs: [lr]
                y: [0.9, 0.1]
                reference: [{y: lots}, {run: nope, metric: val_acc}, {run: base, metric: val_ac}, {x: 1}]
                focus: [nothing]
                epoch0: maybe
                x: wallclock
                ```

                """)
        XCTAssertEqual(errors.count, 8, errors.joined(separator: "\n"))
        XCTAssertTrue(errors.contains { $0.contains("a y range is two increasing numbers") })
        XCTAssertTrue(errors.contains { $0.contains("'y' is a number or ln10") })
        XCTAssertTrue(errors.contains { $0.contains("'metric' of a reference is one of") })
        XCTAssertTrue(errors.contains { $0.contains("unknown key 'x' in a reference") })
        XCTAssertTrue(errors.contains { $0.contains("'epoch0' is true or false") })
        XCTAssertTrue(errors.contains { $0.contains("'x' is epoch, step or time") })
    }

    func testEpochZeroShowsForInitRunsAndReferencesResolve() throws {
        let plan = try plan(
            """
            ```figure
            id: f
            runs: [base, tuned]
            metrics: [val_acc, val_error]
            reference: [{y: 0.1, label: chance}, {run: tuned, metric: val_acc@0, label: before}, {y: ln10, label: uniform}]
            y: {acc: [0.05, 1]}
            ```

            """)
        let records = [
            "base": try record([0.1, 0.5, 0.7], withZero: true),
            "tuned": try record([0.2, 0.8, 0.9], withZero: true),
        ]
        let renderer = FigureRenderer(
            runs: plan.runs, records: records, identities: FigureIdentities(plan: plan))
        let figure = try XCTUnwrap(plan.figures.values.first)
        let summary = renderer.summary(figure)
        // base (no init) starts at epoch 1; tuned (init) shows its epoch 0.
        XCTAssertTrue(summary.contains("default 50.00% → 70.00%") == false, summary)
        XCTAssertTrue(summary.contains("tuned 20.00% → 90.00%"), summary)
        XCTAssertTrue(summary.contains("Validation error, final:"), summary)
        XCTAssertTrue(summary.contains("chance 10.00%; before 20.00%."), summary)
        XCTAssertFalse(summary.contains("uniform"), "ln 10 belongs on loss panels, and there is none")
        var palette = Palette()
        let svg = renderer.svg(figure, palette: &palette)
        XCTAssertTrue(svg.contains(">chance<") && svg.contains(">before<"))
    }

    func testSplitAndTimeAxis() throws {
        let plan = try plan(
            "```figure\nid: f\nruns: [base]\nmetrics: [[loss, val_loss]]\nsplit: true\nx: time\n```\n")
        let renderer = FigureRenderer(
            runs: plan.runs, records: ["base": try record([0.5, 0.7], withZero: false)])
        var palette = Palette()
        let svg = renderer.svg(try XCTUnwrap(plan.figures.values.first), palette: &palette)
        XCTAssertTrue(svg.contains(">Training loss<") && svg.contains(">Validation loss<"))
        XCTAssertTrue(svg.contains(">Training time (s)<"))
    }

    func testValuesAtAnEpochAndBestSkipsEpochZero() throws {
        let plan = try plan("")
        let run = try XCTUnwrap(plan.runs["tuned"])
        let record = try self.record([0.95, 0.8, 0.9], withZero: true)
        guard case .number(let before, _) = RunValue.of(["val_acc@0"], run: run, record: record),
            case .number(let best, _) = RunValue.of(["best", "val_acc"], run: run, record: record),
            case .number(let error, _) = RunValue.of(["val_error"], run: run, record: record)
        else {
            return XCTFail("values missing")
        }
        XCTAssertEqual(before, 0.95)
        XCTAssertEqual(best, 0.9, "epoch 0 is before training, not a result of it")
        XCTAssertEqual(error, 0.1, accuracy: 1e-12)
        if case .missing = RunValue.of(["val_acc@7"], run: run, record: record) {
        } else {
            XCTFail("no epoch 7")
        }
        XCTAssertNil(RunValue.problem(with: ["val_acc@0"]))
        XCTAssertNotNil(RunValue.problem(with: ["val_ac@0"]))
        XCTAssertEqual(TableSpec.header(for: ["val_acc@0"]), "Val. acc. before training")
    }

    func testAltTextIsEscapedForMarkdown() {
        XCTAssertEqual(DocumentRenderer.altText("a [b] \\ c\nd"), "a \\[b\\] \\\\ c d")
    }
}
