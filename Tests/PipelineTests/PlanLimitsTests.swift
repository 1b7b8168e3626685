import Document
import XCTest

@testable import Pipeline
@testable import Planning
@testable import Rendering

/// Hostile sizes are positioned errors that state the limit, and checking any document is quick:
/// planning computes shapes from arithmetic and never builds a network.
final class PlanLimitsTests: XCTestCase {
    private func experiment(_ lines: String) -> String {
        "```experiment\nid: a\n\(lines)\n```\n"
    }

    private func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let result = try body()
        return (result, Date().timeIntervalSince(start))
    }

    func testHugeLayerIsAnErrorAtItsToken() {
        XCTAssertEqual(
            planErrors(experiment("model: [flatten, linear: 4611686018427387904]")),
            ["3:26: experiment 'a': 'out' of 'linear' must be at most 1,000,000, found 4611686018427387904"])
        XCTAssertEqual(
            planErrors(experiment("model: [conv: {out: 4611686018427387904}, flatten, linear: 10]")),
            ["3:21: experiment 'a': 'out' of 'conv' must be at most 1,000,000, found 4611686018427387904"])
    }

    func testWideModelIsAnErrorNotAnAllocation() {
        let (errors, seconds) = timed { planErrors(experiment("width: 1000")) }
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors.first?.hasPrefix("3:8: the model has ") ?? false, "\(errors)")
        XCTAssertTrue(errors.first?.hasSuffix("parameters; the limit is 100,000,000") ?? false, "\(errors)")
        XCTAssertLessThan(seconds, 1)
    }

    func testEpochsOverTheLimit() {
        XCTAssertEqual(
            planErrors(experiment("epochs: 1000000000000000")),
            ["3:9: experiment 'a': 'epochs' must be at most 100,000, found 1000000000000000"])
    }

    func testActivationMemoryOverTheLimit() {
        let errors = planErrors(
            experiment(
                "batch_size: 65536\nmodel: [conv: {out: 4096, padding: 1}, global_avgpool, flatten, linear: 10]"
            ))
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors.first?.contains("of activations; the limit is 8.0 GiB") ?? false, "\(errors)")
    }

    /// A 5×20 sweep (100 runs of a large model) plans in well under a second.
    func testMidSizeSweepIsFast() throws {
        let values = (1...20).map { "\(Double($0) / 100)" }.joined(separator: ", ")
        let source = experiment(
            "model: strong\nsweep:\n  lr: [\(values)]\n  batch_size: [16, 32, 64, 128, 256]")
        let (plan, seconds) = try timed { try Plan.make(source: source, path: "a.md") }
        XCTAssertEqual(plan.runOrder.count, 100)
        XCTAssertEqual(plan.plannedRuns.count, 100)
        XCTAssertLessThan(seconds, 1)
    }

    /// A sweep over the limit is one error naming its factors, found before any run is made.
    func testHugeSweepIsAnErrorNamingTheFactors() {
        let twenty = "[" + (1...20).map(String.init).joined(separator: ", ") + "]"
        let source = experiment("sweep:\n  seed: \(twenty)\n  epochs: \(twenty)\n  batch_size: \(twenty)")
        let (errors, seconds) = timed { planErrors(source) }
        XCTAssertEqual(
            errors,
            [
                "4:3: the sweep makes 20 seed × 20 epochs × 20 batch_size = 8,000 runs; the limit is 1,000 runs per experiment"
            ])
        XCTAssertLessThan(seconds, 1)
        // A product that overflows Int is still just an error.
        let many = "[" + (1...1000).map(String.init).joined(separator: ", ") + "]"
        let keys = [
            "seed", "epochs", "batch_size", "log_interval", "step_size", "train_samples", "val_samples",
        ]
        let overflowing = experiment("sweep:\n" + keys.map { "  \($0): \(many)" }.joined(separator: "\n"))
        let (overflowErrors, overflowSeconds) = timed { planErrors(overflowing) }
        XCTAssertEqual(overflowErrors.count, 1)
        XCTAssertTrue(
            overflowErrors.first?.contains("more than 9,223,372,036,854,775,807 runs") ?? false,
            "\(overflowErrors)")
        XCTAssertLessThan(overflowSeconds, 2)
    }

    func testTooManyRunsInOneDocument() {
        let sweep = "sweep:\n  seed: [" + (1...1000).map(String.init).joined(separator: ", ") + "]"
        let source = (1...11).map { "```experiment\nid: e\($0)\n\(sweep)\n```\n" }.joined(separator: "\n")
        let (errors, seconds) = timed { planErrors(source) }
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(
            errors.first?.contains("experiment 'e11' brings the document to more than 10,000 runs") ?? false,
            "\(errors)")
        XCTAssertLessThan(seconds, 2)
    }

    func testDuplicateSweepValues() {
        XCTAssertEqual(
            planErrors(experiment("sweep:\n  lr: [0.1, 0.01, 0.1]")),
            ["4:19: duplicate value '0.1' in the sweep of 'lr'"])
    }

    func testOverlongFigureIDFailsInCheck() {
        let id = String(repeating: "f", count: 300)
        let source = experiment("epochs: 1") + "\n```figure\nid: \(id)\nruns: [a]\n```\n"
        XCTAssertEqual(
            planErrors(source),
            ["7:5: figure id is 300 characters long; the limit is 200 (it names figures/<id>.svg)"])
        let fits =
            experiment("epochs: 1")
            + "\n```figure\nid: \(String(repeating: "f", count: 200))\nruns: [a]\n```\n"
        XCTAssertEqual(planErrors(fits), [])
    }

    func testTitlesAreEscapedInAltText() {
        XCTAssertEqual(DocumentRenderer.altText("a](http://elsewhere) [b]"), "a\\](http://elsewhere) \\[b\\]")
        XCTAssertEqual(DocumentRenderer.altText("back\\slash\nnext"), "back\\\\slash next")
        XCTAssertEqual(
            DocumentRenderer.altText("Learning rate (SGD, momentum 0.5)"), "Learning rate (SGD, momentum 0.5)"
        )
    }

    func testDatasetSizesComeFromDatasetInfo() throws {
        let plan = try Plan.make(source: experiment("epochs: 2\ntrain_samples: 100000"), path: "a.md")
        let small = try Plan.make(source: experiment("epochs: 2\ntrain_samples: 1000"), path: "a.md")
        let flops = 961_000.0
        XCTAssertEqual(plan.plannedRuns.first?.cost, (60_000 * 2 + 10_000) * flops)
        XCTAssertEqual(small.plannedRuns.first?.cost, (1_000 * 2 + 10_000) * flops)
    }

    func testNonUTF8DocumentGetsThePositionOfTheFirstBadByte() {
        let bytes =
            Array("# Title\n\nsome text é\nok \u{2028} and ".utf8) + [0xFF, 0x41] + Array("\nmore\n".utf8)
        XCTAssertThrowsError(try Plan.make(bytes: bytes, path: "a.md")) { error in
            let diagnostics = (error as? DiagnosticError)?.diagnostics ?? []
            XCTAssertEqual(diagnostics.map { "\($0.location)" }, ["4:10"])
            XCTAssertTrue(diagnostics.first?.message.contains("byte 0xFF") ?? false)
        }
        XCTAssertThrowsError(try Plan.make(bytes: [0x61, 0x0D, 0x0A, 0x62, 0x0D, 0xC3], path: "a.md")) {
            error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.map { "\($0.location)" }, ["3:1"])
        }
    }
}

