import Foundation
import XCTest

extension TestPaths {
    /// Skips the calling test, with the reason and the fix, when MNIST and Fashion-MNIST are not at
    /// `sharedData` (a clone without `../shared/data` beside it).
    public static func requireSharedData() throws {
        let probe = sharedData.appendingPathComponent("mnist/train-images-idx3-ubyte.gz")
        try XCTSkipUnless(
            FileManager.default.fileExists(atPath: probe.path),
            "needs the MNIST and Fashion-MNIST files in \(sharedData.path) (set REPORT_TEST_DATA_DIR to another copy)"
        )
    }
}
