import Engine
import Foundation

/// Training progress on stderr: a live line (epoch, batch bar, loss, accuracy, ETA) on a terminal,
/// one plain line per epoch otherwise (CI logs).
final class ProgressLine {
    let name: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var epochs = 0
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var smoothedLoss: Double?
    private var smoothedAcc: Double?

    init(name: String) { self.name = name }

    func handle(_ event: TrainingEvent) {
        switch event {
        case .started(let epochs, _):
            self.epochs = epochs
            started = Date()
        case .step(let epoch, let step, let stepsPerEpoch, let loss, let acc):
            smoothedLoss = smoothedLoss.map { 0.9 * $0 + 0.1 * loss } ?? loss
            smoothedAcc = smoothedAcc.map { 0.9 * $0 + 0.1 * acc } ?? acc
            guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.1 || step == stepsPerEpoch else { return }
            lastDraw = Date()
            let done = Double((epoch - 1) * stepsPerEpoch + step) / Double(max(1, epochs * stepsPerEpoch))
            let elapsed = Date().timeIntervalSince(started)
            let eta = done > 0 ? elapsed * (1 - done) / done : 0
            let line = ProgressLine.line(name: name, epoch: epoch, epochs: epochs, fraction: Double(step) / Double(stepsPerEpoch),
                                         loss: smoothedLoss ?? loss, acc: smoothedAcc ?? acc, eta: eta)
            write("\r\u{1B}[2K" + line)
        case .evaluating:
            break
        case .epochEnded(let e):
            let text = String(format: "%@ epoch %d/%d: loss %@ acc %@ val_loss %.4f val_acc %.2f%% (%.1f s + %.1f s eval)",
                              name, e.epoch, epochs, e.loss.map { String(format: "%.4f", $0) } ?? "-",
                              e.acc.map { String(format: "%.2f%%", 100 * $0) } ?? "-", e.valLoss, 100 * e.valAcc,
                              e.trainSeconds, e.evalSeconds)
            write((isTerminal ? "\r\u{1B}[2K" : "") + text + "\n")
        }
    }

    func finish() {}

    static func line(name: String, epoch: Int, epochs: Int, fraction: Double, loss: Double, acc: Double, eta: Double) -> String {
        let width = 20, filled = Int((fraction * Double(width)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        return String(format: "%@ epoch %d/%d %@ loss %.4f acc %.1f%% eta %@", name, epoch, epochs, bar, loss, 100 * acc,
                      formatDuration(eta))
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}
