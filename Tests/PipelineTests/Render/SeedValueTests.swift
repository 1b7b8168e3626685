import Engine
import Figures
import Foundation
import XCTest

@testable import Pipeline
@testable import Planning
@testable import Rendering
@testable import RunCache

/// Values, tables and figures of seeded members, from synthetic run records whose statistics are
/// computed by hand.
final class SeedValueTests: XCTestCase {
    static let source = """
        ```experiment
        id: q8
        epochs: 2
        seeds: [1, 2, 3]
        ```

        ```experiment
        id: one
        epochs: 2
        ```

        ```experiment
        id: lr
        epochs: 2
        seeds: [1, 2]
        sweep:
          lr: [0.01, 0.1]
        ```

        """

    /// Final validation accuracies 0.80, 0.84, 0.85 over seeds 1–3: mean 0.83, deviations −0.03,
    /// 0.01, 0.02, sample variance (0.0009 + 0.0001 + 0.0004) / 2 = 0.0007.
    static let finals = [0.80, 0.84, 0.85]
    static let std = 0.0007.squareRoot()

    /// A two-epoch record: epoch 1 at `first`, epoch 2 at `final` (validation accuracy); losses 1 − accuracy.
    func record(first: Double, final: Double, seconds: Double = 2, diverged: Bool = false) throws -> RunRecord
    {
        let epochs = [(1, first), (2, final)].map { epoch, accuracy in
            "{\"epoch\": \(epoch), \"loss\": \(1 - accuracy), \"acc\": \(accuracy), \"val_loss\": \(1 - accuracy), "
                + "\"val_acc\": \(accuracy), \"train_s\": \(seconds), \"eval_s\": 0.1}"
        }
        let divergence = diverged ? ", \"diverged\": {\"epoch\": 3, \"step\": 1, \"loss\": \"nan\"}" : ""
        let json = """
            {"key": "k", "config": {}, "machine": "test", "engine_version": 2, "metrics": {"epochs": [\(epochs.joined(separator: ", "))],
             "steps": [], "parameters": 10, "flopsPerImage": 10, "stepsPerEpoch": 5, "threads": 1\(divergence)}}
            """
        return try JSONDecoder().decode(RunRecord.self, from: Data(json.utf8))
    }

    func records(_ plan: Plan) throws -> [String: RunRecord] {
        var records: [String: RunRecord] = [:]
        for (index, final) in Self.finals.enumerated() {
            records["q8[seed=\(index + 1)]"] = try record(
                first: 0.5 + 0.1 * Double(index), final: final, seconds: 2 + Double(index))
        }
        records["one"] = try record(first: 0.6, final: 0.9)
        for (member, base) in [("lr=0.01", 0.7), ("lr=0.1", 0.2)] {
            records["lr[\(member),seed=1]"] = try record(first: base - 0.1, final: base)
            records["lr[\(member),seed=2]"] = try record(first: base, final: base + 0.1)
        }
        XCTAssertEqual(Set(records.keys), Set(plan.runOrder))
        return records
    }

    private func value(_ path: String, _ unit: String, _ plan: Plan, _ records: [String: RunRecord])
        -> RunValue
    {
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        guard case .success(let runs) = DocumentRenderer.finished(unit, lookup: lookup, records: records)
        else {
            return .missing
        }
        return RunValue.of(path.split(separator: ".").map(String.init), unit: unit, runs: runs)
    }

    private func number(_ value: RunValue) -> Double? {
        if case .number(let number, _) = value { return number }
        return nil
    }

