import Datasets
import XCTest

@testable import Engine

/// `validation:` holds part of the training data out as the validation set, drawn from the seed; the test
/// set is then evaluated once, after the last epoch.
final class ValidationSplitTests: XCTestCase {
    /// Sample i is a 1×2×2 image filled with i, label i % 2.
    private func numbered(_ count: Int) -> ImageSet {
        ImageSet(
            pixels: .bytes((0..<count).flatMap { [UInt8](repeating: UInt8($0), count: 4) }),
            labels: (0..<count).map { Int32($0 % 2) }, count: count,
            shape: SampleShape(channels: 1, rows: 2, cols: 2))
    }

    private func config(validation: Double?, seed: UInt64 = 1) -> TrainingConfig {
        var config = TrainingConfig()
        config.dataset = DatasetID("numbers")
        config.data = DatasetDescription(
            id: config.dataset, shape: SampleShape(channels: 1, rows: 2, cols: 2), classes: 2,
            classNames: nil,
            trainCount: 100, testCount: 20, contentHash: "",
            statistics: [ChannelStatistics(mean: 0.2, std: 0.1)])
        config.model = .layers([.flatten, .linear(out: 2, bias: true)])
        config.epochs = 2
        config.batchSize = 16
        config.validation = validation
        config.seed = seed
        return config
    }

    private func ids(_ set: ImageSet) -> [Int] {
        stride(from: 0, to: set.images.count, by: 4).map { Int(set.images[$0]) }
    }

    func testTheHeldOutPartIsDrawnFromTheSeedAndDisjointFromTraining() throws {
        let train = numbered(100)
        let test = numbered(20)
        let a = try Trainer(config: config(validation: 0.2)).splits(train: train, test: test)
        let again = try Trainer(config: config(validation: 0.2)).splits(train: train, test: test)
        let other = try Trainer(config: config(validation: 0.2, seed: 2)).splits(train: train, test: test)
        XCTAssertEqual(ids(a.validation).count, 20)
        XCTAssertEqual(ids(a.train).count, 80)
        XCTAssertEqual(Set(ids(a.validation)).union(ids(a.train)), Set(0..<100))
        XCTAssertEqual(ids(a.validation), ids(again.validation))
        XCTAssertNotEqual(ids(a.validation), ids(other.validation))
        XCTAssertEqual(a.test.map(ids), Array(0..<20))
        let counted = try Trainer(config: config(validation: 30)).splits(train: train, test: test)
        XCTAssertEqual(counted.validation.count, 30)
        // Without a split the test set is the validation set, as before.
        let plain = try Trainer(config: config(validation: nil)).splits(train: train, test: test)
        XCTAssertEqual(ids(plain.validation), Array(0..<20))
        XCTAssertNil(plain.test)
    }

    func testTestMetricsComeOnceAfterTheLastEpoch() throws {
        let metrics = try Trainer(config: config(validation: 0.2)).run(
            train: numbered(100), validation: numbered(20))
        XCTAssertEqual(metrics.epochs.map { $0.extra.keys.sorted() }, [[], [], ["test_acc", "test_loss"]])
        let plain = try Trainer(config: config(validation: nil)).run(
            train: numbered(100), validation: numbered(20))
        XCTAssertTrue(plain.epochs.allSatisfy { $0.extra.isEmpty })
        XCTAssertThrowsError(
            try Trainer(config: config(validation: 100)).run(train: numbered(100), validation: numbered(20)))
    }
}
