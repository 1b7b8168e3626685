import Configuration
import Datasets
import Engine
import XCTest
import Yams

/// Mistakes in a setting or a layer list give a `SettingError` a person can act on, with its YAML node.
final class SettingErrorTests: XCTestCase {
    private func parseError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let node = try XCTUnwrap(try Yams.compose(yaml: yaml), file: file, line: line)
            let specs = try LayerSpec.list(from: node)
            XCTFail("'\(yaml)' parsed as \(specs)", file: file, line: line)
        } catch let error as SettingError {
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return ""
    }

    private func configError(
        _ key: String, _ yaml: String, file: StaticString = #filePath, line: UInt = #line
    ) -> String {
        var config = TrainingConfig()
        do {
            try config.set(key, try XCTUnwrap(try Yams.compose(yaml: yaml), file: file, line: line))
            XCTFail("\(key): \(yaml) was accepted", file: file, line: line)
        } catch let error as SettingError {
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return ""
    }

    func testUnknownLayerSuggestsTheClosestName() {
        let message = parseError("[cnv: 20, relu]")
        XCTAssertTrue(message.hasPrefix("unknown layer 'cnv' (did you mean 'conv'?)"), message)
        XCTAssertTrue(message.contains("layers are conv, maxpool"), message)
        XCTAssertTrue(parseError("[flaten]").contains("(did you mean 'flatten'?)"))
        XCTAssertFalse(parseError("[transformer]").contains("did you mean"))
    }

    func testUnknownSettingSuggestsTheClosestName() {
        let message = parseError("[conv: {out: 8, kernal: 3}]")
        XCTAssertTrue(
            message.hasPrefix("unknown setting 'kernal' for 'conv' (did you mean 'kernel'?)"), message)
    }

    func testZeroAndNegativeSizes() {
        XCTAssertEqual(parseError("[conv: {out: 0}]"), "'out' of 'conv' must be positive, found 0")
        XCTAssertEqual(
            parseError("[conv: {out: 8, kernel: -3}]"), "'kernel' of 'conv' must be positive, found -3")
        XCTAssertEqual(
            parseError("[conv: {out: 8, stride: 0}]"), "'stride' of 'conv' must be positive, found 0")
        XCTAssertEqual(
            parseError("[maxpool: {kernel: 2, padding: -1}]"),
            "'padding' of 'maxpool' must be zero or more, found -1")
        XCTAssertEqual(parseError("[linear: -10]"), "'out' of 'linear' must be positive, found -10")
        XCTAssertEqual(parseError("[avgpool: 0]"), "'kernel' of 'avgpool' must be positive, found 0")
        XCTAssertEqual(
            parseError("[conv: {out: 2.5}]"), "'out' of 'conv' must be a whole number, found '2.5'")
    }

    func testDropoutRateOutsideZeroToOne() {
        XCTAssertEqual(
            parseError("[dropout: 1.5]"), "the rate of 'dropout' must be a number in [0, 1], found '1.5'")
        XCTAssertEqual(
            parseError("[dropout2d: -0.1]"),
            "the rate of 'dropout2d' must be a number in [0, 1], found '-0.1'")
        XCTAssertEqual(configError("dropout", "1.5"), "'dropout' must be at most 1, found 1.5")
        XCTAssertEqual(configError("conv_dropout", "-0.5"), "'conv_dropout' must be at least 0, found -0.5")
    }

    func testUnknownDatasetOptimizerModelAndKey() {
        // A name that is not built in may be declared in report.yaml: the catalogue (which knows) refuses it.
        var config = TrainingConfig()
        XCTAssertNoThrow(try config.set("dataset", try XCTUnwrap(try Yams.compose(yaml: "mnsit"))))
        XCTAssertEqual(config.dataset, DatasetID("mnsit"))
        XCTAssertThrowsError(try DatasetCatalog.builtinOnly.describe(DatasetID("mnsit"))) { error in
            XCTAssertEqual(
                "\(error)",
                "unknown dataset 'mnsit' (did you mean 'mnist'?); known datasets are mnist, fashion_mnist (declare others under 'datasets:' in report.yaml)"
            )
        }
        XCTAssertEqual(
            configError("dataset", "my set"),
            "'my set' is not a dataset name: use mnist, fashion_mnist or a name declared under 'datasets:' in report.yaml"
        )
        XCTAssertEqual(
            configError("optimizer", "adamm"),
            "unknown optimizer 'adamm' (did you mean 'adam'?); expected one of sgd, adam, adamw, rmsprop")
        XCTAssertTrue(
            configError("model", "defualt").hasPrefix("unknown model 'defualt' (did you mean 'default'?)"))
        XCTAssertEqual(configError("learnig_rate", "0.1"), "unknown key 'learnig_rate' (did you mean 'lr'?)")
        XCTAssertEqual(configError("lr", "0"), "'lr' must be greater than 0, found 0")
        XCTAssertEqual(configError("batch_size", "0"), "'batch_size' must be at least 1, found 0")
        XCTAssertEqual(
            configError("schedule", "cosin"),
            "unknown schedule 'cosin' (did you mean 'cosine'?); expected one of constant, step, cosine, onecycle"
        )
    }

    func testErrorsCarryTheirYAMLNode() throws {
        let node = try XCTUnwrap(try Yams.compose(yaml: "[relu, {conv: {out: 0}}]"))
        XCTAssertThrowsError(try LayerSpec.list(from: node)) { error in
            XCTAssertEqual((error as? SettingError)?.node?.int, 0)
        }
    }

    /// Sizes over the limits are errors at the token that says them, before anything is built.
    func testHugeSizesAreErrorsThatStateTheLimit() {
        XCTAssertEqual(
            parseError("[flatten, linear: 4611686018427387904]"),
            "'out' of 'linear' must be at most 1,000,000, found 4611686018427387904")
        XCTAssertEqual(
            parseError("[conv: {out: 4611686018427387904}]"),
            "'out' of 'conv' must be at most 1,000,000, found 4611686018427387904")
        XCTAssertEqual(
            parseError("[conv: {out: 8, kernel: 99999999999999999999999}]"),
            "'kernel' of 'conv' must be at most 1,000,000, found 99999999999999999999999")
        XCTAssertEqual(
            configError("epochs", "1000000000000000"),
            "'epochs' must be at most 100,000, found 1000000000000000")
        XCTAssertEqual(
            configError("epochs", "100000000000000000000000000"),
            "'epochs' must be at most 100,000, found 100000000000000000000000000")
        XCTAssertEqual(
            configError("batch_size", "1000000"), "'batch_size' must be at most 65,536, found 1000000")
        XCTAssertEqual(configError("width", "1e300"), "'width' must be at most 1000, found 1e+300")
    }

    func testErrorsPointAtTheNodeOfAHugeValue() throws {
        let node = try XCTUnwrap(try Yams.compose(yaml: "[flatten, linear: 4611686018427387904]"))
        XCTAssertThrowsError(try LayerSpec.list(from: node)) { error in
            XCTAssertEqual((error as? SettingError)?.node?.mark?.column, 19)
        }
    }

    /// `report train` sets keys from typed values through the same table: no YAML text in between.
    func testPlainValuesGoThroughTheSameTable() throws {
        var config = TrainingConfig()
        try config.set("lr", .number(0.1))
        try config.set("epochs", .integer(3))
        try config.set("optimizer", .text("adam"))
        try config.set("model", .layers([.flatten, .linear(out: 10, bias: true)]))
        XCTAssertEqual(config.learningRate, 0.1)
        XCTAssertEqual(config.epochs, 3)
        XCTAssertEqual(config.optimizer, .adam)
        XCTAssertEqual(config.model, .layers([.flatten, .linear(out: 10, bias: true)]))
        XCTAssertThrowsError(try config.set("epochs", .integer(1_000_000_000_000_000))) { error in
            XCTAssertEqual(
                (error as? SettingError)?.message, "'epochs' must be at most 100,000, found 1000000000000000")
        }
        XCTAssertThrowsError(try config.set("optimizer", .text("adamm"))) { error in
            XCTAssertTrue(
                (error as? SettingError)?.message.hasPrefix(
                    "unknown optimizer 'adamm' (did you mean 'adam'?)") ?? false)
        }
        XCTAssertEqual(SettingKey.named("batch_size")?.flag, "--batch-size")
    }

    /// A YAML value and the same plain value give the same configuration.
    func testYAMLAndPlainValuesAgree() throws {
        let cases: [(String, String, SettingValue)] = [
            ("lr", "0.05", .number(0.05)), ("epochs", "7", .integer(7)),
            ("dataset", "fashion_mnist", .text("fashion_mnist")),
            ("nesterov", "true", .flag(true)), ("model", "strong", .text("strong")),
            ("seed", "42", .integer(42)),
        ]
        for (key, yaml, value) in cases {
            var fromYAML = TrainingConfig()
            var fromValue = TrainingConfig()
            try fromYAML.set(key, try XCTUnwrap(try Yams.compose(yaml: yaml)))
            try fromValue.set(key, value)
            XCTAssertEqual(fromYAML, fromValue, key)
        }
    }

    /// The canonical entries (what run keys hash) use exactly the table's key names.
    func testCanonicalEntriesUseTheKeyTable() {
        var config = TrainingConfig()
        config.model = .builtin(.batchnormDropout)
        config.schedule = .step
        config.labelSmoothing = 0.1
        config.augment.crop = 2
        config.trainSamples = 100
        config.valSamples = 100
        for optimizer in OptimizerKind.allCases {
            config.optimizer = optimizer
            for entry in config.canonicalEntries {
                XCTAssertTrue(SettingKey.names.contains(entry.key), entry.key)
            }
        }
    }

    /// Nesterov without momentum is an error at `nesterov` only: the keys applied after it are fine.
    func testNesterovWithoutMomentumIsBlamedOnce() throws {
        var config = TrainingConfig()
        try config.set("momentum", .number(0))
        XCTAssertThrowsError(try config.set("nesterov", .flag(true)))
        XCTAssertFalse(config.nesterov)
        XCTAssertNoThrow(try config.set("weight_decay", .number(0.1)))
    }

    /// Which keys a run leaves unused, and why.
    func testUnusedReasons() {
        var config = TrainingConfig()
        XCTAssertNil(config.unusedReason("momentum"))
        XCTAssertEqual(config.unusedReason("beta1"), "sgd has no beta1")
        XCTAssertEqual(
            config.unusedReason("step_size"),
            "the schedule is constant; only 'schedule: step' reads step_size")
        config.schedule = .step
        XCTAssertNil(config.unusedReason("gamma"))
        config.optimizer = .rmsprop
        XCTAssertNil(config.unusedReason("momentum"))
        XCTAssertNil(config.unusedReason("alpha"))
        XCTAssertNotNil(config.unusedReason("nesterov"))
        config.epochs = 0
        XCTAssertEqual(config.unusedReason("lr"), "the run only evaluates (epochs: 0)")
        XCTAssertNil(config.unusedReason("seed"))
        XCTAssertEqual(OptimizerKind.adam.defaultValue(of: "lr"), "0.001")
        XCTAssertEqual(OptimizerKind.rmsprop.defaultValue(of: "momentum"), "0")
        XCTAssertEqual(OptimizerKind.sgd.defaultValue(of: "momentum"), "0.5")
        XCTAssertNil(OptimizerKind.sgd.defaultValue(of: "beta1"))
    }
}
