import ArgumentParser

@main
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build a Markdown report of machine-learning experiments.",
        subcommands: [TrainCommand.self, BenchCommand.self, ModelsCommand.self, DataCommand.self])
}
