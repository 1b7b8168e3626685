import Document
import Suggestions
import XCTest

@testable import Pipeline
@testable import Planning

/// Every document error `Plan.make` finds, with its exact position and message, all in one pass.
final class PlanDiagnosticsTests: XCTestCase {
    func testYAMLSyntaxError() {
        let source = """
            ```experiment
            id: y
            lr: [0.1
            ```

            """
        XCTAssertEqual(
            planErrors(source), ["3:9: invalid YAML in experiment block: did not find expected ',' or ']'"])
    }

    func testUnknownKeySuggestsTheKeyItMeant() {
        let source = """
            ```experiment
            id: q3
            learnig_rate: 0.1
            ```

            ```experiment
            id: q4
            optimiser: adam
            ```

            """
        XCTAssertEqual(suggestion(for: "learnig_rate", among: DirectiveKeys.experiment), "lr")
        XCTAssertEqual(
            planErrors(source),
            [
                "3:1: unknown key 'learnig_rate' in experiment 'q3' (did you mean 'lr'?)",
                "8:1: unknown key 'optimiser' in experiment 'q4' (did you mean 'optimizer'?)",
            ])
    }

    func testUnknownKeysInFiguresTablesAndDefaults() {
        let source = """
            ```defaults
            epoch: 2
            ```

            ```experiment
            id: a
            ```

            ```figure
            id: f
            runs: [a]
            captoin: x
            ```

            ```table
            runs: [a]
            column: [label]
            ```

            """
        XCTAssertEqual(
            planErrors(source),
            [
                "2:1: unknown key 'epoch' in defaults (did you mean 'epochs'?)",
                "12:1: unknown key 'captoin' in figure 'f' (did you mean 'caption'?)",
                "17:1: unknown key 'column' in table (did you mean 'columns'?)",
            ])
    }

    func testBadValues() {
        let source = """
            ```experiment
            id: a
            lr: -1
            dropout: 2
            optimizer: adamm
            epochs: 1.5
            ```

            """
        XCTAssertEqual(
            planErrors(source),
            [
                "3:5: experiment 'a': 'lr' must be greater than 0, found -1",
                "4:10: experiment 'a': 'dropout' must be at most 1, found 2",
                "5:12: experiment 'a': unknown optimizer 'adamm' (did you mean 'adam'?); expected one of sgd, adam, adamw, rmsprop",
                "6:9: experiment 'a': 'epochs' must be a whole number, found '1.5'",
            ])
    }

    /// A bad value in a `defaults` block is reported once, at the block, not once per experiment.
    func testBadDefaultIsReportedOnce() {
        let source = """
            ```defaults
            lr: 0
            ```

            ```experiment
            id: a
            ```

            ```experiment
            id: b
            ```

            """
        XCTAssertEqual(planErrors(source), ["2:5: 'lr' must be greater than 0, found 0"])
    }

    func testMissingAndDuplicateIDs() throws {
        let source = """
            ```experiment
            id: a
            ```

            ```experiment
            epochs: 1
            ```

            ```experiment
            id: a
            ```

            ```experiment
            id: has space
            ```

            ```figure
            runs: [a]
            ```

            ```figure
            id: f
            runs: [a]
            ```

            ```figure
            id: f
            runs: [a]
            ```

            """
        XCTAssertEqual(
            planErrors(source),
            [
                "5:1: experiment has no 'id'; add a line like 'id: q1-mnist'",
                "10:5: duplicate experiment id 'a'",
                "14:5: experiment id must use only letters, digits, '-' and '_'",
                "17:1: figure needs an 'id' of letters, digits, '-' and '_' (it names figures/<id>.svg)",
                "27:5: duplicate figure id 'f'",
            ])
        let error = try XCTUnwrap(
            Result { try Plan.make(source: source, path: "a.md") }.failureValue as? DiagnosticError)
        let duplicate = try XCTUnwrap(error.diagnostics.first { $0.message == "duplicate experiment id 'a'" })
        XCTAssertEqual(
            duplicate.notes.map { "\($0.location): \($0.message)" }, ["2:5: 'a' first defined here"])
    }

