import Datasets
import Execution
import Foundation
import Planning
import RunCache

/// `report worker <plan> <index>`: what each array task of a Slurm build runs. It trains exactly one
/// planned run into the shared cache through the same code as a local build, after checking that this
/// `report` computes the key the plan names.
public enum SlurmWorker {
    /// How the worker's last line begins when it fails; the driver quotes the rest in the README.
    public static let errorPrefix = "report worker: error: "

    /// Trains task `index` of the plan; returns what happened, or throws.
    public static func run(planFile: URL, index: Int, console: BuildObserver) throws -> String {
        let file = try SlurmPlanFile.read(planFile)
        guard file.tasks.indices.contains(index) else {
            throw SlurmError.noSuchTask(planFile.path, index, file.tasks.count)
        }
        let task = file.tasks[index]
        let root = URL(fileURLWithPath: file.projectRoot)
        let catalog = DatasetCatalog(
            declarations: file.datasets ?? [], cacheDirectory: root.appendingPathComponent("data"))
        let plan = try Plan.make(
            source: file.source, path: file.document,
            fingerprint: CommandFingerprinter(projectRoot: root).fingerprint, datasets: catalog)
        let name = task.runIDs.first ?? task.key
        guard let run = plan.plannedRuns.first(where: { $0.runIDs.contains(name) }) else {
            throw SlurmError.keyMismatch(run: name, planned: task.key, actual: "no such run")
        }
        guard run.key == task.key else {
            if run.command != nil {
                throw SlurmError.runFailed(
                    "the run's key on this node (\(run.key)) is not the one the build planned (\(task.key)): its inputs or the output of its environment command differ here; rebuild once they agree"
                )
            }
            throw SlurmError.keyMismatch(run: name, planned: task.key, actual: run.key)
        }

        let store = RunStore(root: URL(fileURLWithPath: file.runs))
        let rerun = task.rerun == true
        if store.isComplete(run.key) && !rerun {
            return "\(name): already in the cache (\(run.key)); nothing to do"
        }
        let locator = DataLocator(
            dataDirectory: file.dataDirectory, projectRoot: URL(fileURLWithPath: file.projectRoot))
        let trainer = RunTrainers(
            engine: EngineTrainer(
                store: store, data: DatasetCache(locator: locator, catalog: catalog, observer: console)),
            command: {
                var trainer = CommandTrainer(store: store, projectRoot: root)
                trainer.dataDirectory = file.dataDirectory
                return trainer
            }())
        // SIGTERM (a preemption, `scancel`, the time limit): a command is stopped and its epochs kept.
        let stop = StopSignal()
        let trap = run.command == nil ? nil : SignalTrap { _ in stop.stop() }
        defer { trap?.release() }
        console.started(name)
        switch trainer.train(
            run,
            TrainingContext(
                threads: task.resources?.cpusPerTask ?? file.threads, keepExisting: !rerun, extend: !rerun,
                shouldStop: { stop.isStopped },
                note: { console.note($0) }, onEvent: { console.event(name, $0) }))
        {
        case .trained(let final):
            console.finished(name, final)
            return "\(name): trained into \(store.directory(run.key).path)"
        case .diverged(let divergence):
            console.ended(name, "diverged", "at epoch \(divergence.epoch); kept as a result")
            return
                "\(name): diverged at epoch \(divergence.epoch), kept as a result in \(store.directory(run.key).path)"
        case .interrupted(let finished, let total):
            throw SlurmError.runFailed(
                "stopped after \(finished) of \(total) epochs; the kept state resumes it")
        case .failed(let failure):
            console.failed(name, failure.message)
            throw SlurmError.runFailed(failure.message)
        case .trainedElsewhere, .notStarted, .submitted:
            return "\(name): in the cache (\(run.key)); nothing to do"
        }
    }
}
