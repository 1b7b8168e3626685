import Document
import XCTest

@testable import Pipeline
@testable import Planning

/// Small things a newcomer ran into, each with the message that now says what to do.
final class PapercutTests: XCTestCase {
    static let sweep =
        "```experiment\nid: b\ndataset: mnist\ntrain_samples: 2000\nepochs: 2\nsweep:\n  lr: [0.1, 0.2]\n```\n\n"

    func errors(_ source: String) -> String {
        do {
            _ = try Plan.make(source: source, path: "doc.md")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testASweepMemberInAFlowListSaysHowToWriteIt() throws {
        let text = errors(Self.sweep + "```figure\nid: f\nruns: [b[lr=0.1]]\n```\n")
        XCTAssertTrue(text.contains("must be quoted, ['b[lr=0.1]'], or listed one per line"), text)
        XCTAssertEqual(
            errors(
                Self.sweep
                    + "```figure\nid: f\nruns: ['b[lr=0.1]']\n```\n\n```figure\nid: g\nruns:\n  - b[lr=0.2]\n```\n"
            ), "")
    }

    func testFormatsNeedTheirArgumentsAndClosingParenthesis() {
        let fixed = errors(Self.sweep + "{{ b[lr=0.1].val_acc | fixed }}\n")
        XCTAssertTrue(
            fixed.contains("doc.md:10:24: error: 'fixed' needs its number of decimals, e.g. fixed(2)"), fixed)
        let bracket = errors(Self.sweep + "{{ b[lr=0.1].val_acc | percent(1] }}\n")
        XCTAssertTrue(bracket.contains("error:") && bracket.contains("found ']'"), bracket)
        XCTAssertEqual(
            errors(Self.sweep + "{{ b[lr=0.1].val_acc | fixed(3) }} {{ b[lr=0.2].val_acc | percent }}\n"), "")
    }

    func testAQuotedNumberIsReportedOnce() {
        let text = errors("```experiment\nid: a\nepochs: \"2\"\n```\n")
        XCTAssertEqual(text.components(separatedBy: "error:").count, 2, text)
        XCTAssertTrue(text.contains("1 error generated."), text)
    }

    func testAStepFigureOfAShortRunWarnsAndSaysWhichLogIntervalHelps() throws {
        let plan = try Plan.make(
            source: Self.sweep + "```figure\nid: f\nruns: [b]\nx: step\n```\n", path: "doc.md")
        let warnings = plan.warnings.map(\.message)
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(
            warnings.first?.contains(
                "run 'b[lr=0.1]' trains 16 steps and logs its loss every 100, so its step curve has 0 points; set log_interval: 1"
            ) ?? false,
            "\(warnings)")
        let often = Self.sweep.replacingOccurrences(of: "epochs: 2\n", with: "epochs: 2\nlog_interval: 1\n")
        XCTAssertEqual(
            try Plan.make(source: often + "```figure\nid: f\nruns: [b]\nx: step\n```\n", path: "doc.md")
                .warnings.count, 0)
    }
}
