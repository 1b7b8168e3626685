import Document
import Engine
import Foundation
import TestSupport
import XCTest

@testable import Pipeline
@testable import Planning

/// Settings written for one optimizer never silently reach another; keys a run does not use are
/// warnings at the key; sweeps that cannot differ are errors.
final class OptimizerSettingsTests: XCTestCase {
    private func plan(_ source: String) throws -> Plan { try Plan.make(source: source, path: "answers.md") }

    /// `line:column: message` of every warning of a document that has no error.
    private func warnings(_ source: String) throws -> [String] {
        try plan(source).warnings.filter { $0.severity == .warning }.map { "\($0.location): \($0.message)" }
    }

    func testChangingTheOptimizerStartsFromItsDefaults() throws {
        let plan = try plan(
            """
            ```defaults
            optimizer: {name: sgd, lr: 0.05, momentum: 0.9}
            ```

            ```experiment
            id: q4
            sweep:
              optimizer: [sgd, adam, rmsprop]
            ```

            ```experiment
            id: tuned
            optimizer: {name: sgd, nesterov: true}
            ```

            ```experiment
            id: child
            base: tuned
            optimizer: {name: adam, beta2: 0.99}
            ```

            """)
        let sgd = try XCTUnwrap(plan.runs["q4[optimizer=sgd]"]?.config)
        XCTAssertEqual([sgd.resolvedLearningRate, sgd.resolvedMomentum], [0.05, 0.9])
        let adam = try XCTUnwrap(plan.runs["q4[optimizer=adam]"]?.config)
        XCTAssertEqual(adam.resolvedLearningRate, 0.001, "Adam starts from PyTorch's lr, not SGD's")
        XCTAssertEqual([adam.beta1, adam.beta2, adam.epsilon], [0.9, 0.999, 1e-8])
        let rmsprop = try XCTUnwrap(plan.runs["q4[optimizer=rmsprop]"]?.config)
        XCTAssertEqual(
            [rmsprop.resolvedLearningRate, rmsprop.alpha, rmsprop.resolvedMomentum], [0.01, 0.99, 0])
        let tuned = try XCTUnwrap(plan.runs["tuned"]?.config)
        XCTAssertEqual(
            [tuned.resolvedLearningRate, tuned.resolvedMomentum], [0.05, 0.9],
            "naming the same optimizer again keeps its settings")
        XCTAssertTrue(tuned.nesterov)
        let child = try XCTUnwrap(plan.runs["child"]?.config)
        XCTAssertEqual(child.optimizer, .adam)
        XCTAssertEqual([child.resolvedLearningRate, child.beta2], [0.001, 0.99])
        XCTAssertFalse(child.nesterov, "SGD's Nesterov flag does not reach Adam")
        XCTAssertEqual(try warnings(plan.document.source), [])
    }

    /// The block form and the flat form of the same configuration are one training (one key).
    func testBothFormsOfOneConfigurationShareTheKey() throws {
        let plan = try plan(
            """
            ```experiment
            id: block
            optimizer: {name: sgd, lr: 0.1, momentum: 0.9, nesterov: true}
            ```

            ```experiment
            id: flat
            optimizer: sgd
            lr: 0.1
            momentum: 0.9
            nesterov: true
            ```

            ```experiment
            id: adam
            optimizer: {name: adam, lr: 0.001}
            ```

            ```experiment
            id: adam-default
            optimizer: adam
            ```

            """)
        XCTAssertEqual(plan.keys["block"], plan.keys["flat"])
        XCTAssertEqual(plan.keys["adam"], plan.keys["adam-default"])
        XCTAssertEqual(plan.plannedRuns.count, 2)
    }

    /// Question 4 as the first bundled report wrote it: SGD's rate and momentum flat in `defaults`,
    /// and a sweep over the optimizer that lets them reach Adam and RMSprop.
    static let flatQuestion4 = """
        ```defaults
        optimizer: sgd
        lr: 0.01
        momentum: 0.5
        ```

        ```experiment
        id: q4
        sweep:
          optimizer: [sgd, adam, rmsprop]
        ```

        """