    func testAggregatesOverSeeds() throws {
        let plan = try Plan.make(source: Self.source, path: "answers.md")
        let records = try records(plan)
        XCTAssertEqual(number(value("val_acc", "q8", plan, records)) ?? 0, 0.83, accuracy: 1e-12)
        XCTAssertEqual(number(value("val_acc.mean", "q8", plan, records)) ?? 0, 0.83, accuracy: 1e-12)
        XCTAssertEqual(number(value("val_acc.std", "q8", plan, records)) ?? 0, Self.std, accuracy: 1e-12)
        XCTAssertEqual(number(value("val_acc.min", "q8", plan, records)), 0.80)
        XCTAssertEqual(number(value("val_acc.max", "q8", plan, records)), 0.85)
        XCTAssertEqual(number(value("val_acc.n", "q8", plan, records)), 3)
        // Epoch 1: 0.5, 0.6, 0.7: mean 0.6, std 0.1; the best epoch of each seed is its last.
        XCTAssertEqual(number(value("val_acc@1", "q8", plan, records)) ?? 0, 0.6, accuracy: 1e-12)
        XCTAssertEqual(number(value("val_acc@1.std", "q8", plan, records)) ?? 0, 0.1, accuracy: 1e-12)
        XCTAssertEqual(number(value("best.val_acc.min", "q8", plan, records)), 0.80)
        // Training times 4, 6, 8 s (two epochs each): mean 6, std 2.
        XCTAssertEqual(number(value("train_time", "q8", plan, records)), 6)
        XCTAssertEqual(number(value("train_time.std", "q8", plan, records)), 2)
        guard case .number(_, .fraction) = value("val_acc.std", "q8", plan, records),
            case .number(_, .count) = value("val_acc.n", "q8", plan, records)
        else { return XCTFail("a deviation prints as its value does; n is a count") }
        // Settings and texts: the common value, or each seed's.
        XCTAssertEqual(number(value("lr", "q8", plan, records)), 0.01)
        guard case .text("1, 2, 3") = value("seed", "q8", plan, records),
            case .text("q8") = value("label", "q8", plan, records),
            case .text("lr[lr=0.1]") = value("id", "lr[lr=0.1]", plan, records)
        else { return XCTFail("settings and texts of a member") }
        // One seed of a member is a run like any other.
        XCTAssertEqual(number(value("val_acc", "q8[seed=2]", plan, records)), 0.84)
        XCTAssertEqual(number(value("val_acc.n", "q8[seed=2]", plan, records)), 1)
        guard case .text("q8 seed=2") = value("label", "q8[seed=2]", plan, records) else {
            return XCTFail("a seed run keeps its own label")
        }
    }

    func testARunWithoutSeedsIsAMemberOfOne() throws {
        let plan = try Plan.make(source: Self.source, path: "answers.md")
        let records = try records(plan)
        XCTAssertEqual(number(value("val_acc", "one", plan, records)), 0.9)
        XCTAssertEqual(number(value("val_acc.mean", "one", plan, records)), 0.9)
        XCTAssertEqual(number(value("val_acc.min", "one", plan, records)), 0.9)
        XCTAssertEqual(number(value("val_acc.n", "one", plan, records)), 1)
        guard case .missing = value("val_acc.std", "one", plan, records) else {
            return XCTFail("one run has no standard deviation")
        }
    }

    func testADivergedSeedIsNotAveragedAway() throws {
        let plan = try Plan.make(source: Self.source, path: "answers.md")
        var records = try records(plan)
        records["q8[seed=2]"] = try record(first: 0.5, final: 0.6, seconds: 3, diverged: true)
        guard case .text("diverged at epoch 3 (seed 2)") = value("val_acc", "q8", plan, records) else {
            return XCTFail("\(value("val_acc", "q8", plan, records))")
        }
        XCTAssertEqual(number(value("val_acc.n", "q8", plan, records)), 3)
        XCTAssertEqual(
            number(value("train_time", "q8", plan, records)), 6, "what a diverged run measured still counts")
    }

    func testPmFormat() throws {
        let pm = { (digits: String?) in
            try ValueFormat.parse(name: "pm", arguments: digits.map { [$0] } ?? []).get()
        }
        XCTAssertEqual(
            ValueFormat.render(.number(0.84214, .fraction), format: try pm("2"), spread: 0.00311),
            "84.21 ± 0.31%")
        XCTAssertEqual(
            ValueFormat.render(.number(0.4821, .loss), format: try pm("3"), spread: 0.0041), "0.482 ± 0.004")
        XCTAssertEqual(
            ValueFormat.render(.number(0.84214, .fraction), format: try pm(nil), spread: 0.00311),
            "84.21 ± 0.31%")
        XCTAssertEqual(
            ValueFormat.render(.number(0.4821, .loss), format: try pm(nil), spread: 0.0041), "0.4821 ± 0.0041"
        )
        XCTAssertEqual(
            ValueFormat.render(.number(125, .seconds), format: try pm(nil), spread: 4.2), "2 min 05 s ± 4.2 s"
        )
        XCTAssertEqual(
            ValueFormat.render(.number(21840, .count), format: try pm(nil), spread: 12.4), "21,840 ± 12")
        // The mean alone without a spread; any other format with one prints ± in its style.
        XCTAssertEqual(ValueFormat.render(.number(0.84214, .fraction), format: try pm("1")), "84.2%")
        let percent = try ValueFormat.parse(name: "percent", arguments: ["1"]).get()
        XCTAssertEqual(
            ValueFormat.render(.number(0.84214, .fraction), format: percent, spread: 0.00311), "84.2 ± 0.3%")
        XCTAssertThrowsError(try pm("11"))
        XCTAssertThrowsError(try ValueFormat.parse(name: "pm", arguments: ["1", "2"]).get())
    }

