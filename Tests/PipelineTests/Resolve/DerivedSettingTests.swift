import Configuration
import Engine
import XCTest

@testable import Pipeline
@testable import Planning

/// Settings computed from other experiments' settings: `lr: "{{ q13.lr / 20 }}"`.
final class DerivedSettingTests: XCTestCase {
    private func plan(_ source: String) throws -> Plan { try Plan.make(source: source, path: "answers.md") }

    private static let q13 = """
        ```defaults
        epochs: 3
        ```

        ```experiment
        id: q13
        lr: 0.1
        sweep:
          momentum: [0, 0.5]
        ```

        """

    func testTheResolvedValueIsWhatTheRunHoldsAndHashes() throws {
        let derived = try plan(
            Self.q13 + """
                ```experiment
                id: q15
                lr: "{{ q13.lr / 20 }}"
                momentum: "{{ q13[momentum=0.5].momentum }}"
                epochs: "{{ q13.epochs * 2 }}"
                weight_decay: "{{ q13[momentum=0].lr / 1000 }}"
                ```

                """)
        let written = try plan(
            Self.q13
                + "```experiment\nid: q15\nlr: 0.005\nmomentum: 0.5\nepochs: 6\nweight_decay: 0.0001\n```\n")
        let run = try XCTUnwrap(derived.runs["q15"])
        XCTAssertEqual(run.config.learningRate, 0.005)
        XCTAssertEqual(run.config.epochs, 6)
        XCTAssertEqual(run.config.weightDecay, 0.0001)
        XCTAssertEqual(run.config.value(of: "lr"), "0.005")
        XCTAssertEqual(derived.keys["q15"], written.keys["q15"], "the same run as writing the numbers")
        // Changing what it derives from changes the run.
        let changed = try plan(
            Self.q13.replacingOccurrences(of: "lr: 0.1", with: "lr: 0.2")
                + "```experiment\nid: q15\nlr: \"{{ q13.lr / 20 }}\"\n```\n")
        XCTAssertEqual(changed.runs["q15"]?.config.learningRate, 0.01)
    }

    /// Derived from a derived setting, from a later experiment, through `base` and `defaults`.
    func testChainsInAnyOrder() throws {
        let plan = try plan(
            """
            ```experiment
            id: a
            lr: "{{ b.lr * 2 }}"
            ```

            ```experiment
            id: b
            base: c
            ```

            ```experiment
            id: c
            lr: "{{ d.weight_decay + 0.5 }}"
            ```

            ```experiment
            id: d
            weight_decay: 0.25
            ```

            """)
        XCTAssertEqual(plan.runs["c"]?.config.learningRate, 0.75)
        XCTAssertEqual(plan.runs["b"]?.config.learningRate, 0.75)
        XCTAssertEqual(plan.runs["a"]?.config.learningRate, 1.5)
    }

    func testCyclesAndMistakesArePositionedErrors() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: a
                lr: "{{ b.lr * 2 }}"
                ```

                ```experiment
                id: b
                lr: "{{ a.lr / 2 }}"
                momentum: "{{ b.momentum }}"
                ```

                """, file: "answers.md"),
            [
                "3:5: derived settings form a cycle: a.lr → b.lr → a.lr",
                "9:11: derived settings form a cycle: b.momentum → b.momentum",
            ])
        XCTAssertEqual(
            planErrors(
                Self.q13 + """
                    ```experiment
                    id: e
                    lr: "{{ q31.lr }}"
                    momentum: "{{ q13.momentum }}"
                    weight_decay: "{{ q13.val_acc }}"
                    dropout: "{{ q13.optimizer }}"
                    epochs: "{{ q13.lr > 1 }}"
                    width: "{{ q13.lr | percent }}"
                    gamma: "{{ q13.lr / }}"
                    ```

                    """, file: "answers.md"),
            [
                "13:9: unknown experiment 'q31' (did you mean 'q13'?)",
                "14:15: 'q13' sweeps 'momentum'; pick one run, like 'q13[momentum=0].momentum'",
                "15:23: a derived setting can use other experiments' training keys, like 'q13.lr', not 'val_acc': settings are resolved before anything trains",
                "16:18: 'q13.optimizer' is 'sgd', not a number",
                "17:13: 'q13.lr > 1' is true or false, not a number",
                "18:9: a derived setting is a number, like \"{{ q13.lr / 20 }}\": no 'assert', no format",
                "19:21: expected a run id, a number or '(', found '}}'",
            ])
        XCTAssertEqual(
            planErrors(
                Self.q13 + "```experiment\nid: s\nsweep:\n  lr: [\"{{ q13.lr * 2 }}\", 0.2]\n```\n",
                file: "answers.md"),
            ["14:8: a sweep lists plain values; derive 'lr' in an experiment of its own and sweep around it"])
    }
}