    /// The old flat form still means what it meant (so cached runs stay valid), but a flat key that
    /// reaches another optimizer than the one in effect where it is written is a warning at it.
    func testFlatKeyReachingAnotherOptimizerIsAWarning() throws {
        let source = Self.flatQuestion4
        let plan = try plan(source)
        XCTAssertEqual(plan.runs["q4[optimizer=adam]"]?.config.resolvedLearningRate, 0.01)
        XCTAssertEqual(plan.runs["q4[optimizer=rmsprop]"]?.config.resolvedMomentum, 0.5)
        XCTAssertEqual(
            try warnings(source),
            [
                "3:1: 'lr: 0.01' is written for sgd but also reaches adam in q4[optimizer=adam] (its default: 0.001) and rmsprop in q4[optimizer=rmsprop] (its default: 0.01); to keep it to sgd, write 'optimizer: {name: sgd, lr: 0.01}'; to mean it for adam and rmsprop, set it where they are named",
                "4:1: 'momentum: 0.5' is written for sgd but also reaches rmsprop in q4[optimizer=rmsprop] (its default: 0); to keep it to sgd, write 'optimizer: {name: sgd, momentum: 0.5}'; to mean it for rmsprop, set it where that optimizer is named",
            ])
        // Written beside the optimizer it is for, a flat key is that optimizer's: no warning.
        XCTAssertEqual(
            try warnings(
                """
                ```experiment
                id: a
                optimizer: adam
                lr: 0.0003
                ```

                ```experiment
                id: grid
                sweep:
                  optimizer: [sgd, adam]
                  lr: [0.01, 0.1]
                ```

                """), [])
    }

    func testUnusedKeysAreWarningsAtTheKey() throws {
        let source = """
            ```experiment
            id: adam
            optimizer: adam
            momentum: 0.9
            nesterov: true
            step_size: 3
            ```

            ```experiment
            id: sgd
            optimizer: {name: sgd, beta1: 0.8, momentum: 0}
            nesterov: false
            alpha: 0.9
            gamma: 0.5
            schedule: cosine
            ```

            ```experiment
            id: rms
            optimizer: {name: rmsprop, momentum: 0.9, eps: 1e-6}
            schedule: step
            step_size: 2
            model: no-hidden
            dropout: 0.2
            conv_dropout: 0.1
            ```

            ```experiment
            id: layers
            model: [flatten, {linear: 10}]
            width: 2
            ```

            ```experiment
            id: eval
            init: rms
            epochs: 0
            lr: 0.5
            ```

            """
        XCTAssertEqual(
            try warnings(source),
            [
                "4:1: 'momentum' is not used: adam has no momentum (adam)",
                "5:1: 'nesterov' is not used: adam has no nesterov (adam)",
                "6:1: 'step_size' is not used: the schedule is constant; only 'schedule: step' reads step_size (adam)",
                "11:24: 'beta1' is not used: sgd has no beta1 (it reads lr, momentum, nesterov, weight_decay)",
                "12:1: 'nesterov' is not used: Nesterov momentum needs a momentum above 0, and momentum is 0 (sgd)",
                "13:1: 'alpha' is not used: sgd has no alpha (sgd)",
                "14:1: 'gamma' is not used: the schedule is cosine; only 'schedule: step' reads gamma (sgd)",
                "24:1: 'dropout' is not used: the no-hidden model has no dropout layer (rms)",
                "25:1: 'conv_dropout' is not used: only the batchnorm-dropout and dropout-batchnorm models have a conv dropout (rms)",
                "31:1: 'width' is not used: a model written as a list of layers sets its sizes and dropout in its layers (layers)",
                "38:1: 'lr' is not used: the run only evaluates (epochs: 0) (eval)",
            ])
    }

    /// A key inherited through `base` or `defaults` is used when some run it reaches uses it.
    func testInheritedKeysWarnOnlyWhenNoRunUsesThem() throws {
        let source = """
            ```defaults
            schedule: step
            step_size: 2
            conv_dropout: 0.3
            ```

            ```experiment
            id: a
            model: batchnorm-dropout
            ```

            ```experiment
            id: b
            base: a
            schedule: cosine
            model: default
            ```

            """
        XCTAssertEqual(try warnings(source), [])
        XCTAssertEqual(
            try warnings(
                source.replacingOccurrences(of: "model: batchnorm-dropout", with: "model: batchnorm")),
            [
                "4:1: 'conv_dropout' is not used: only the batchnorm-dropout and dropout-batchnorm models have a conv dropout (a, b)"
            ])
    }

