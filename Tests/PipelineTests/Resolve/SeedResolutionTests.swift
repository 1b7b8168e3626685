import Document
import Engine
import XCTest

@testable import Pipeline
@testable import Planning
@testable import RunCache

/// `seeds: [1, 2, 3]`: one run per seed, with the keys plain seed runs have; how references name
/// seeded members and single seeds; and every mistake, positioned.
final class SeedResolutionTests: XCTestCase {
    private func plan(_ source: String) throws -> Plan { try Plan.make(source: source, path: "answers.md") }

    /// The messages and positions of every diagnostic `source` gets.
    private func errors(_ source: String) -> [String] {
        do {
            _ = try Plan.make(source: source, path: "answers.md")
            return []
        } catch let error as DiagnosticError {
            return error.diagnostics.map { "\($0.location) \($0.message)" }
        } catch {
            return ["\(error)"]
        }
    }

    static let experiments = """
        ```experiment
        id: plain
        epochs: 2
        seed: 2
        ```

        ```experiment
        id: q8
        base: plain
        seeds: [1, 2, 3]
        ```

        ```experiment
        id: lr
        base: plain
        seeds: [3, 1]
        sweep:
          lr: [0.01, 0.1]
        ```

        """

    func testOneRunPerSeedWithThePlainSeedRunsKey() throws {
        let plan = try plan(Self.experiments)
        XCTAssertEqual(
            plan.runOrder,
            [
                "plain", "q8[seed=1]", "q8[seed=2]", "q8[seed=3]", "lr[lr=0.01,seed=3]", "lr[lr=0.01,seed=1]",
                "lr[lr=0.1,seed=3]", "lr[lr=0.1,seed=1]",
            ])
        // Seed 2 of q8 is exactly the plain seed-2 run (lr 0.01 is the default): one training, cached once.
        XCTAssertEqual(plan.keys["q8[seed=2]"], plan.keys["plain"])
        XCTAssertEqual(plan.keys["lr[lr=0.01,seed=1]"], plan.keys["q8[seed=1]"])
        XCTAssertNotEqual(plan.keys["q8[seed=1]"], plan.keys["q8[seed=3]"])
        var single = try XCTUnwrap(plan.runs["plain"]).config
        single.seed = 3
        XCTAssertEqual(plan.keys["q8[seed=3]"], RunKey.make(config: single, initKey: nil))
        // plain = q8 seed 2 = lr 0.01 seed 2 is absent; lr 0.01 seeds 3 and 1 are q8's: 8 runs, 5 trainings.
        XCTAssertEqual(plan.plannedRuns.count, 5)
        XCTAssertEqual(plan.runs["q8[seed=3]"]?.config.seed, 3)
        XCTAssertEqual(plan.runs["q8[seed=3]"]?.label, "q8 seed=3")
        XCTAssertEqual(plan.runs["lr[lr=0.1,seed=1]"]?.label, "lr=0.1, seed=1")
        XCTAssertEqual(
            plan.runs["lr[lr=0.1,seed=1]"]?.member, SeededMember(id: "lr[lr=0.1]", label: "lr=0.1", seed: 1))
        XCTAssertNil(plan.runs["plain"]?.member)
        XCTAssertEqual(plan.groups["lr"]?.seeds, [3, 1])
        XCTAssertEqual(plan.groups["lr"]?.seedRuns["lr[lr=0.1]"], ["lr[lr=0.1,seed=3]", "lr[lr=0.1,seed=1]"])
    }

    func testReferencesNameMembersOrSingleSeeds() throws {
        let plan = try plan(Self.experiments)
        let lookup = RunLookup(runs: plan.runs, groups: plan.groups)
        XCTAssertEqual(try lookup.units(id: "q8", selectors: []).get(), ["q8"])
        XCTAssertEqual(lookup.runIDs(ofUnit: "q8"), ["q8[seed=1]", "q8[seed=2]", "q8[seed=3]"])
        XCTAssertEqual(try lookup.singleUnit(id: "q8", selectors: [("seed", "2")]).get(), "q8[seed=2]")
        XCTAssertEqual(try lookup.units(id: "lr", selectors: []).get(), ["lr[lr=0.01]", "lr[lr=0.1]"])
        XCTAssertEqual(try lookup.singleUnit(id: "lr", selectors: [("lr", "0.1")]).get(), "lr[lr=0.1]")
        XCTAssertEqual(
            try lookup.units(id: "lr", selectors: [("seed", "1")]).get(),
            ["lr[lr=0.01,seed=1]", "lr[lr=0.1,seed=1]"])
        XCTAssertEqual(try lookup.units(id: "plain", selectors: []).get(), ["plain"])
        XCTAssertTrue(lookup.isSeeded("lr[lr=0.1]"))
        XCTAssertFalse(lookup.isSeeded("plain"))
        XCTAssertFalse(lookup.isSeeded("q8[seed=1]"))
        XCTAssertEqual(lookup.label(ofUnit: "lr[lr=0.1]"), "lr=0.1")
        guard case .failure(let error) = lookup.singleUnit(id: "lr", selectors: []) else {
            return XCTFail("two members are not one")
        }
        XCTAssertEqual(error.message, "'lr' names 2 runs; pick one, for example 'lr[lr=0.01]'")
    }