    func testUnknownRunsInFiguresTablesExpressionsBaseAndInit() {
        let source = """
            ```experiment
            id: base
            ```

            ```experiment
            id: lr
            base: bse
            init: nowhere
            sweep:
              lr: [0.01, 0.1]
            ```

            Values {{ bse.val_acc }}, {{ lr.val_acc }} and {{ lr[lr=0.2].val_acc }}.

            ```figure
            id: f
            runs: [base, ghost]
            ```

            ```table
            runs: [lr, "lr[lr=0.3]"]
            ```

            """
        XCTAssertEqual(
            planErrors(source),
            [
                "7:7: unknown experiment 'bse' in 'base' (did you mean 'base'?)",
                "8:7: 'init': unknown run 'nowhere'",
                "13:11: unknown run 'bse' (did you mean 'base'?)",
                "13:30: 'lr' names 2 runs; pick one, for example 'lr[lr=0.01]'",
                "13:51: no run of 'lr' has lr=0.2; its runs are lr[lr=0.01], lr[lr=0.1]",
                "17:14: unknown run 'ghost'",
                "21:12: no run of 'lr' has lr=0.3; its runs are lr[lr=0.01], lr[lr=0.1]",
            ])
    }

    func testCyclesInBaseAndInit() {
        let source = """
            ```experiment
            id: c1
            base: c2
            ```

            ```experiment
            id: c2
            base: c1
            ```

            ```experiment
            id: self
            base: self
            ```

            ```experiment
            id: i1
            init: i2
            ```

            ```experiment
            id: i2
            init: i1
            ```

            """
        XCTAssertEqual(
            planErrors(source),
            [
                "8:7: 'base' forms a cycle: c1 → c2 → c1",
                "13:7: 'base' forms a cycle: self → self",
                "18:7: 'init' forms a cycle: i1 → i2 → i1",
            ])
    }

    func testUnknownMetricsValuesAndFormats() {
        let source = """
            ```experiment
            id: a
            ```

            {{ a.val_acc | percnt }} {{ a.best.val_accuracy }} {{ a.val_acc | percent(11) }} {{ a.accuracy }}

            ```figure
            id: f
            runs: [a]
            metrics: [[loss, val_los], acc]
            ```

            ```figure
            id: g
            runs: [a]
            type: bar
            metric: speed
            ```

            ```table
            runs: [a]
            columns: [label, val_acc | fixd(2), best.los]
            ```

            """
        XCTAssertEqual(
            planErrors(source),
            [
                "5:16: unknown format 'percnt' (did you mean 'percent'?); formats are percent, percent(n), fixed(n), int, duration, pm(n)",
                "5:31: unknown metric 'val_accuracy' after 'best.'; metrics are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error",
                "5:67: 'percent' takes a number of decimals from 0 to 10, found '11'",
                "5:87: unknown value 'accuracy'; values are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error, best.<metric>, <metric>@<epoch>, epochs, steps, train_time, eval_time, epoch_time, params, flops, threads, machine, label, id, key and the training keys, and .mean, .std, .min, .max, .n after a measured one",
                "10:18: unknown metric 'val_los' (did you mean 'val_loss'?); metrics are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error",
                "17:9: unknown metric 'speed'; metrics are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error",
                "22:18: unknown format 'fixd' (did you mean 'fixed'?); formats are percent, percent(n), fixed(n), int, duration, pm(n)",
                "22:37: unknown metric 'los' after 'best.'; metrics are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error",
            ])
    }

    /// Five different errors give five diagnostics, and a build stops before training anything.
    func testEveryErrorInOnePassAndNothingTrained() throws {
        let project = try TestProject(
            """
            ```experiment
            id: a
            learnig_rate: 0.1
            \(TestProject.tiny)```

            ```experiment
            id: a
            ```

            {{ b.val_acc }} and {{ a.val_acc | percnt }}

            ```figure
            id: f
            runs: [a]
            metrics: [val_los]
            ```

            """)
        XCTAssertThrowsError(try project.build()) { error in
            guard let error = error as? DiagnosticError else { return XCTFail("\(error)") }
            XCTAssertEqual(
                error.diagnostics.map { "\($0.location)" }, ["3:1", "10:5", "13:4", "13:36", "18:11"])
            XCTAssertEqual(error.diagnostics.filter { $0.severity == .error }.count, 5)
            XCTAssertTrue(error.description.hasSuffix("\n5 errors generated."), error.description)
            XCTAssertTrue(
                error.description.hasPrefix(
                    "report/answers.md:3:1: error: unknown key 'learnig_rate' in experiment 'a' (did you mean 'lr'?)\n"
                        + "    3 | learnig_rate: 0.1\n      | ^~~~~~~~~~~~\n"), error.description)
        }
        XCTAssertEqual(project.runsDirectoryListing(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.url("report/README.md").path))
        XCTAssertThrowsError(try project.builder().status())
        XCTAssertThrowsError(try project.builder().clean(dryRun: true))
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
