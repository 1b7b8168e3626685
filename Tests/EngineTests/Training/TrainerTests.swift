import Datasets
import TestSupport
import XCTest

@testable import Engine

/// End-to-end training on small MNIST subsets (skipped when the shared data is absent).
final class TrainerTests: XCTestCase {
    private func train(_ config: TrainingConfig, threads: Int, trainCount: Int, validationCount: Int) throws
        -> RunMetrics
    {
        let train = try MNISTFixture.load(.train, count: trainCount)
        let validation = try MNISTFixture.load(.test, count: validationCount)
        return try Trainer(config: config, threads: threads).run(train: train, validation: validation)
    }

    /// Metrics without the wall-clock fields, which are the only ones allowed to differ between runs.
    private func timeless(_ metrics: RunMetrics) -> RunMetrics {
        var m = metrics
        for i in m.epochs.indices {
            m.epochs[i].trainSeconds = 0
            m.epochs[i].evalSeconds = 0
        }
        return m
    }

    /// Same configuration, seed and thread count: bit-identical losses and accuracies, epoch by epoch
    /// and logging window by window. The dropout layer of the default model draws from the seed too.
    func testSameSeedAndThreadsGiveIdenticalMetrics() throws {
        var config = TrainingConfig()
        config.epochs = 1
        config.batchSize = 64
        config.logInterval = 2
        for threads in [1, 2] {
            let first = try train(config, threads: threads, trainCount: 512, validationCount: 500)
            let second = try train(config, threads: threads, trainCount: 512, validationCount: 500)
            XCTAssertEqual(first.epochs.map(\.epoch), [0, 1])
            XCTAssertEqual(first.steps.count, 4)
            XCTAssertEqual(timeless(first), timeless(second), "threads \(threads)")
        }
        config.seed = 2
        let other = try train(config, threads: 1, trainCount: 512, validationCount: 500)
        config.seed = 1
        let base = try train(config, threads: 1, trainCount: 512, validationCount: 500)
        XCTAssertNotEqual(other.final?.loss, base.final?.loss, "a different seed trains differently")
    }

    /// Any thread count gives bit-identical metrics and weights: the convolutions reduce their weight
    /// gradients over fixed groups of images, never over per-thread shares. Both the default model
    /// (5×5 convolutions with bias) and the strong model (3×3 convolutions, batch norm, 32–128 channels).
    func testAnyThreadCountGivesIdenticalMetricsAndWeights() throws {
        // Small (the checked debug tier): one batch of 96 instead of four, still split unevenly by 3 threads.
        let train = try MNISTFixture.load(.train, count: TestSize.pick(384, small: 96))
        let validation = try MNISTFixture.load(.test, count: TestSize.pick(200, small: 50))
        for model in [BuiltinModel.default, .strong] {
            var config = TrainingConfig()
            config.model = .builtin(model)
            config.epochs = 1
            config.batchSize = 96
            var results: [(metrics: RunMetrics, weights: [[Float]])] = []
            let threadCounts = TestSize.pick([1, 2, 3, 4], small: [1, 3])
            for threads in threadCounts {
                let trainer = try Trainer(config: config, threads: threads)
                var metrics = timeless(try trainer.run(train: train, validation: validation))
                metrics.threads = 0  // the one field that records the thread count
                results.append((metrics, trainer.network.state.map(\.buffer.array)))
            }
            for (i, threads) in threadCounts.dropFirst().enumerated() {
                XCTAssertEqual(results[i + 1].metrics, results[0].metrics, "\(model), \(threads) threads")
                XCTAssertTrue(results[i + 1].weights == results[0].weights, "\(model), \(threads) threads")
            }
        }
    }

    /// A run whose thread count changes between batches — in the middle of an epoch, and before an
    /// evaluation — ends bit for bit where a run on one thread ends, and records the changes. The strong
    /// model (3×3 convolutions, batch norm, max pooling over 32–128 channels) and a dropout model.
    func testChangingTheThreadCountMidEpochIsBitIdentical() throws {
        let train = try MNISTFixture.load(.train, count: 320)
        let validation = try MNISTFixture.load(.test, count: 150)
        // Small (the checked debug tier): the dropout model only; the strong model's kernels are checked
        // across thread counts above.
        for model in TestSize.pick([BuiltinModel.strong, .batchnormDropout], small: [.batchnormDropout]) {
            var config = TrainingConfig()
            config.model = .builtin(model)
            config.width = model == .strong ? 0.5 : 1
            config.epochs = 2
            config.batchSize = 64
            config.logInterval = 2
            let fixed = try Trainer(config: config, threads: 1)
            let expected = timeless(try fixed.run(train: train, validation: validation))
            XCTAssertNil(expected.threadChanges)

            // Asked before each of the 10 batches and 2 evaluations: 1, 3, 2, 4, 1, … threads.
            let counts = [1, 3, 2, 4, 4, 1, 2, 2, 3, 1, 2, 4]
            var asked = 0
            let changing = try Trainer(config: config, threads: 1)
            var metrics = timeless(
                try changing.run(
                    train: train, validation: validation,
                    control: TrainingControl(threads: {
                        defer { asked += 1 }
                        return counts[asked % counts.count]
                    })))
            XCTAssertEqual(asked, 12, "asked before every batch and every evaluation")
            let changes = try XCTUnwrap(metrics.threadChanges)
            XCTAssertEqual(changes.first, ThreadChange(step: 1, threads: 3), "\(model)")
            XCTAssertEqual(changes.map(\.threads), [3, 2, 4, 1, 2, 3, 1, 2, 4])
            XCTAssertEqual(changing.threads, 4)
            metrics.threadChanges = nil
            XCTAssertEqual(metrics, expected, "\(model)")
            XCTAssertEqual(
                try Checkpoint.encode(changing.network), try Checkpoint.encode(fixed.network), "\(model)")
        }
    }

