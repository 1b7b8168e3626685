import Foundation

/// The optimizers of `report`, each matching PyTorch's `torch.optim` update rule and defaults.
/// All share one shape: state made per parameter on first use, one update function, and gradients
/// zeroed after the step so backward passes can accumulate with `+=`.
public enum OptimizerKind: String, CaseIterable, Sendable, Codable {
    case sgd, adam, adamw, rmsprop

    /// PyTorch's default learning rate for the optimizer (the report's default for SGD is the assignment's 0.01).
    public var defaultLearningRate: Double {
        switch self {
        case .sgd: return 0.01
        case .adam, .adamw: return 1e-3
        case .rmsprop: return 1e-2
        }
    }

    public var defaultWeightDecay: Double { self == .adamw ? 0.01 : 0 }
}

public struct OptimizerSettings: Sendable, Equatable {
    public var kind: OptimizerKind = .sgd
    public var momentum: Double = 0.5
    public var nesterov = false
    public var weightDecay: Double = 0
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var alpha: Double = 0.99
    public var epsilon: Double = 1e-8

    public init() {}
}

/// Applies one optimizer to a fixed list of parameters.
final class Optimizer {
    let settings: OptimizerSettings
    let parameters: [Parameter]
    // Internal rather than private so that `TrainingState` can save and restore them.
    var first: [Buffer]  // momentum buffer / Adam's m / RMSprop's square average
    var second: [Buffer]  // Adam's v / RMSprop's momentum buffer
    var steps = 0

    init(settings: OptimizerSettings, parameters: [Parameter]) {
        self.settings = settings
        self.parameters = parameters
        first = parameters.map { Buffer(count: $0.count) }
        second = parameters.map { Buffer(count: $0.count) }
    }

    /// One update with learning rate `lr`, then zeroes the gradients.
    func step(learningRate lr: Double) {
        steps += 1
        for (index, parameter) in parameters.enumerated() {
            let p = parameter.value.pointer
            let g = parameter.gradient.pointer
            let n = parameter.count
            let a = first[index].pointer
            let b = second[index].pointer
            switch settings.kind {
            case .sgd: sgd(p, g, a, n, Float(lr))
            case .adam, .adamw: adam(p, g, a, b, n, Float(lr))
            case .rmsprop: rmsprop(p, g, a, b, n, Float(lr))
            }
            parameter.gradient.zero()
        }
    }

    /// SGD with momentum and Nesterov momentum as `torch.optim.SGD` (dampening 0): d = g + λp;
    /// b = μb + d (b = d on the first step); p −= lr · (nesterov ? d + μb : b).
    private func sgd(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        _ buffer: UnsafeMutablePointer<Float>, _ n: Int, _ lr: Float
    ) {
        let mu = Float(settings.momentum)
        let wd = Float(settings.weightDecay)
        for i in 0..<n {
            var d = g[i] + wd * p[i]
            if mu != 0 {
                buffer[i] = steps == 1 ? d : mu * buffer[i] + d
                d = settings.nesterov ? d + mu * buffer[i] : buffer[i]
            }
            p[i] -= lr * d
        }
    }

    /// Adam (Kingma & Ba, 2015) as `torch.optim.Adam`, L2 penalty added to the gradient; AdamW
    /// (Loshchilov & Hutter, 2019) decays the weights directly: p −= lr·λ·p before the Adam step.
    private func adam(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ n: Int, _ lr: Float
    ) {
        let b1 = Float(settings.beta1)
        let b2 = Float(settings.beta2)
        let eps = Float(settings.epsilon)
        let wd = Float(settings.weightDecay)
        let decoupled = settings.kind == .adamw
        let correction1 = 1 - powf(b1, Float(steps))
        let correction2Root = (1 - powf(b2, Float(steps))).squareRoot()
        let stepSize = lr / correction1
        for i in 0..<n {
            var d = g[i]
            if decoupled { p[i] *= 1 - lr * wd } else { d += wd * p[i] }
            m[i] = b1 * m[i] + (1 - b1) * d
            v[i] = b2 * v[i] + (1 - b2) * d * d
            p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + eps)
        }
    }

    /// RMSprop (Hinton, 2012) as `torch.optim.RMSprop`: s = αs + (1 − α)g²; with momentum μ,
    /// b = μb + g/(√s + ε) and p −= lr·b, else p −= lr·g/(√s + ε).
    private func rmsprop(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>,
        _ buffer: UnsafeMutablePointer<Float>, _ n: Int, _ lr: Float
    ) {
        let alpha = Float(settings.alpha)
        let eps = Float(settings.epsilon)
        let wd = Float(settings.weightDecay)
        let mu = Float(settings.momentum)
        for i in 0..<n {
            let d = g[i] + wd * p[i]
            s[i] = alpha * s[i] + (1 - alpha) * d * d
            let update = d / (s[i].squareRoot() + eps)
            if mu > 0 {
                buffer[i] = mu * buffer[i] + update
                p[i] -= lr * buffer[i]
            } else {
                p[i] -= lr * update
            }
        }
    }
}
