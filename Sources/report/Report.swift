import ArgumentParser

@main
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build a Markdown report of machine-learning experiments.",
        subcommands: [BuildCommand.self, CheckCommand.self, StatusCommand.self, CleanCommand.self, TrainCommand.self, BenchCommand.self, ModelsCommand.self, DataCommand.self, WorkerCommand.self])
}