    /// Epoch 0 is the untrained model's validation: the same numbers an evaluation-only run (0 epochs)
    /// of the same configuration gives, with no training values.
    func testEpochZeroIsTheEvaluationBeforeTraining() throws {
        var config = TrainingConfig()
        config.epochs = 1
        config.batchSize = 64
        let trained = try train(config, threads: 1, trainCount: 256, validationCount: 300)
        config.epochs = 0
        let untrained = try train(config, threads: 1, trainCount: 256, validationCount: 300)
        let zero = try XCTUnwrap(trained.initial)
        XCTAssertEqual(zero.epoch, 0)
        XCTAssertNil(zero.loss)
        XCTAssertEqual(zero.valLoss, untrained.final?.valLoss)
        XCTAssertEqual(zero.valAcc, untrained.final?.valAcc)
        XCTAssertEqual(trained.trainedEpochs.map(\.epoch), [1])
        XCTAssertNotEqual(trained.final?.valLoss, zero.valLoss)
    }

    /// 2,000 training images, one epoch of the default model (dropout 0.5) with batch size 8 (250 steps)
    /// and the default SGD (momentum 0.5) at lr 0.03; the assignment's batch 256 at lr 0.01 takes only 8
    /// steps and learns little. Measured on the first 1,000 test images: 81.9% (seed 1; seeds 2 and 3
    /// give 87.4% and 85.2%), validation loss 0.57. The assertion, above 75% and loss below 0.8, leaves
    /// a margin for other BLAS builds; an untrained network scores about 10%.
    func testLearnsMNISTFromASmallSubset() throws {
        var config = TrainingConfig()
        config.epochs = 1
        config.batchSize = 8
        config.learningRate = 0.03
        let metrics = try train(config, threads: 2, trainCount: 2_000, validationCount: 1_000)
        let final = try XCTUnwrap(metrics.final)
        XCTAssertEqual(metrics.stepsPerEpoch, 250)
        XCTAssertEqual(metrics.parameters, 21_840)
        XCTAssertGreaterThan(try XCTUnwrap(final.valAcc), 0.75, "validation loss \(final.valLoss ?? .nan)")
        XCTAssertLessThan(try XCTUnwrap(final.valLoss), 0.8)
        XCTAssertLessThan(
            try XCTUnwrap(final.loss), 2.0, "the mean training loss falls below chance (ln 10 ≈ 2.3)")
    }

    func testHugeLearningRateThrowsDivergedWithEpochAndStep() throws {
        var config = TrainingConfig()
        config.epochs = 2
        config.batchSize = 64
        config.learningRate = 1e6
        do {
            let metrics = try train(config, threads: 1, trainCount: 512, validationCount: 100)
            XCTFail("lr 1e6 trained to \(String(describing: metrics.final))")
        } catch let error as TrainingError {
            guard case .diverged(let epoch, let step, let loss) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(epoch, 1)
            XCTAssertTrue((1...8).contains(step), "step \(step)")
            XCTAssertFalse(loss.isFinite)
            XCTAssertTrue(error.description.contains("at epoch 1, step \(step)"), error.description)
        }
    }

    func testEvaluationOnlyRun() throws {
        var config = TrainingConfig()
        config.epochs = 0
        let metrics = try train(config, threads: 1, trainCount: 0, validationCount: 200)
        XCTAssertEqual(metrics.epochs.count, 1)
        XCTAssertEqual(metrics.epochs[0].epoch, 0)
        XCTAssertNil(metrics.epochs[0].loss)
        XCTAssertEqual(
            try XCTUnwrap(metrics.epochs[0].valAcc), 0.1, accuracy: 0.1, "an untrained network guesses")
    }
}
