import Document
import Foundation
import XCTest

@testable import Pipeline
@testable import Planning
@testable import Rendering
@testable import RunCache

/// Arithmetic values and claims evaluated against synthetic records: what prints, what holds, what
/// fails and how the message reads.
final class ClaimTests: XCTestCase {
    private static let experiments = """
        ```experiment
        id: q8
        train_samples: 200
        epochs: 2
        ```

        ```experiment
        id: q9
        base: q8
        lr: 0.05
        ```

        ```experiment
        id: q5
        base: q8
        sweep:
          lr: [0.1, 1]
        ```

        """

    /// A record with these final values, built from JSON as the cache stores it.
    static func record(
        valAcc: Double, valLoss: Double = 0.5, trainSeconds: Double = 10,
        machine: String = "AMD EPYC, 2 cores",
        diverged: Bool = false
    ) throws -> RunRecord {
        let divergence = diverged ? ", \"diverged\": {\"epoch\": 2, \"step\": 3, \"loss\": \"nan\"}" : ""
        let json = """
            {"key": "k", "config": {}, "machine": "\(machine)", "engine_version": 2, "metrics": {"epochs": [
             {"epoch": 1, "loss": 0.9, "acc": 0.5, "val_loss": 0.8, "val_acc": 0.5, "train_s": \(trainSeconds / 2), "eval_s": 0},
             {"epoch": 2, "loss": 0.6, "acc": 0.7, "val_loss": \(valLoss), "val_acc": \(valAcc), "train_s": \(trainSeconds / 2), "eval_s": 0}],
             "steps": [], "parameters": 10, "flopsPerImage": 10, "stepsPerEpoch": 5, "threads": 1\(divergence)}}
            """
        return try JSONDecoder().decode(RunRecord.self, from: Data(json.utf8))
    }

    private func plan(_ prose: String) throws -> Plan {
        try Plan.make(source: Self.experiments + prose, path: "report/answers.md")
    }

    private func records(q8: Double = 0.8421, q9: Double = 0.8444) throws -> [String: RunRecord] {
        [
            "q8": try Self.record(valAcc: q8, valLoss: 0.4321),
            "q9": try Self.record(valAcc: q9, valLoss: 0.4),
            "q5[lr=0.1]": try Self.record(valAcc: 0.7),
            "q5[lr=1]": try Self.record(valAcc: 0.1, diverged: true),
        ]
    }

    private func render(_ prose: String, records: [String: RunRecord]? = nil) throws -> String {
        let plan = try plan(prose)
        let renderer = DocumentRenderer(
            plan: plan, records: try records ?? self.records(), failures: [:],
            figuresDirectory: URL(fileURLWithPath: "/nonexistent"), figureLinkPrefix: "")
        // The experiment blocks render to nothing, leaving the blank line after the last one.
        return String(renderer.render().text.drop { $0 == "\n" })
    }

    private func claims(_ prose: String, records: [String: RunRecord]? = nil) throws -> ClaimReport {
        let plan = try plan(prose)
        return ClaimCheck.run(
            plan: plan,
            source: ValueSource(plan: plan, records: try records ?? self.records(), absence: "failed"))
    }

    // MARK: Values

    func testArithmeticValuesKeepTheirKind() throws {
        XCTAssertEqual(
            try render(
                """
                Gain {{ q9.val_acc - q8.val_acc }}, {{ q9.val_acc - q8.val_acc | percent(1) }}; \
                loss {{ abs(q9.val_loss - q8.val_loss) }}; ratio {{ q9.val_acc / q8.val_acc | fixed(3) }}; \
                twice {{ 2 * q8.val_acc }}; lr {{ q9.lr / 20 }}; time {{ q8.train_time + q9.train_time }}; \
                {{ -(q8.val_acc - 1) | percent(1) }} and {{ max(q8.val_acc, q9.val_acc, 0.5) }}.
                """),
            "Gain 0.23%, 0.2%; loss 0.0321; ratio 1.003; twice 168.42%; lr 0.0025; time 20.0 s; 15.8% and 84.44%."
        )
    }

    /// Every form that existed before arithmetic prints as it did.
    func testPlainValuesAreUnchanged() throws {
        XCTAssertEqual(
            try render(
                "{{ q8.val_acc }} {{ q8.val_acc | percent(1) }} {{ q8.lr }} {{ q5[lr=1].val_acc }} {{ q8.epochs }}"
            ),
            "84.21% 84.2% 0.01 diverged at epoch 2 2")
    }

