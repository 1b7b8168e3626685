import Planning
import RunCache

/// The trainer of each run: the author's command for a run with `run:`, the engine for the others. An
/// executor holds one of these, so that where a run trains and what trains it compose without branches.
public struct RunTrainers: RunTrainer {
    public let engine: any RunTrainer
    public let command: any RunTrainer

    public init(engine: any RunTrainer, command: any RunTrainer) {
        self.engine = engine
        self.command = command
    }

    public var store: RunStore { engine.store }

    public func train(_ run: PlannedRun, _ context: TrainingContext) -> RunOutcome {
        (run.command == nil ? engine : command).train(run, context)
    }
}
