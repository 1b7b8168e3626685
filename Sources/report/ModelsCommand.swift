import ArgumentParser
import Configuration
import Engine

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the built-in models with their layers, parameters and FLOPs.")

    @Option(help: "Channel multiplier for the convolutions and the first linear layer.") var width: Double = 1
    @Option(help: "Dropout rate of the default model's dropout layer.") var dropout: Double = 0.5

    func run() throws {
        print(
            "# Built-in models. Use a name (model: default), or paste a layer list under `model:` in an experiment and edit it."
        )
        print()
        for model in BuiltinModel.allCases {
            var config = TrainingConfig()
            config.model = .builtin(model)
            do {
                try config.set("width", .number(width))
                try config.set("dropout", .number(dropout))
            } catch let error as SettingError {
                throw ValidationError(error.message)
            }
            let network = try config.makeNetwork()
            print("\(model.rawValue):")
            print("  # \(model.summary)")
            print(
                "  # parameters: \(network.parameterCount), forward FLOPs per image: \(network.flopsPerImage)"
            )
            var shape = network.inputShape
            for (spec, layer) in zip(network.specs, network.layers) {
                // Padded for the shape comments, never cut: a long layer keeps its whole text.
                let text = spec.description
                let padded = text.count < 36 ? text.padding(toLength: 36, withPad: " ", startingAt: 0) : text
                print("  - \(padded) # \(shape) → \(layer.outputShape)")
                shape = layer.outputShape
            }
            print()
        }
    }
}
