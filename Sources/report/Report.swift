import ArgumentParser

@main
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build a Markdown report of machine-learning experiments.",
        subcommands: [ModelsCommand.self, BenchCommand.self])
}