    func testMembersThatTrainTheSameThingAreAnError() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: q
                optimizer: adam
                sweep:
                  momentum: [0, 0.5]
                ```

                """),
            [
                "5:17: 'q[momentum=0.5]' trains exactly what 'q[momentum=0]' trains (momentum: adam has no momentum); remove one, or change a setting the run uses"
            ])
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: q
                cases:
                  - {optimizer: sgd}
                  - {optimizer: {name: sgd, lr: 0.01}}
                ```

                """),
            [
                "5:33: 'q[optimizer=sgd,lr=0.01]' trains exactly what 'q[optimizer=sgd]' trains; remove one, or change a setting the run uses"
            ])
    }

    func testKeyBesideASweepOfItIsAnError() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: q
                lr: 0.1
                sweep:
                  lr: [0.01, 0.05]
                ```

                ```experiment
                id: r
                optimizer: {name: sgd, momentum: 0.9}
                sweep:
                  momentum: [0, 0.5]
                ```

                ```experiment
                id: s
                optimizer: adam
                cases:
                  - {optimizer: sgd}
                  - {optimizer: rmsprop}
                ```

                """),
            [
                "3:1: 'lr' is set here and swept in the same experiment, so no run uses this value; remove one",
                "10:24: 'momentum' is set here and swept in the same experiment, so no run uses this value; remove one",
                "17:1: 'optimizer' is set here and set by every case, so no run uses this value; remove one",
            ])
    }

    func testMalformedOptimizerBlocks() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: a
                optimizer: {lr: 0.1}
                ```

                ```experiment
                id: b
                optimizer: {name: adam, lr: 0.1, schedule: step, betta1: 0.8}
                lr: 0.2
                ```

                ```experiment
                id: c
                optimizer: {name: adamm}
                ```

                ```experiment
                id: d
                sweep:
                  optimizer: [sgd, {name: adam}]
                ```

                """),
            [
                "3:12: the optimizer block needs a 'name', like 'optimizer: {name: sgd, lr: 0.01, momentum: 0.5}'",
                "8:34: 'schedule' is not an optimizer setting; write it beside 'optimizer', not under it",
                "8:50: unknown key 'betta1' under 'optimizer' (did you mean 'beta1'?); it takes name, lr, momentum, nesterov, weight_decay, beta1, beta2, alpha, eps",
                "9:1: 'lr' is set twice: beside 'optimizer' and under it; keep one",
                "14:19: experiment 'c': unknown optimizer 'adamm' (did you mean 'adam'?); expected one of sgd, adam, adamw, rmsprop",
                "20:20: a sweep of 'optimizer' lists names; to give an optimizer its own settings, use 'cases: [{optimizer: {name: sgd, lr: 0.1}}, …]'",
            ])
    }

    /// The bundled report is fully cached (it rebuilds without training) and warns about nothing.
    func testBundledReportIsCachedAndWarnsAboutNothing() throws {
        let root = TestPaths.repositoryRoot
        let source = try String(contentsOf: root.appendingPathComponent("report/answers.md"), encoding: .utf8)
        let plan = try Plan.make(source: source, path: "report/answers.md")
        let runs = root.appendingPathComponent("data/runs")
        for id in plan.runOrder {
            let key = try XCTUnwrap(plan.keys[id])
            XCTAssertTrue(
                FileManager.default.fileExists(
                    atPath: runs.appendingPathComponent(key).appendingPathComponent("config.yaml").path),
                "\(id) has a new key \(key)")
        }
        XCTAssertEqual(plan.warnings.map(\.description), [])
    }

    /// The flat form keeps its meaning (and its run keys): written in the block form, with the leaked
    /// settings made explicit, the first bundled report's question 4 trains the same runs and warns
    /// about nothing (the flat form's warnings are checked above).
    func testFlatFormAndExplicitCasesTrainTheSameRuns() throws {
        let explicit = """
            ```defaults
            optimizer: {name: sgd, lr: 0.01, momentum: 0.5}
            ```

            ```experiment
            id: q4
            cases:
              - {optimizer: sgd}
              - {optimizer: {name: adam, lr: 0.01}}
              - {optimizer: {name: rmsprop, lr: 0.01, momentum: 0.5}}
            ```

            """
        let old = try Plan.make(source: Self.flatQuestion4, path: "report/answers.md")
        let rewritten = try Plan.make(source: explicit, path: "report/answers.md")
        XCTAssertEqual(rewritten.warnings.map(\.description), [])
        XCTAssertEqual(
            Set(rewritten.keys.values), Set(old.keys.values), "the same trainings, under the new member ids")
    }
}