extension PlanLimitsTests {
    /// Long `base` and `init` chains are errors, found without deep recursion or quadratic walks.
    func testLongChainsAreErrors() {
        let bases =
            (0..<2_000).map { "```experiment\nid: e\($0)\nbase: e\($0 + 1)\n```\n" }.joined()
            + "```experiment\nid: e2000\n```\n"
        let (baseErrors, baseSeconds) = timed { planErrors(bases) }
        XCTAssertFalse(baseErrors.isEmpty)
        XCTAssertTrue(
            baseErrors.allSatisfy {
                $0.hasSuffix("the 'base' chain is longer than 100 experiments, the limit")
            }, "\(baseErrors.prefix(3))")
        XCTAssertLessThan(baseSeconds, 2)

        let inits = (0..<2_000).map { "```experiment\nid: e\($0)\ninit: e\(($0 + 1) % 2_000)\n```\n" }
            .joined()
        let (initErrors, initSeconds) = timed { planErrors(inits) }
        XCTAssertGreaterThan(initErrors.count, 1_000)  // one per experiment whose chain passes the limit
        XCTAssertTrue(
            initErrors.allSatisfy { $0.hasSuffix("the 'init' chain is longer than 100 runs, the limit") },
            "\(initErrors.prefix(3))")
        XCTAssertLessThan(initSeconds, 2)

        let short =
            (0..<50).map { "```experiment\nid: e\($0)\ninit: e\($0 + 1)\n```\n" }.joined()
            + "```experiment\nid: e50\n```\n"
        XCTAssertEqual(planErrors(short), [])
    }
}
