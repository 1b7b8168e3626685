import ArgumentParser
import Configuration
import Engine

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the built-in models with their layers, parameters and FLOPs.")

    @Option(help: "Channel multiplier for the convolutions and the first linear layer.") var width: Double = 1
    @Option(help: "Dropout rate of the default model's dropout layer.") var dropout: Double = 0.5

    func run() throws {
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
            print("\(model.rawValue): \(model.summary)")
            print("  parameters: \(network.parameterCount), forward FLOPs per image: \(network.flopsPerImage)")
            var shape = network.inputShape
            for (spec, layer) in zip(network.specs, network.layers) {
                print("  - \(spec.description.padding(toLength: 36, withPad: " ", startingAt: 0)) # \(shape) → \(layer.outputShape)")
                shape = layer.outputShape
            }
            print()
        }
    }
}
