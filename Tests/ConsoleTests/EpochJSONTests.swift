import Foundation
import XCTest

@testable import Console
@testable import Engine

/// `report train --json`: each epoch is one valid JSON object, non-finite values included.
final class EpochJSONTests: XCTestCase {
    private func decoded(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    func testAnEpochIsOneObjectWithEveryKey() throws {
        let line = EpochJSON.line(
            EpochMetrics(
                epoch: 3, loss: 0.25, acc: 0.9, valLoss: 0.5, valAcc: 0.875, trainSeconds: 1.5,
                evalSeconds: 0.25))
        XCTAssertEqual(
            line,
            #"{"acc":0.9,"epoch":3,"eval_s":0.25,"loss":0.25,"train_s":1.5,"val_acc":0.875,"val_loss":0.5}"#)
        XCTAssertEqual(try decoded(line)["val_acc"] as? Double, 0.875)
    }

    func testNonFiniteAndMissingValuesAreNull() throws {
        let line = EpochJSON.line(
            EpochMetrics(
                epoch: 0, loss: nil, acc: nil, valLoss: .nan, valAcc: 0.1, trainSeconds: .infinity,
                evalSeconds: 0))
        let object = try decoded(line)
        XCTAssertEqual(object.count, 7, line)
        for key in ["loss", "acc", "val_loss", "train_s"] {
            XCTAssertTrue(object[key] is NSNull, "\(key): \(line)")
        }
        XCTAssertEqual(object["val_acc"] as? Double, 0.1)
    }
}
