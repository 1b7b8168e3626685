import Datasets
import XCTest

@testable import Engine

/// A run stopped at an epoch boundary and resumed from its saved state ends bit for bit where an
/// uninterrupted run ends: weights, batch-norm statistics, optimizer buffers and metrics.
final class TrainingStateTests: XCTestCase {
    private func timeless(_ metrics: RunMetrics) -> RunMetrics {
        var m = metrics
        for i in m.epochs.indices {
            m.epochs[i].trainSeconds = 0
            m.epochs[i].evalSeconds = 0
        }
        return m
    }

    /// Every optimizer and the pieces that carry state across epochs: batch norm (running statistics),
    /// dropout (per-epoch random streams), augmentation, momentum and Adam's step count.
    func testResumingFromAnEpochStateIsBitIdentical() throws {
        let train = try MNISTFixture.load(.train, count: 300)
        let validation = try MNISTFixture.load(.test, count: 200)
        for optimizer in ["sgd", "adam", "rmsprop"] {
            var config = TrainingConfig()
            config.model = .builtin(.batchnormDropout)
            config.width = 0.25
            config.optimizer = OptimizerKind(rawValue: optimizer)!
            config.epochs = 3
            config.batchSize = 64
            config.schedule = .cosine
            config.augment.crop = 2
            config.augment.flip = true
            config.augment.erase = 0.5
            config.logInterval = 2
            let whole = try Trainer(config: config, threads: 1)
            let expected = try whole.run(train: train, validation: validation)

            // Stop in the middle of epoch 2: only epoch 1's state is kept.
            var states: [TrainingState] = []
            var batches = 0
            let first = try Trainer(config: config, threads: 1)
            XCTAssertThrowsError(
                try first.run(
                    train: train, validation: validation,
                    control: TrainingControl(
                        shouldStop: {
                            batches += 1
                            return batches > 7
                        }, epochFinished: { states.append($0) }))
            ) { error in XCTAssertEqual(error as? TrainingError, .interrupted(epochs: 1)) }
            XCTAssertEqual(states.map(\.epoch), [1])
            let saved = try XCTUnwrap(states.last).encoded()

            // A fresh trainer (another process) continues from the file's bytes. It must use the thread
            // count the run started with: results depend on it (see TrainerTests).
            let resumed = try Trainer(config: config, threads: 1)
            let metrics = try resumed.run(
                train: train, validation: validation,
                control: TrainingControl(resume: try TrainingState(decoding: saved)))
            XCTAssertEqual(timeless(metrics), timeless(expected), optimizer)
            XCTAssertEqual(
                try Checkpoint.encode(resumed.network), try Checkpoint.encode(whole.network), optimizer)
            XCTAssertEqual(
                resumed.optimizer.first.map(\.array), whole.optimizer.first.map(\.array), optimizer)
            XCTAssertEqual(
                resumed.optimizer.second.map(\.array), whole.optimizer.second.map(\.array), optimizer)
            XCTAssertEqual(resumed.optimizer.steps, whole.optimizer.steps)
        }
    }

