import Configuration
import Engine

/// A run's settings after some layers: the last layer to write a key decides it, except that naming
/// another optimizer than the one in effect drops the settings written under the previous one, so a
/// setting written as `optimizer: {name: sgd, lr: 0.01}` never reaches Adam. Optimizer settings
/// written flat (`lr: 0.01`) still reach whatever optimizer the run trains with, as they always did
/// (so existing documents keep their runs); each remembers the optimizer it was written for, and
/// `SettingChecks` warns when it reaches another.
struct SettingStack {
    typealias Setting = ExperimentResolver.Setting

    /// Flat keys, `init`, and `optimizer` (its name).
    private(set) var values: [String: Setting] = [:]
    /// The keys written under the optimizer in effect.
    private(set) var optimizerSettings: [String: Setting] = [:]
    /// For each flat optimizer setting in `values`: the optimizer in effect where it was written.
    private(set) var writtenFor: [String: OptimizerKind] = [:]
    /// The optimizer in effect: the last one named (`sgd` until one is).
    private(set) var optimizer = OptimizerKind.sgd

    public mutating func apply(_ layer: SettingLayer) {
        if let choice = layer.optimizer {
            // An unknown name keeps the optimizer in effect; checking the configuration reports it.
            let kind = choice.kind ?? optimizer
            if kind != optimizer { optimizerSettings = [:] }
            optimizer = kind
            values["optimizer"] = choice.name
            for (key, setting) in choice.settings {
                optimizerSettings[key] = setting
                values[key] = nil
                writtenFor[key] = nil
            }
        }
        for (key, setting) in layer.flat {
            values[key] = setting
            if OptimizerKind.settingNames.contains(key) {
                optimizerSettings[key] = nil
                writtenFor[key] = optimizer
            }
        }
    }

    /// The setting that decides `key` (nil: the default).
    public func effective(_ key: String) -> Setting? { optimizerSettings[key] ?? values[key] }

    /// Forgets a flat key (`seed` when a block lists `seeds`, and the other way round).
    mutating func removeFlat(_ key: String) { values[key] = nil }

    /// Replaces the setting that decides `key` where it stands (under the optimizer or flat), or removes
    /// it (nil): how a derived setting's expression becomes its resolved value.
    mutating func replaceEffective(_ key: String, with setting: Setting?) {
        if optimizerSettings[key] != nil {
            optimizerSettings[key] = setting
        } else {
            values[key] = setting
        }
    }
}
