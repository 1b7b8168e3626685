import Engine
import XCTest

@testable import Pipeline
@testable import Planning

/// Sweeps, `base`, `defaults` and keys, as the plan resolves them (nothing is trained here).
final class ExperimentResolverTests: XCTestCase {
    private func plan(_ source: String) throws -> Plan { try Plan.make(source: source, path: "answers.md") }

    func testSweepIsTheCartesianProductInTheOrderWritten() throws {
        let plan = try plan(
            """
            ```experiment
            id: grid
            label: Grid
            sweep:
              lr: [0.01, 0.1]
              optimizer: [sgd, adam]
            ```

            ```experiment
            id: plain
            sweep:
              dropout: [0, 0.25]
            ```

            """)
        let grid = [
            "grid[lr=0.01,optimizer=sgd]", "grid[lr=0.01,optimizer=adam]", "grid[lr=0.1,optimizer=sgd]",
            "grid[lr=0.1,optimizer=adam]",
        ]
        XCTAssertEqual(plan.runOrder, grid + ["plain[dropout=0]", "plain[dropout=0.25]"])
        XCTAssertEqual(plan.groups["grid"]?.runIDs, grid)
        XCTAssertEqual(plan.groups["grid"]?.isSweep, true)
        XCTAssertEqual(
            grid.map { plan.runs[$0]?.label },
            [
                "Grid lr=0.01, optimizer=sgd", "Grid lr=0.01, optimizer=adam", "Grid lr=0.1, optimizer=sgd",
                "Grid lr=0.1, optimizer=adam",
            ])
        XCTAssertEqual(plan.runs["plain[dropout=0.25]"]?.label, "dropout=0.25")
        let last = try XCTUnwrap(plan.runs["grid[lr=0.1,optimizer=adam]"])
        XCTAssertEqual(last.config.learningRate, 0.1)
        XCTAssertEqual(last.config.optimizer, .adam)
        XCTAssertEqual(last.experimentID, "grid")
        XCTAssertEqual(last.swept.map { "\($0.key)=\($0.value)" }, ["lr=0.1", "optimizer=adam"])
        XCTAssertEqual(Set(plan.keys.values).count, 6, "every member is a different training")
    }

    func testSelectorsCompareNumbersAsNumbers() throws {
        let source = """
            ```experiment
            id: grid
            sweep:
              lr: [0.01, 0.1]
              optimizer: [sgd, adam]
            ```

            {{ grid[lr=0.10,optimizer=adam].val_acc }} {{ grid[optimizer=sgd, lr=1e-2].lr }}

            """
        XCTAssertEqual(planErrors(source), [])
        XCTAssertEqual(
            planErrors(
                source.replacingOccurrences(of: "{{ grid[lr=0.10,optimizer=adam]", with: "{{ grid[lr=0.1]")),
            ["8:4: 'grid[…]' names 2 runs; pick one, for example 'grid[lr=0.1,optimizer=sgd]'"])
    }

    func testBaseOverridesAndChains() throws {
        let plan = try plan(
            """
            ```experiment
            id: a
            label: First
            lr: 0.05
            epochs: 3
            dropout: 0.3
            ```

            ```experiment
            id: b
            base: a
            lr: 0.1
            ```

            ```experiment
            id: c
            base: b
            epochs: 2
            sweep:
              dropout: [0.1, 0.2]
            ```

            """)
        let a = try XCTUnwrap(plan.runs["a"])
        let b = try XCTUnwrap(plan.runs["b"])
        let c = try XCTUnwrap(plan.runs["c[dropout=0.2]"])
        XCTAssertEqual(
            [a.config.learningRate, b.config.learningRate, c.config.learningRate], [0.05, 0.1, 0.1])
        XCTAssertEqual([a.config.epochs, b.config.epochs, c.config.epochs], [3, 3, 2])
        XCTAssertEqual([a.config.dropout, b.config.dropout, c.config.dropout], [0.3, 0.3, 0.2])
        XCTAssertEqual(a.label, "First")
        XCTAssertEqual(b.label, "b", "a label belongs to its block; base does not pass it on")
        XCTAssertEqual(Set(plan.keys.values).count, 4)
    }

    func testDefaultsApplyOnlyToExperimentsAfterThem() throws {
        let plan = try plan(
            """
            ```experiment
            id: early
            ```

            ```defaults
            epochs: 3
            lr: 0.2
            ```

            ```experiment
            id: middle
            epochs: 5
            ```

            ```defaults
            epochs: 4
            ```

            ```experiment
            id: late
            ```

            """)
        let early = try XCTUnwrap(plan.runs["early"]?.config)
        let middle = try XCTUnwrap(plan.runs["middle"]?.config)
        let late = try XCTUnwrap(plan.runs["late"]?.config)
        XCTAssertEqual(early.epochs, TrainingConfig().epochs)
        XCTAssertNil(early.learningRate)
        XCTAssertEqual(middle.epochs, 5, "an experiment's own key wins over defaults")
        XCTAssertEqual(middle.learningRate, 0.2)
        XCTAssertEqual(late.epochs, 4)
        XCTAssertEqual(late.learningRate, 0.2, "later defaults blocks add to earlier ones")
    }

    /// The key hashes the training configuration only: ids, labels and `echo` do not change it, so the
    /// same configuration under two ids (or a sweep member equal to its base) is one training.
    func testSameConfigurationIsOneTraining() throws {
        let plan = try plan(
            """
            ```experiment
            id: one
            label: One
            lr: 0.05
            ```

            ```experiment
            id: two
            label: Two
            echo: true
            lr: 0.050
            ```

            ```experiment
            id: sweep
            base: one
            sweep:
              lr: [0.05, 0.1]
            ```

            """)
        XCTAssertEqual(plan.keys["one"], plan.keys["two"])
        XCTAssertEqual(plan.keys["one"], plan.keys["sweep[lr=0.05]"])
        XCTAssertNotEqual(plan.keys["one"], plan.keys["sweep[lr=0.1]"])
        XCTAssertEqual(
            plan.plannedRuns.map(\.runIDs), [["one", "two", "sweep[lr=0.05]"], ["sweep[lr=0.1]"]])
    }

    /// A run that starts from another one has a key that depends on the other's key.
    func testInitKeyFollowsTheRunItStartsFrom() throws {
        let source = """
            ```experiment
            id: first
            lr: 0.05
            ```

            ```experiment
            id: second
            init: first
            epochs: 0
            ```

            """
        let before = try plan(source)
        let after = try plan(source.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.07"))
        XCTAssertEqual(before.runs["second"]?.initID, "first")
        XCTAssertEqual(before.plannedRuns.last?.initKey, before.keys["first"])
        XCTAssertNotEqual(before.keys["second"], after.keys["second"])
        XCTAssertEqual(before.runs["second"]?.config, after.runs["second"]?.config)
    }
}