    func testSeedsAreInheritedAndReplacedLikeAnySetting() throws {
        let plan = try plan(
            """
            ```defaults
            epochs: 1
            seeds: [1, 2]
            ```

            ```experiment
            id: inherits
            ```

            ```experiment
            id: one
            seed: 5
            ```

            ```experiment
            id: from-one
            base: one
            ```

            ```experiment
            id: again
            base: one
            seeds: [7, 8, 9]
            ```

            ```experiment
            id: swept
            sweep:
              seed: [3, 4]
            ```

            ```defaults
            seed: 4
            ```

            ```experiment
            id: later
            ```

            """)
        XCTAssertEqual(plan.groups["inherits"]?.runIDs, ["inherits[seed=1]", "inherits[seed=2]"])
        XCTAssertEqual(plan.groups["one"]?.runIDs, ["one"], "a block's own seed replaces the inherited seeds")
        XCTAssertEqual(plan.runs["one"]?.config.seed, 5)
        XCTAssertEqual(plan.groups["from-one"]?.runIDs, ["from-one"])
        XCTAssertEqual(plan.groups["again"]?.seeds, [7, 8, 9])
        XCTAssertEqual(
            plan.groups["swept"]?.runIDs, ["swept[seed=3]", "swept[seed=4]"],
            "a sweep over seed replaces seeds")
        XCTAssertEqual(plan.groups["swept"]?.seeds, [])
        XCTAssertEqual(
            plan.groups["later"]?.runIDs, ["later"], "a later defaults seed replaces the defaults' seeds")
        XCTAssertEqual(plan.runs["later"]?.config.seed, 4)
    }

    func testSeedRunsStartFromTheSameSeedOfASeededRun() throws {
        let plan = try plan(
            """
            ```experiment
            id: pre
            epochs: 1
            seeds: [1, 2]
            ```

            ```experiment
            id: tune
            init: pre
            epochs: 1
            seeds: [1, 2]
            ```

            ```experiment
            id: tune-one
            init: pre[seed=2]
            epochs: 1
            ```

            """)
        XCTAssertEqual(plan.runs["tune[seed=1]"]?.initID, "pre[seed=1]")
        XCTAssertEqual(plan.runs["tune[seed=2]"]?.initID, "pre[seed=2]")
        XCTAssertEqual(plan.runs["tune-one"]?.initID, "pre[seed=2]")
        XCTAssertNotEqual(plan.keys["tune[seed=1]"], plan.keys["tune[seed=2]"])
        let errors = errors(
            "```experiment\nid: pre\nseeds: [1, 2]\n```\n\n```experiment\nid: tune\ninit: pre\n```\n")
        XCTAssertEqual(errors, ["8:7 'init': 'pre' names 2 runs; pick one, for example 'pre[seed=1]'"])
    }

    func testBadSeedsArePositioned() {
        let many = "[" + (0..<101).map(String.init).joined(separator: ", ") + "]"
        let source = """
            ```experiment
            id: empty
            seeds: []
            ```

            ```experiment
            id: dup
            seeds: [1, 2, 1]
            ```

            ```experiment
            id: bad
            seeds: [1, 2.5, -3, x]
            ```

            ```experiment
            id: scalar
            seeds: 3
            ```

            ```experiment
            id: both
            seed: 4
            seeds: [1, 2]
            ```

            ```experiment
            id: huge
            seeds: \(many)
            ```

            ```experiment
            id: swept
            seeds: [1, 2]
            sweep:
              seed: [3, 4]
            ```

            ```experiment
            id: product
            seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
            sweep:
              lr: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
              momentum: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
            ```

            """
        XCTAssertEqual(
            errors(source),
            [
                "3:8 'seeds' is a non-empty list of whole numbers, like 'seeds: [1, 2, 3]'",
                "8:15 duplicate seed 1 in 'seeds'",
                "13:12 a seed is a whole number from 0, found '2.5'",
                "13:17 a seed is a whole number from 0, found '-3'",
                "13:21 a seed is a whole number from 0, found 'x'",
                "18:8 'seeds' is a non-empty list of whole numbers, like 'seeds: [1, 2, 3]'",
                "23:1 'seed' and 'seeds' in one experiment; 'seeds: [1, 2, 3]' trains one run per seed, 'seed: 1' one run",
                "29:8 'seeds' lists 101 seeds; the limit is 100",
                "36:3 experiment 'swept' sweeps 'seed' and lists 'seeds'; list the seeds in 'seeds' only",
                "41:8 experiment 'product' makes 100 members × 11 seeds = 1,100 runs; the limit is 1,000 runs per experiment",
            ])
    }

    func testStandardDeviationsAndPmNeedSeeds() {
        let source =
            Self.experiments + """
                {{ plain.val_acc.std }} {{ plain.val_acc | pm(1) }} {{ q8.val_acc.std | pm }}
                {{ q8.lr | pm }} {{ q8.lr.mean }} {{ q8.val_acc.median }}
                {{ q8.val_acc.std }} {{ q8.best.val_acc.max }} {{ q8.val_acc@1.n }} {{ lr[lr=0.1].val_loss | pm(3) }}
                """
        XCTAssertEqual(
            errors(source),
            [
                "20:10 'plain' is one run, without seeds; a standard deviation needs at least two (give its experiment 'seeds: [1, 2, 3]')",
                "20:44 'plain' is one run, without seeds; 'pm' prints mean ± standard deviation over seeds (give its experiment 'seeds: [1, 2, 3]', or use percent(n))",
                "20:73 'pm' prints a mean ± its standard deviation; use it on 'val_acc', not on '.std'",
                "21:12 'pm' prints a measured value over seeds; 'lr' is not one",
                "21:24 '.mean' aggregates a measured value over seeds (a metric, best.<metric>, <metric>@<epoch>, a time or a size); 'lr' is not one",
                "21:41 unknown value 'val_acc.median'; values are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error, best.<metric>, <metric>@<epoch>, epochs, steps, train_time, eval_time, epoch_time, params, flops, threads, machine, label, id, key and the training keys, and .mean, .std, .min, .max, .n after a measured one",
            ])
    }
}