    func testAValueThatCannotBeComputedSaysWhy() throws {
        var records = try self.records()
        records["q9"] = nil
        XCTAssertEqual(
            try render("{{ q5[lr=1].val_acc - q8.val_acc }} {{ q9.val_acc - q8.val_acc }}", records: records),
            "**['q5[lr=1].val_acc' is 'diverged at epoch 2', not a number]** **[q9 failed]**")
    }

    // MARK: Claims

    func testClaimsRenderNothingAndHold() throws {
        XCTAssertEqual(
            try render(
                "Q9 beats Q8 {{ assert q9.val_acc > q8.val_acc }}. Within {{ assert abs(q9.val_acc - q8.val_acc) < 0.01 }}\n"
            ),
            "Q9 beats Q8. Within\n")
        let report = try claims(
            """
            {{ assert q9.val_acc > q8.val_acc }} {{ assert q9.val_acc - q8.val_acc >= 0.0023 }}
            {{ assert q8.val_acc == 0.8421 and not q8.val_acc != 0.8421 }} {{ assert q8.val_acc > 0.9 or q9.val_loss < 0.5 }}
            {{ assert q9.lr == 0.05 }} {{ assert q5[lr=0.1].val_acc < q8.val_acc }}
            """)
        XCTAssertEqual(report.errors.map(\.message), [])
        XCTAssertEqual(report.held, 6)
    }

    func testAFalseClaimPrintsBothSides() throws {
        let report = try claims("Text {{ assert q9.val_acc < q8.val_acc }}\n")
        XCTAssertEqual(
            report.errors.map { "\($0.location): \($0.message)" },
            ["19:16: claim is false: q9.val_acc (84.44%) < q8.val_acc (84.21%)"])
        XCTAssertEqual(report.held, 0)
    }

    func testFalseClaimsShowTheFalseParts() throws {
        let report = try claims(
            """
            {{ assert q8.val_acc > 0.9 and q9.val_acc > q8.val_acc }}
            {{ assert q8.val_acc > 0.9 or q9.val_loss > 1 }}
            {{ assert not q9.val_acc > q8.val_acc }}
            {{ assert q9.val_acc - q8.val_acc > 2 * q8.val_acc }}
            """)
        XCTAssertEqual(
            report.errors.map(\.message),
            [
                "claim is false: q8.val_acc (84.21%) > 0.9",
                "claim is false: q8.val_acc (84.21%) > 0.9 or q9.val_loss (0.4000) > 1",
                "claim is false: not (q9.val_acc (84.44%) > q8.val_acc (84.21%))",
                "claim is false: q9.val_acc - q8.val_acc (0.23%) > 2 * q8.val_acc (168.42%)",
            ])
    }

    /// Values that print the same at two decimals get more, so the message shows why the claim fails.
    func testCloseValuesGetMoreDecimals() throws {
        let report = try claims(
            "{{ assert q9.val_acc > q8.val_acc }}", records: try records(q8: 0.84214, q9: 0.84211))
        XCTAssertEqual(
            report.errors.map(\.message), ["claim is false: q9.val_acc (84.211%) > q8.val_acc (84.214%)"])
    }

    /// A claim that holds leaves no trace: not the space before it, nor, at the start of a line, the
    /// punctuation after it (or the line, when it was all the line held).
    func testAClaimThatHoldsLeavesNoStrayPunctuation() throws {
        XCTAssertEqual(
            try render(
                "Q9 wins {{ assert q9.val_acc > q8.val_acc }}.\n{{ assert q9.val_acc > 0.5 }}; by a little.\n{{ assert q9.val_acc > 0.5 }}.\nEnd."
            ),
            "Q9 wins.\nby a little.\nEnd.")
    }

    func testAClaimOnAFailedRunIsUncheckedNotPassed() throws {
        var records = try self.records()
        records["q9"] = nil
        XCTAssertEqual(
            try render("Q9 wins {{ assert q9.val_acc > q8.val_acc }}.", records: records),
            "Q9 wins **[unchecked claim: q9 failed]**.")
        let report = try claims("{{ assert q9.val_acc > q8.val_acc }}", records: records)
        XCTAssertEqual(report.held, 0)
        XCTAssertEqual(report.errors.count, 0)
        XCTAssertEqual(
            report.uncheckedLines, ["report/answers.md:19:11: unchecked: q9.val_acc > q8.val_acc (q9 failed)"]
        )
    }

