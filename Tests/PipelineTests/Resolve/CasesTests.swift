import Document
import Engine
import Foundation
import XCTest

@testable import Pipeline
@testable import Planning
@testable import Rendering

/// `cases:`, a sweep over a list of partial settings: members, addresses, labels, the product with a
/// sweep, and the references that select members.
final class CasesTests: XCTestCase {
    private func plan(_ source: String) throws -> Plan { try Plan.make(source: source, path: "answers.md") }

    private let optimizers = """
        ```experiment
        id: q4
        label: Q4
        cases:
          - {optimizer: sgd}
          - {optimizer: adam, label: Adam}
          - {optimizer: {name: rmsprop, lr: 0.001}}
          - {optimizer: rmsprop}
          - {model: [flatten, {linear: 10}]}
        ```

        """

    func testEachCaseIsOneRunAddressedByWhatItWrites() throws {
        let plan = try plan(optimizers)
        let ids = [
            "q4[optimizer=sgd]", "q4[optimizer=adam]", "q4[optimizer=rmsprop,lr=0.001]",
            "q4[optimizer=rmsprop]",
            "q4[case=5]",
        ]
        XCTAssertEqual(plan.runOrder, ids)
        XCTAssertEqual(plan.groups["q4"]?.isSweep, true)
        XCTAssertEqual(
            ids.map { plan.runs[$0]?.label },
            [
                "Q4 optimizer=sgd", "Q4 Adam", "Q4 optimizer=rmsprop, lr=0.001", "Q4 optimizer=rmsprop",
                "Q4 case=5",
            ])
        XCTAssertEqual(
            ids.compactMap { plan.runs[$0].map(FigureIdentities.readableLabel) },
            ["Q4 SGD", "Q4 Adam", "Q4 RMSprop, lr 0.001", "Q4 RMSprop", "Q4 case 5"])
        XCTAssertEqual(plan.runs["q4[optimizer=rmsprop,lr=0.001]"]?.config.resolvedLearningRate, 0.001)
        XCTAssertEqual(plan.runs["q4[optimizer=rmsprop]"]?.config.resolvedLearningRate, 0.01)
        XCTAssertEqual(
            plan.runs["q4[case=5]"]?.config.model, .layers([.flatten, .linear(out: 10, bias: true)]))
        XCTAssertEqual(Set(plan.keys.values).count, 5)
    }

    func testReferencesSelectCaseMembers() throws {
        let source =
            optimizers + """
                ```figure
                id: f
                runs: [q4, "q4[optimizer=adam]"]
                metrics: [val_acc]
                ```

                ```table
                runs: ["q4[case=2]", "q4[optimizer=rmsprop]"]
                columns: [label, lr]
                ```

                {{ q4[optimizer=rmsprop].lr }} {{ q4[optimizer=rmsprop,lr=0.001].lr }} {{ q4[lr=0.001,optimizer=rmsprop].lr }}
                {{ q4[case=5].lr }} {{ q4[optimizer=adam].lr }}

                """
        XCTAssertEqual(planErrors(source), [])
        let lookup = RunLookup(runs: try plan(source).runs, groups: try plan(source).groups)
        XCTAssertEqual(
            try lookup.single(id: "q4", selectors: [("optimizer", "rmsprop")]).get(), "q4[optimizer=rmsprop]")
        XCTAssertEqual(
            try lookup.single(id: "q4", selectors: [("case", "3")]).get(), "q4[optimizer=rmsprop,lr=0.001]")
        XCTAssertEqual(
            planErrors(optimizers + "{{ q4[lr=0.001].val_acc }} {{ q4[case=9].val_acc }}\n"),
            [
                "11:4: 'q4[…]' names 2 runs; pick one, for example 'q4[optimizer=adam]'",
                "11:31: no run of 'q4' has case=9; its runs are q4[optimizer=sgd], q4[optimizer=adam], q4[optimizer=rmsprop,lr=0.001], q4[optimizer=rmsprop], q4[case=5]",
            ])
    }

    /// Cases with a sweep are their product, cases outermost; a swept key set by a case is an error.
    func testCasesTimesSweep() throws {
        let source = """
            ```experiment
            id: grid
            cases:
              - {optimizer: sgd, label: SGD}
              - {optimizer: adam, label: Adam}
            sweep:
              lr: [0.001, 0.01]
            ```

            """
        let plan = try plan(source)
        XCTAssertEqual(
            plan.runOrder,
            [
                "grid[optimizer=sgd,lr=0.001]", "grid[optimizer=sgd,lr=0.01]",
                "grid[optimizer=adam,lr=0.001]",
                "grid[optimizer=adam,lr=0.01]",
            ])
        XCTAssertEqual(plan.runs["grid[optimizer=adam,lr=0.01]"]?.label, "Adam lr=0.01")
        XCTAssertEqual(
            plan.runs["grid[optimizer=adam,lr=0.01]"].map(FigureIdentities.readableLabel), "Adam lr 0.01")
        XCTAssertEqual(plan.runs["grid[optimizer=adam,lr=0.01]"]?.config.resolvedLearningRate, 0.01)
        XCTAssertEqual(plan.warnings, [], "a swept lr belongs to the optimizer its case names")
        XCTAssertEqual(
            planErrors(
                source.replacingOccurrences(
                    of: "{optimizer: adam, label: Adam}", with: "{optimizer: adam, lr: 0.1}")),
            ["5:23: 'lr' is set by this case and swept too; set it in one place"])
    }

    func testMalformedCases() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: a
                cases: {optimizer: sgd}
                ```

                ```experiment
                id: b
                cases:
                  - sgd
                  - {optimizer: adam, lerning_rate: 0.1}
                  - {optimizer: adam}
                  - {init: a}
                ```

                """),
            [
                "3:8: 'cases' is a non-empty list of settings, like 'cases: [{optimizer: sgd}, {optimizer: {name: adam, lr: 0.001}}]'",
                "9:5: case 1 must be a mapping of settings, like 'cases: [{optimizer: sgd}, {optimizer: {name: adam, lr: 0.001}}]'",
                "10:23: unknown key 'lerning_rate' in case 2 (did you mean 'lr'?); a case takes training keys and 'label'",
                "11:5: case 3 writes the same settings as case 2; remove one",
                "12:6: unknown key 'init' in case 4; a case takes training keys and 'label'",
            ])
    }

    /// `echo: true` shows what differs between members per run, never one member's value as everyone's.
    func testEchoShowsEachCaseSettings() throws {
        let plan = try plan(
            """
            ```experiment
            id: e
            epochs: 1
            echo: true
            cases:
              - {optimizer: {name: sgd, momentum: 0.9}}
              - {optimizer: adam}
            ```

            """)
        let renderer = DocumentRenderer(
            plan: plan, records: [:], failures: [:], figuresDirectory: FileManager.default.temporaryDirectory,
            figureLinkPrefix: "")
        let text = renderer.render().text
        XCTAssertTrue(text.contains("epochs: 1\n"), text)
        XCTAssertFalse(text.contains("\nlr:"), "lr differs between the cases: \(text)")
        XCTAssertTrue(
            text.contains(
                """
                runs:
                  e[optimizer=sgd,momentum=0.9]: {optimizer: sgd, lr: 0.01, momentum: 0.9, nesterov: false}
                  e[optimizer=adam]: {optimizer: adam, lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-08}
                """), text)
    }
}
