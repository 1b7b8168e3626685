import Datasets
import Engine
import Execution
import Foundation
import Pipeline
import Synchronization

/// Build progress on stderr. On a terminal: a live line per running run (id, epoch, batch bar, loss,
/// accuracy, ETA) redrawn in place; otherwise (CI) one plain line per epoch and per finished run.
public final class BuildConsole: BuildObserver {
    private let screen: Mutex<Screen>
    private let downloads: DownloadProgressPrinter

    /// - Parameters:
    ///   - isTerminal: draw live lines (a terminal) or plain ones (CI, a pipe).
    ///   - quiet: print neither notes nor download progress.
    ///   - write: where text goes; standard error unless a test captures it.
    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) != 0, quiet: Bool = false,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        screen = Mutex(Screen(isTerminal: isTerminal, quiet: quiet, write: write))
        let silent: @Sendable (String) -> Void = { _ in }
        downloads = DownloadProgressPrinter(isTerminal: isTerminal, write: quiet ? silent : write)
    }

    public func note(_ text: String) {
        screen.withLock { $0.print(text) }
    }

    public func buildStarting(trainings: Int, estimate: Double?, jobs: Int) {
        screen.withLock { screen in
            screen.total = trainings
            screen.buildStarted = Date()
            let runs = trainings == 1 ? "1 run" : "\(trainings) runs"
            let time =
                estimate.map {
                    "about \(RunLog.duration($0 / Double(max(1, jobs))))"
                        + (jobs > 1 ? " with \(jobs) at once" : "")
                }
                ?? "time unknown (no run of the same model and dataset in the cache yet)"
            screen.print("training \(runs): \(time)")
        }
    }

    public func started(_ name: String) {
        screen.withLock { screen in
            screen.started[name] = Date()
            screen.active.append((name, "\(name) starting"))
            screen.redraw()
        }
    }

    public func event(_ name: String, _ event: TrainingEvent) {
        screen.withLock { screen in
            switch event {
            // A command that does not say how many epochs it trains starts with (0, 0): unknown.
            case .started(let count, let steps): screen.epochs[name] = count == 0 && steps == 0 ? nil : count
            case .step(let epoch, let step, let stepsPerEpoch, let loss, let acc):
                guard screen.isTerminal, Date().timeIntervalSince(screen.lastDraw) > 0.2 else { return }
                let epochs = screen.epochs[name] ?? 0
                let total = Double(max(1, max(1, epochs) * stepsPerEpoch))
                let done = Double((epoch - 1) * stepsPerEpoch + step) / total
                let elapsed = Date().timeIntervalSince(screen.started[name] ?? Date())
                let width = 16
                let filled = Int((Double(step) / Double(stepsPerEpoch) * Double(width)).rounded())
                let bar =
                    String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                let eta = done > 0 ? RunLog.duration(elapsed * (1 - done) / done) : "?"
                screen.update(
                    name,
                    String(
                        format: "%@ epoch %d/%d %@ loss %.4f acc %.1f%% eta %@", name, epoch, epochs,
                        bar, loss, 100 * acc, eta))
            case .evaluating(let epoch):
                screen.update(name, "\(name) epoch \(epoch)/\(screen.epochs[name] ?? 0) evaluating")
            case .epochEnded(let e):
                if !screen.isTerminal {
                    screen.print(RunLog.epochLine(name: name, e, epochs: screen.epochs[name]))
                }
            }
        }
    }

    public func finished(_ name: String, _ final: EpochMetrics?) {
        screen.withLock { screen in
            screen.active.removeAll { $0.name == name }
            let time = Date().timeIntervalSince(screen.started[name] ?? Date())
            let count = screen.countDone()
            screen.print("trained \(name): \(RunLog.summary(final)) in \(RunLog.duration(time))" + count)
        }
    }

    public func failed(_ name: String, _ message: String) { ended(name, "failed ", message) }

    /// A run that ended without a normal result: `word` is "failed ", "diverged", "stopped ".
    public func ended(_ name: String, _ word: String, _ message: String) {
        screen.withLock { screen in
            screen.active.removeAll { $0.name == name }
            let count = screen.countDone()
            screen.print("\(word) \(name): \(message)" + count)
        }
    }

    public func download(_ progress: DownloadProgress) {
        downloads(progress)
    }
}

/// The live lines and what has been drawn of them; only touched under `BuildConsole`'s mutex.
private struct Screen {
    let isTerminal: Bool
    let quiet: Bool
    let write: @Sendable (String) -> Void
    var active: [(name: String, line: String)] = []
    var drawn = 0
    var lastDraw = Date.distantPast
    var epochs: [String: Int] = [:]
    var started: [String: Date] = [:]
    /// The whole build: trainings announced, ended so far, and when training began.
    var total = 0
    var done = 0
    var buildStarted = Date()

    /// ` [3/24, 5 min 10 s left]` after a run ends; empty when the build announced no total.
    mutating func countDone() -> String {
        guard total > 0 else { return "" }
        done += 1
        let elapsed = Date().timeIntervalSince(buildStarted)
        let left =
            done < total
            ? ", about \(RunLog.duration(elapsed / Double(done) * Double(total - done))) left" : ""
        return " [\(done)/\(total)\(left)]"
    }

    /// `[2/24 done]` before the live lines, while runs are training.
    var header: String? {
        guard total > 0 else { return nil }
        let elapsed = Date().timeIntervalSince(buildStarted)
        let left =
            done > 0 && done < total
            ? ", about \(RunLog.duration(elapsed / Double(done) * Double(total - done))) left" : ""
        return "[\(done)/\(total) runs done, \(RunLog.duration(elapsed)) elapsed\(left)]"
    }

    init(isTerminal: Bool, quiet: Bool, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.quiet = quiet
        self.write = write
    }

    mutating func update(_ name: String, _ line: String) {
        if let index = active.firstIndex(where: { $0.name == name }) { active[index].line = line }
        redraw()
    }

    /// Prints a permanent line above the live lines.
    mutating func print(_ text: String) {
        guard !quiet else { return }
        clear()
        write(text + "\n")
        redraw()
    }

    mutating func clear() {
        guard isTerminal, drawn > 0 else { return }
        write(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawn))
        drawn = 0
    }

    mutating func redraw() {
        guard isTerminal, !quiet else { return }
        clear()
        let lines = active.isEmpty ? [] : (header.map { [$0] } ?? []) + active.map(\.line)
        write(lines.map { $0 + "\n" }.joined())
        drawn = lines.count
        lastDraw = Date()
    }
}
