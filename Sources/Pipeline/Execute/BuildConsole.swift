import Engine
import Foundation

/// Build progress on stderr. On a terminal: a live line per running run (id, epoch, batch bar, loss,
/// accuracy, ETA) redrawn in place; otherwise (CI) one plain line per epoch and per finished run.
public final class BuildConsole: @unchecked Sendable {
    let isTerminal: Bool
    let quiet: Bool
    private let lock = NSLock()
    private var active: [(name: String, line: String)] = []
    private var drawn = 0
    private var lastDraw = Date.distantPast
    private var epochs: [String: Int] = [:]
    private var started: [String: Date] = [:]

    public init(isTerminal: Bool = isatty(STDERR_FILENO) != 0, quiet: Bool = false) {
        self.isTerminal = isTerminal
        self.quiet = quiet
    }

    public func note(_ text: String) {
        locked { print(text) }
    }

    public func started(_ name: String) {
        locked {
            started[name] = Date()
            active.append((name, "\(name) starting"))
            redraw()
        }
    }

    public func event(_ name: String, _ event: TrainingEvent) {
        locked {
            switch event {
            case .started(let count, _): epochs[name] = count
            case .step(let epoch, let step, let stepsPerEpoch, let loss, let acc):
                guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
                let total = Double(max(1, (epochs[name] ?? 1) * stepsPerEpoch))
                let done = Double((epoch - 1) * stepsPerEpoch + step) / total
                let elapsed = Date().timeIntervalSince(started[name] ?? Date())
                let width = 16, filled = Int((Double(step) / Double(stepsPerEpoch) * Double(width)).rounded())
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                let eta = done > 0 ? ValueFormat.duration(elapsed * (1 - done) / done) : "?"
                update(name, String(format: "%@ epoch %d/%d %@ loss %.4f acc %.1f%% eta %@", name, epoch, epochs[name] ?? 0, bar, loss, 100 * acc, eta))
            case .evaluating(let epoch):
                update(name, "\(name) epoch \(epoch)/\(epochs[name] ?? 0) evaluating")
            case .epochEnded(let e):
                if !isTerminal { print(Self.epochLine(name: name, e, epochs: epochs[name] ?? 0)) }
            }
        }
    }

    public func finished(_ name: String, _ final: EpochMetrics?) {
        locked {
            active.removeAll { $0.name == name }
            let time = Date().timeIntervalSince(started[name] ?? Date())
            print("trained \(name): val_acc \(final.map { String(format: "%.2f%%", 100 * $0.valAcc) } ?? "-") in \(ValueFormat.duration(time))")
        }
    }

    func failed(_ name: String, _ message: String) { ended(name, "failed ", message) }

    /// A run that ended without a normal result: `word` is "failed", "diverged", "stopped".
    func ended(_ name: String, _ word: String, _ message: String) {
        locked {
            active.removeAll { $0.name == name }
            print("\(word) \(name): \(message)")
        }
    }

    static func epochLine(name: String, _ e: EpochMetrics, epochs: Int) -> String {
        String(format: "%@ epoch %d/%d: loss %@ acc %@ val_loss %.4f val_acc %.2f%% (%.1f s)", name, e.epoch, epochs,
               e.loss.map { String(format: "%.4f", $0) } ?? "-", e.acc.map { String(format: "%.2f%%", 100 * $0) } ?? "-",
               e.valLoss, 100 * e.valAcc, e.trainSeconds)
    }

    // MARK: Drawing

    private func locked(_ body: () -> Void) {
        lock.lock()
        body()
        lock.unlock()
    }

    private func update(_ name: String, _ line: String) {
        if let index = active.firstIndex(where: { $0.name == name }) { active[index].line = line }
        redraw()
    }

    /// Prints a permanent line above the live lines.
    private func print(_ text: String) {
        guard !quiet else { return }
        clear()
        FileHandle.standardError.write(Data((text + "\n").utf8))
        redraw()
    }

    private func clear() {
        guard isTerminal, drawn > 0 else { return }
        FileHandle.standardError.write(Data(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawn).utf8))
        drawn = 0
    }

    private func redraw() {
        guard isTerminal, !quiet else { return }
        clear()
        let text = active.map { $0.line + "\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
        drawn = active.count
        lastDraw = Date()
    }
}
