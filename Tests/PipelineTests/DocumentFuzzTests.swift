import Document
import Foundation
import XCTest

@testable import Pipeline
@testable import Planning

/// A seeded fuzzer over the bundled `report/answers.md`: mutants made of byte flips, deletions,
/// duplicated lines, deep nesting, huge numbers and non-UTF-8 bytes go through the planning API in
/// this process. Each must plan or fail with positioned diagnostics, quickly; a crash fails the suite.
final class DocumentFuzzTests: XCTestCase {
    /// SplitMix64: a fixed seed gives the same mutants on every machine.
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let mutants = 1_200
    /// The most one mutant may take to plan (the budget for any document is 2 s; typical is milliseconds).
    static let secondsPerDocument = 1.0

    private static var answers: [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return [UInt8]((try? Data(contentsOf: root.appendingPathComponent("report/answers.md"))) ?? Data())
    }

    private static let hugeNumbers = [
        "4611686018427387904", "99999999999999999999999999", "1e308", "-9223372036854775808",
        "9223372036854775807", "1000000000000000", ".nan", "-.inf", "0", "-1",
    ]
    private static let strangeBytes: [[UInt8]] = [
        [0xFF], [0xC3], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xE2, 0x80, 0xA8], [0xC2, 0x85], [0x00], [0x0D], [0xEF, 0xBB, 0xBF],
    ]

    private func mutate(_ source: [UInt8], random: inout Generator) -> [UInt8] {
        var bytes = source
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0:  // byte flips
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(
                        in: 0...255, using: &random)
                }
            case 1:  // a deletion
                bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...400, using: &random)))
            case 2:  // a duplicated line, up to many times
                let start = bytes[..<at].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
                let line = Array(bytes[start..<end])
                let times = [1, 2, 10, 500][Int.random(in: 0..<4, using: &random)]
                bytes.insert(contentsOf: Array([[UInt8]](repeating: line, count: times).joined()), at: end)
            case 3:  // deep nesting of block quotes, list items or YAML flow collections
                let unit = ["> ", "- ", "* ", "   - ", "[", "{a: ", "- - "][
                    Int.random(in: 0..<7, using: &random)]
                let depth = [3, 50, 200, 5_000, 40_000][Int.random(in: 0..<5, using: &random)]
                let start = bytes[..<at].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                bytes.insert(contentsOf: Array(String(repeating: unit, count: depth).utf8), at: start)
            case 4:  // a number replaced by a huge or odd one
                guard let digit = bytes[at...].firstIndex(where: { (0x30...0x39).contains($0) }) else {
                    continue
                }
                var end = digit
                while end < bytes.count, (0x30...0x39).contains(bytes[end]) || bytes[end] == UInt8(ascii: ".")
                { end += 1 }
                let number = Self.hugeNumbers[Int.random(in: 0..<Self.hugeNumbers.count, using: &random)]
                bytes.replaceSubrange(digit..<end, with: Array(number.utf8))
            case 5:  // bytes that are not UTF-8, or are separators other parsers break lines at
                bytes.insert(
                    contentsOf: Self.strangeBytes[
                        Int.random(in: 0..<Self.strangeBytes.count, using: &random)], at: at)
            case 6:  // a line moved elsewhere
                let start = bytes[..<at].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
                let line = Array(bytes[start..<end])
                bytes.removeSubrange(start..<end)
                bytes.insert(contentsOf: line, at: Int.random(in: 0...bytes.count, using: &random))
            default:  // a sweep or layer list grown large
                let text = [
                    "\nsweep:\n  seed: [" + (1...60).map(String.init).joined(separator: ", ")
                        + "]\n  lr: [0.1, 0.2, 0.3, 0.4]\n",
                    "\nmodel: [conv: {out: 100000, kernel: 3}, flatten, linear: 1000000, linear: 10]\n",
                    "\nwidth: 1000\n", "\nepochs: 1000000000000000\n", "\nbatch_size: 65536\n",
                ][Int.random(in: 0..<5, using: &random)]
                let start = bytes[..<at].lastIndex(of: UInt8(ascii: "\n")) ?? 0
                bytes.insert(
                    contentsOf: Array(text.utf8).dropFirst(start == 0 ? 1 : 0), at: start == 0 ? 0 : start)
            }
        }
        return bytes
    }

    /// Writes a mutant where a failing run can be reproduced from: `report check <path>`.
    private static func save(_ mutant: [UInt8], index: Int) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-fuzz-mutant-\(index).md")
        try? Data(mutant).write(to: url)
        return url.path
    }

    func testMutantsOfTheBundledReportFailCleanly() throws {
        let source = Self.answers
        try XCTSkipIf(source.isEmpty, "report/answers.md not found beside the tests")
        _ = try Plan.make(bytes: source, path: "answers.md")  // the original plans

        var random = Generator(state: 20_261_129)
        var planned = 0
        var failed = 0
        var slowest = 0.0
        let started = Date()
        for index in 0..<Self.mutants {
            let mutant = mutate(source, random: &random)
            let lineCount =
                1 + mutant.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") || $1 == UInt8(ascii: "\r") ? 1 : 0) }
            let begin = Date()
            do {
                _ = try Plan.make(bytes: mutant, path: "answers.md")
                planned += 1
            } catch let error as DiagnosticError {
                failed += 1
                XCTAssertFalse(error.diagnostics.isEmpty, "mutant \(index)")
                for diagnostic in error.diagnostics + error.diagnostics.flatMap(\.notes) {
                    XCTAssertEqual(diagnostic.file, "answers.md", "mutant \(index)")
                    XCTAssertTrue(
                        diagnostic.location.line >= 1 && diagnostic.location.line <= lineCount
                            && diagnostic.location.column >= 1,
                        "mutant \(index): \(diagnostic.location) of \(lineCount) lines: \(diagnostic.message)"
                    )
                }
                _ = error.description  // rendering with source lines must hold up too
            } catch {
                XCTFail(
                    "mutant \(index): an error without a position: \(error); saved as \(Self.save(mutant, index: index))"
                )
            }
            let seconds = Date().timeIntervalSince(begin)
            slowest = max(slowest, seconds)
            if seconds >= Self.secondsPerDocument {
                XCTFail("mutant \(index) took \(seconds) s; saved as \(Self.save(mutant, index: index))")
            }
        }
        let total = Date().timeIntervalSince(started)
        XCTAssertLessThan(total, 60)
        XCTAssertGreaterThan(failed, Self.mutants / 10, "the mutations should break many documents")
        print(
            "fuzz: \(Self.mutants) mutants, \(planned) planned, \(failed) rejected with positions, slowest \(String(format: "%.3f", slowest)) s, total \(String(format: "%.1f", total)) s"
        )
    }
}