    /// A finished run extended by more epochs from its checkpoint, metrics and the optimizer part of its
    /// final state ends bit for bit where a run trained for all the epochs from the start ends: a model
    /// with dropout and batch norm, augmentation, a step schedule, and optimizers with one or two buffers.
    func testExtendingAFinishedRunIsBitIdentical() throws {
        let train = try MNISTFixture.load(.train, count: 256)
        let validation = try MNISTFixture.load(.test, count: 150)
        for optimizer in [OptimizerKind.sgd, .adam, .rmsprop] {
            var config = TrainingConfig()
            config.model = .builtin(.batchnormDropout)
            config.width = 0.25
            config.optimizer = optimizer
            config.batchSize = 64
            config.schedule = .step
            config.stepSize = 1
            config.gamma = 0.5
            config.augment.crop = 2
            config.augment.erase = 0.5
            config.logInterval = 3
            config.epochs = 3
            let whole = try Trainer(config: config, threads: 1)
            let expected = try whole.run(train: train, validation: validation)

            // The short run: two epochs; its entry keeps the checkpoint, the metrics and the part.
            var short = config
            short.epochs = 2
            var final: TrainingState?
            let first = try Trainer(config: short, threads: 2)
            let shortMetrics = try first.run(
                train: train, validation: validation,
                control: TrainingControl(epochFinished: { final = $0 }))
            let checkpoint = try Checkpoint.encode(first.network)
            let part = try XCTUnwrap(final).optimizerPart
            let bytes = try part.encoded()
            XCTAssertTrue(part.metrics.epochs.isEmpty && part.metrics.steps.isEmpty)
            XCTAssertTrue(part.tensors.allSatisfy { $0.name.hasPrefix("optimizer.") })
            // The network's tensors are the checkpoint's: SGD keeps a third of the whole state, Adam two.
            let wholeSize = try XCTUnwrap(final).encoded().count
            XCTAssertLessThan(bytes.count, optimizer == .sgd ? wholeSize / 2 : wholeSize, "\(optimizer)")
            if optimizer != .rmsprop {
                XCTAssertEqual(
                    part.tensors.count, (optimizer == .adam ? 2 : 1) * whole.optimizer.first.count,
                    "all-zero buffers (SGD's second) are left out")
            }

            // Another process extends it to three epochs.
            let extended = try Trainer(config: config, threads: 1)
            try Checkpoint.load(checkpoint, path: "checkpoint.bin", into: extended.network)
            let resume = try TrainingState(decoding: bytes).completed(
                checkpointOf: extended, metrics: shortMetrics)
            let metrics = try extended.run(
                train: train, validation: validation, control: TrainingControl(resume: resume))
            XCTAssertEqual(timeless(metrics), timeless(expected), "\(optimizer)")
            XCTAssertEqual(
                try Checkpoint.encode(extended.network), try Checkpoint.encode(whole.network), "\(optimizer)")
            XCTAssertEqual(extended.optimizer.first.map(\.array), whole.optimizer.first.map(\.array))
            XCTAssertEqual(extended.optimizer.second.map(\.array), whole.optimizer.second.map(\.array))
        }
    }

    /// A part that names a tensor this model does not have, or gives one another shape, is refused.
    func testAPartOfAnotherModelIsRefused() throws {
        var config = TrainingConfig()
        config.epochs = 1
        let train = try MNISTFixture.load(.train, count: 128)
        let validation = try MNISTFixture.load(.test, count: 50)
        var final: TrainingState?
        _ = try Trainer(config: config).run(
            train: train, validation: validation, control: TrainingControl(epochFinished: { final = $0 }))
        var part = try XCTUnwrap(final).optimizerPart
        part.tensors[0].shape = [1]
        XCTAssertThrowsError(
            try part.completed(checkpointOf: try Trainer(config: config), metrics: final!.metrics))
        var wider = config
        wider.width = 2
        XCTAssertThrowsError(
            try XCTUnwrap(final).optimizerPart.completed(
                checkpointOf: try Trainer(config: wider), metrics: final!.metrics))
    }

    func testDamagedOrForeignStatesAreRefused() throws {
        var config = TrainingConfig()
        config.epochs = 2
        let train = try MNISTFixture.load(.train, count: 256)
        let validation = try MNISTFixture.load(.test, count: 100)
        var saved: Data?
        _ = try Trainer(config: config).run(
            train: train, validation: validation,
            control: TrainingControl(epochFinished: { saved = try $0.encoded() }))
        var bytes = [UInt8](try XCTUnwrap(saved))
        let state = try TrainingState(decoding: Data(bytes))
        XCTAssertEqual(state.epoch, 2)
        bytes[bytes.count / 2] ^= 1
        XCTAssertThrowsError(try TrainingState(decoding: Data(bytes))) { error in
            XCTAssertEqual(
                "\(error)", "unusable training state: checksum mismatch: the file is damaged or truncated")
        }
        XCTAssertThrowsError(try TrainingState(decoding: Data(bytes.prefix(30))))
        XCTAssertThrowsError(try TrainingState(decoding: Data()))

        // Resuming from the last epoch's state trains nothing more and gives the same result.
        let trainer = try Trainer(config: config)
        let final = try trainer.run(
            train: train, validation: validation, control: TrainingControl(resume: state))
        XCTAssertEqual(final, state.metrics)
        var other = config
        other.epochs = 5
        other.width = 2
        XCTAssertThrowsError(
            try Trainer(config: other).run(
                train: train, validation: validation,
                control: TrainingControl(resume: state))
        ) { error in
            XCTAssertEqual(error as? TrainingStateError, .invalid("it holds a different model"))
        }
    }
}
