import Document
import XCTest

/// Round trip on many documents stitched together from awkward fragments, with a fixed seed.
final class RandomRoundTripTests: XCTestCase {
    /// A small deterministic generator (SplitMix64) so failures reproduce.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    private let fragments = [
        "# Heading {{ a.b }}", "text", "{{ a.b | percent }}", "{{ broken", "`code {{ x.y }}`", "```", "~~~",
        "```experiment", "```figure", "id: x", "lr: [0.1,", "  key: 1", "- item", "  - nested", "> quote",
        "    indented", "<div>", "</div>", "", " ", "\t", "é🎉", "\\{{ x.y }}", "````table", "   ```defaults",
        "| a | {{ r.v }} |", "***", "x: 1\nx: 2", "{{}}", "}}", "{{ a[lr=0.1].b }}",
    ]
    private let lineEndings = ["\n", "\r\n", "\r"]

    func testRandomDocumentsRoundTrip() {
        var generator = SplitMix(state: 42)
        for _ in 0..<500 {
            var source = ""
            for _ in 0..<Int.random(in: 1...25, using: &generator) {
                source += fragments.randomElement(using: &generator) ?? ""
                if Int.random(in: 0..<5, using: &generator) > 0 {
                    source += lineEndings.randomElement(using: &generator) ?? "\n"
                }
            }
            let (document, diagnostics) = ParsedDocument.parse(source: source, path: "random.md")
            XCTAssertEqual(Array(document.reconstructed.utf8), Array(source.utf8), source.debugDescription)
            for diagnostic in diagnostics {
                // Every diagnostic points at a real line and renders without trapping.
                XCTAssertGreaterThanOrEqual(diagnostic.location.line, 1, source.debugDescription)
                XCTAssertFalse(diagnostic.rendered(source: source).isEmpty)
            }
        }
    }
}
