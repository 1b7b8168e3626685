import Foundation

/// Learning-rate schedules, evaluated per optimizer step.
public enum Schedule: String, CaseIterable, Sendable, Codable {
    /// The base rate throughout.
    case constant
    /// `torch.optim.lr_scheduler.StepLR`: multiply by `gamma` every `stepSize` epochs.
    case step
    /// Cosine annealing from the base rate to 0 over all steps (`CosineAnnealingLR` per step).
    case cosine
    /// `OneCycleLR` (Smith & Topin, 2017): cosine warm-up from lr/25 to lr over the first 30% of
    /// steps, then cosine annealing to lr/(25·10⁴). Momentum is not cycled.
    case onecycle

    public func learningRate(
        base: Double, step: Int, stepsPerEpoch: Int, totalSteps: Int,
        stepSize: Int, gamma: Double
    ) -> Double {
        switch self {
        case .constant:
            return base
        case .step:
            let epoch = step / max(stepsPerEpoch, 1)
            return base * pow(gamma, Double(epoch / max(stepSize, 1)))
        case .cosine:
            let t = Double(step) / Double(max(totalSteps, 1))
            return base * 0.5 * (1 + cos(Double.pi * t))
        case .onecycle:
            let initial = base / 25
            let final = initial / 1e4
            // PyTorch's phase ends: 0.3·total − 1 (not rounded) and total − 1.
            let warm = max(1, 0.3 * Double(totalSteps) - 1)
            let last = Double(max(totalSteps - 1, 1))
            func anneal(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
                end + (start - end) / 2 * (1 + cos(Double.pi * min(max(fraction, 0), 1)))
            }
            let t = Double(step)
            if t <= warm { return anneal(initial, base, t / warm) }
            return anneal(base, final, (t - warm) / max(last - warm, 1))
        }
    }
}
