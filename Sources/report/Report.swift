import ArgumentParser

@main
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a Markdown report of machine-learning experiments.")
}