    func testInlineValuesAndTablesShowMeanPlusMinusStd() throws {
        let source =
            Self.source + """
                {{ q8.val_acc | pm(2) }}; {{ q8.val_acc }}; {{ q8.val_acc.std | percent(3) }}; {{ q8[seed=3].val_acc }}

                ```table
                runs: [q8, one, "q8[seed=1]", lr]
                columns: [label, seed, val_acc | percent(1), val_loss | fixed(3), params, val_acc.n]
                caption: Accuracy.
                ```

                """
        let plan = try Plan.make(source: source, path: "answers.md")
        let renderer = DocumentRenderer(
            plan: plan, records: try records(plan), failures: [:],
            figuresDirectory: URL(fileURLWithPath: "/tmp/unused"), figureLinkPrefix: "figures/")
        let text = renderer.render().text
        XCTAssertTrue(text.contains("83.00 ± 2.65%; 83.00%; 2.646%; 85.00%"), text)
        XCTAssertTrue(
            text.contains(
                """
                | Run | seed | Val. acc. | Val. loss | Parameters | Val. acc. (seeds) |
                | --- | ---: | ---: | ---: | ---: | ---: |
                | q8 | 1, 2, 3 | 83.0 ± 2.6% | 0.170 ± 0.026 | 10 | 3 |
                | one | 1 | 90.0% | 0.100 | 10 | 1 |
                | q8 seed=1 | 1 | 80.0% | 0.200 | 10 | 1 |
                | lr=0.01 | 1, 2 | 75.0 ± 7.1% | 0.250 ± 0.071 | 10 | 2 |
                | lr=0.1 | 1, 2 | 25.0 ± 7.1% | 0.750 ± 0.071 | 10 | 2 |

                *Table 1: Accuracy. ± is the sample standard deviation (n − 1) over each run's seeds.*
                """), text)
    }

    func testFiguresDrawTheMeanWithABandAndBarsWithErrorBars() throws {
        let figures = """
            ```figure
            id: std
            runs: [q8, one]
            metrics: [val_acc]
            ```

            ```figure
            id: minmax
            runs: [q8]
            metrics: [val_acc]
            band: minmax
            ```

            ```figure
            id: none
            runs: [q8]
            metrics: [val_acc]
            band: none
            ```

            ```figure
            id: bars
            type: bar
            runs: [q8, one, "q8[seed=2]"]
            ```

            """
        let plan = try Plan.make(source: Self.source + figures, path: "answers.md")
        let records = try records(plan)
        let renderer = FigureRenderer(
            runs: plan.runs, records: records, identities: FigureIdentities(plan: plan), groups: plan.groups)
        let specs = Dictionary(uniqueKeysWithValues: plan.figures.values.map { ($0.id, $0) })
        var palette = Palette()
        let std = renderer.svg(try XCTUnwrap(specs["std"]), palette: &palette)
        XCTAssertEqual(
            std.components(separatedBy: "class=\"band\"").count - 1, 1, "one band: q8's; 'one' has none")
        XCTAssertTrue(std.contains(">shaded: ±1 std over 3 seeds<"))
        XCTAssertTrue(std.contains("q8 83.00% (shaded 80.35% to 85.65%)"), "the description states the band")
        let minmax = renderer.svg(try XCTUnwrap(specs["minmax"]), palette: &palette)
        XCTAssertTrue(minmax.contains(">shaded: min–max over 3 seeds<"))
        XCTAssertTrue(minmax.contains("q8 83.00% (shaded 80.00% to 85.00%)"))
        let none = renderer.svg(try XCTUnwrap(specs["none"]), palette: &palette)
        XCTAssertFalse(none.contains("class=\"band\"") || none.contains("shaded"))
        let bars = renderer.svg(try XCTUnwrap(specs["bars"]), palette: &palette)
        XCTAssertEqual(bars.components(separatedBy: "class=\"error-bar\"").count - 1, 1)
        XCTAssertTrue(bars.contains(">Error bars: ±1 std over 3 seeds.<"))
        XCTAssertTrue(
            renderer.summary(try XCTUnwrap(specs["bars"])).contains(
                "q8 83.00% ± 2.65%; one 90.00%; q8 seed=2 84.00%"))

        // The mean curve is the mean at each epoch.
        let identities = FigureIdentities(plan: plan)
        XCTAssertEqual(identities.labels["q8"], "q8")
        let curve = SeedCurves.mean(
            [([1, 2], [0.5, 0.80]), ([1, 2], [0.6, 0.84]), ([1, 2], [0.7, 0.85, 0.9])], band: .std)
        XCTAssertEqual(curve.x, [1, 2], "up to the shortest curve")
        XCTAssertEqual(curve.y[0], 0.6, accuracy: 1e-12)
        XCTAssertEqual(curve.band?.upper[1] ?? 0, 0.83 + Self.std, accuracy: 1e-12)
        XCTAssertEqual(curve.band?.lower[0] ?? 0, 0.5, accuracy: 1e-12)
    }

