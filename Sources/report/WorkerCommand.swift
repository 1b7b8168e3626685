import ArgumentParser
import Console
import Foundation
import Pipeline
import Slurm

/// What each array task of `report build --executor slurm` runs.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Train one run of a Slurm build into the shared cache (run by the build's jobs).")

    @Argument(help: "The build's plan file (<runs>/.slurm/<build>/plan.json).") var plan: String
    @Argument(help: "The run's index in the plan (default: $SLURM_ARRAY_TASK_ID).") var index: Int?

    func run() throws {
        do {
            guard
                let index = index
                    ?? ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) })
            else {
                throw ValidationError(
                    "give the run's index, or run inside a Slurm array task (SLURM_ARRAY_TASK_ID)")
            }
            let message = try SlurmWorker.run(
                planFile: URL(fileURLWithPath: plan), index: index,
                console: BuildConsole(isTerminal: false))
            print("report worker: \(message)")
        } catch {
            let text = "\(error)".split(separator: "\n").joined(separator: "; ")
            FileHandle.standardError.write(Data((SlurmWorker.errorPrefix + text + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