    func testAClaimOnADivergedValueIsAnError() throws {
        let report = try claims("{{ assert q5[lr=1].val_acc < 0.2 }}")
        XCTAssertEqual(
            report.errors.map { "\($0.location): \($0.message)" },
            ["19:11: claim cannot be checked: 'q5[lr=1].val_acc' is 'diverged at epoch 2', not a number"])
    }

    // MARK: Checked before anything trains

    func testMistakesAreErrorsBeforeTraining() {
        XCTAssertEqual(
            planErrors(
                Self.experiments
                    + """
                    {{ assert q7.val_acc > q8.val_acc }} {{ assert q9.val_ac > 1 }}
                    {{ assert q9.val_acc }} {{ q9.val_acc > q8.val_acc }}
                    {{ asb(q9.val_acc) }} {{ abs(q9.val_acc, 1) }} {{ assert q5.val_acc > 0 }}
                    {{ assert q9.val_acc > 0 and q9.val_acc }} {{ -(q8.val_acc > 1) }}
                    {{ assert q9.optimizer == 1 }} {{ q9.label + 1 }}
                    """),
            [
                "19:11: unknown run 'q7' (did you mean 'q5'?)",
                "19:51: unknown value 'val_ac' (did you mean 'val_acc'?); values are loss, acc, val_loss, val_acc, error, val_error, test_loss, test_acc, test_error, best.<metric>, <metric>@<epoch>, epochs, steps, train_time, eval_time, epoch_time, params, flops, threads, machine, label, id, key and the training keys, and .mean, .std, .min, .max, .n after a measured one",
                "20:11: a claim must be a comparison, like '{{ assert q9.val_acc > q8.val_acc }}'; 'q9.val_acc' is a value",
                "20:28: 'q9.val_acc > q8.val_acc' is true or false, not a value to print; write '{{ assert q9.val_acc > q8.val_acc }}' to check it",
                "21:4: unknown function 'asb' (did you mean 'abs'?); functions are abs, max, min",
                "21:26: 'abs' takes 1 argument, found 2",
                "21:58: 'q5' names 2 runs; pick one, for example 'q5[lr=0.1]'",
                "22:30: 'and' needs a comparison, like 'a.val_acc > 0.9'; 'q9.val_acc' is a value",
                "22:48: '-' needs a number; '(q8.val_acc > 1)' is true or false",
                "23:14: '==' needs a number; 'q9.optimizer' is text",
                "23:38: '+' needs a number; 'q9.label' is text",
            ])
    }

    // MARK: report.cold_build_time

    func testColdBuildTimeIsAValue() throws {
        // Four trainings of 10 s on two cores: two at a time, 20 s.
        XCTAssertEqual(try render("{{ report.cold_build_time }}"), "20.0 s")
        var records = try self.records()
        records["q9"] = nil
        XCTAssertEqual(
            try render("{{ report.cold_build_time }}", records: records),
            "**[unknown: q9 has no recorded training time]**")
        XCTAssertEqual(
            try claims("{{ assert report.cold_build_time < 1800 }}", records: records).uncheckedLines,
            [
                "report/answers.md:19:11: unchecked: report.cold_build_time < 1800 (q9 has no recorded training time)"
            ])
    }
}

/// A percentage where a fraction is meant makes a claim that holds or fails whatever the runs did.
final class ClaimUnitTests: XCTestCase {
    func testAnAccuracyComparedWithAPercentageIsAnError() {
        XCTAssertEqual(
            planErrors(
                """
                ```experiment
                id: a
                ```

                {{ assert a.val_acc > 80 }} {{ assert 97.5 <= a.best.test_acc }} {{ assert a.val_loss < 2 }} {{ assert a.val_acc > 0.8 }}
                """),
            [
                "5:23: 80 looks like a percentage, but 'val_acc' is a fraction: write 0.8 (80%)",
                "5:39: 97.5 looks like a percentage, but 'test_acc' is a fraction: write 0.975 (97.5%)",
            ])
    }
}