    func testSeedsEachListsEverySeed() throws {
        let extra = """
            ```table
            runs: [q8, one]
            columns: [label, val_acc | percent(1)]
            seeds: each
            ```

            ```figure
            id: each
            runs: [q8]
            metrics: [val_acc]
            seeds: each
            ```

            """
        let plan = try Plan.make(source: Self.source + extra, path: "answers.md")
        let renderer = DocumentRenderer(
            plan: plan, records: try records(plan), failures: [:],
            figuresDirectory: URL(fileURLWithPath: "/tmp/unused"), figureLinkPrefix: "figures/")
        let (text, figures) = renderer.render()
        XCTAssertTrue(
            text.contains(
                "| q8 seed=1 | 80.0% |\n| q8 seed=2 | 84.0% |\n| q8 seed=3 | 85.0% |\n| one | 90.0% |"), text)
        XCTAssertFalse(text.contains("±"))
        let svg = try XCTUnwrap(figures.first?.1)
        XCTAssertEqual(svg.components(separatedBy: "class=\"series\"").count - 1, 3)
        XCTAssertFalse(svg.contains("class=\"band\""))
        XCTAssertThrowsError(
            try Plan.make(source: Self.source + "```table\nruns: [q8]\nseeds: all\n```\n", path: "answers.md")
        ) { error in
            XCTAssertTrue("\(error)".contains("'seeds' in a table is mean"), "\(error)")
        }
    }

    func testSeedsEachBarsStandInGroupsInTheMembersColour() throws {
        let extra = """
            ```figure
            id: groups
            type: bar
            runs: [lr, one]
            seeds: each
            reference: [{y: 0.1, label: chance}]
            ```

            ```figure
            id: curves
            runs: [lr]
            metrics: [val_acc]
            ```

            """
        let plan = try Plan.make(source: Self.source + extra, path: "answers.md")
        let renderer = DocumentRenderer(
            plan: plan, records: try records(plan), failures: [:],
            figuresDirectory: URL(fileURLWithPath: "/tmp/unused"), figureLinkPrefix: "figures/")
        let (text, figures) = renderer.render()
        let bars = try XCTUnwrap(figures.first { $0.0.lastPathComponent == "groups.svg" }?.1)
        let curves = try XCTUnwrap(figures.first { $0.0.lastPathComponent == "curves.svg" }?.1)
        // Two members of two seeds and one plain run: three groups, a colour each, the member's.
        let identities = FigureIdentities(plan: plan)
        let colours = try ["lr[lr=0.01]", "lr[lr=0.1]", "one"].map {
            try XCTUnwrap(identities.styles[$0]?.color)
        }
        XCTAssertEqual(Set(colours).count, 3)
        let fills = bars.components(separatedBy: "class=\"bar\"").dropFirst().compactMap { rest in
            rest.range(of: "fill=\"").map { String(rest[$0.upperBound...].prefix(7)) }
        }
        XCTAssertEqual(fills, [colours[0], colours[0], colours[1], colours[1], colours[2]])
        for colour in colours.prefix(2) {
            XCTAssertTrue(curves.contains(colour), "the same colour as its curve")
        }
        XCTAssertEqual(identities.labels["lr[lr=0.01]"], "lr 0.01")
        for name in [">lr 0.01<", ">lr 0.1<", ">one<", ">seed<", ">chance<"] {
            XCTAssertEqual(bars.components(separatedBy: name).count - 1, 1, name)
        }
        XCTAssertEqual(bars.components(separatedBy: ">2<").count - 1, 2, "each member's seed 2")
        XCTAssertTrue(bars.contains("class=\"references\""))
        XCTAssertTrue(
            text.contains(
                "lr 0.01: seed 1 70.00%, seed 2 80.00%; lr 0.1: seed 1 20.00%, seed 2 30.00%; one: 90.00%."),
            text)
    }

    func testStatisticsByHand() throws {
        let statistics = try XCTUnwrap(SeedStatistics([2, 4, 4, 4, 5, 5, 7, 9]))
        XCTAssertEqual(statistics.mean, 5)
        // Sum of squared deviations 32, over n − 1 = 7.
        XCTAssertEqual(statistics.standardDeviation ?? 0, (32.0 / 7).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(statistics.minimum, 2)
        XCTAssertEqual(statistics.maximum, 9)
        XCTAssertNil(SeedStatistics([3])?.standardDeviation)
        XCTAssertNil(SeedStatistics([]))
        // Large equal values: no cancellation.
        XCTAssertEqual(SeedStatistics([1e12 + 1, 1e12 + 1, 1e12 + 1])?.standardDeviation, 0)
    }
}
