/// Negative log-likelihood of log-probabilities, averaged over the batch, with optional label smoothing
/// (PyTorch's `CrossEntropyLoss(label_smoothing: ε)`: target (1 − ε) on the label plus ε/K on every class).
/// logProbabilities [N,K], labels [N] → (loss, correct predictions, gradient [N,K]).
struct NLLLoss {
    var labelSmoothing: Float = 0
    private var gradient = Workspace()

    init(labelSmoothing: Float) { self.labelSmoothing = labelSmoothing }

    mutating func evaluate(
        _ logProbabilities: Activation, labels: UnsafePointer<Int32>, computeGradient: Bool
    )
        -> (loss: Double, correct: Int, gradient: Activation?)
    {
        let n = logProbabilities.batch
        let k = logProbabilities.shape.count
        let lp = logProbabilities.pointer
        let grad = computeGradient ? gradient.get(n * k) : nil
        let eps = labelSmoothing
        let uniform = eps / Float(k)
        let scale = 1 / Float(n)
        var total: Double = 0
        var correct = 0
        for i in 0..<n {
            let row = lp + i * k
            let label = Int(labels[i])
            var best = 0
            var sum: Float = 0
            for j in 0..<k {
                if row[j] > row[best] { best = j }
                sum += row[j]
            }
            if best == label { correct += 1 }
            total += Double(-(1 - eps) * row[label] - uniform * sum)
            if let grad {
                let g = grad.pointer + i * k
                for j in 0..<k { g[j] = -uniform * scale }
                g[label] -= (1 - eps) * scale
            }
        }
        return (
            total / Double(n), correct,
            grad.map { Activation(buffer: $0, batch: n, shape: logProbabilities.shape) }
        )
    }
}
