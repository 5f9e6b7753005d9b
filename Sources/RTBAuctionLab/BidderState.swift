import RTBCore

/// One participation a learning bidder remembers until its iteration's update: its estimate
/// of the expected value, the shading it drew (the unclipped policy draw for policy learning),
/// whether it won and its utility (realized for empirical shading, estimated otherwise).
struct BidSample: Equatable {
    var estimate: Double
    var gamma: Double
    var won: Bool
    var utility: Double
}

/// How a bidder shades its estimate (bid = gamma x estimated value) and what it has learnt:
/// - truthful: gamma 1;
/// - empirical-shaded: gamma ~ N(previous, sigma) clipped to [0, 1]; at an iteration's end the
///   gammas are bucketed on a 0.005 grid and the previous gamma moves to the bucket whose
///   mean utility minus 1.96 standard errors is highest (the higher gamma on ties; buckets of
///   at least two rounds);
/// - value-learning: a logistic win-rate model P(win | gamma, estimate) on (1, gamma, e, gamma
///   e), e = estimate / the data's mean estimate, fitted at each iteration's end; until the
///   first fit gamma ~ N(gamma0, sigma), then the best of `searchDraws` gammas ~ U(0.1, 1) by
///   P(win) x estimate x (1 - gamma), plus N(0, sigma) exploration;
/// - policy-learning: gamma ~ N(sigmoid(a + b e), exp(s)) clipped to [0, 1], trained by
///   REINFORCE with normalised advantages and a diagonal natural-gradient step;
/// - budget-paced: gamma is a pacing multiplier that follows the spend plan (`pace`).
struct BidderState: Equatable {
    let kind: BidderKind
    let initialGamma: Double
    let sigma: Double
    let searchDraws: Int
    let learningRate: Double
    /// Empirical-shaded: the previous gamma; budget-paced: the pacing multiplier.
    var gamma: Double
    /// Value-learning: the win-rate weights (empty until the first fit); policy-learning: a, b, s.
    var weights: [Double]
    /// The estimate scale of the last update (1 until then).
    var scale = 1.0

    init(_ spec: LabAgentSpec) {
        kind = spec.bidder
        initialGamma = spec.initialGamma
        sigma = spec.gammaSigma
        searchDraws = spec.searchDraws
        learningRate = spec.learningRate
        switch spec.bidder {
        case .truthful, .valueLearning: gamma = 1; weights = []
        case .empiricalShaded: gamma = spec.initialGamma; weights = []
        case .budgetPaced: gamma = 1; weights = []
        case .policyLearning:
            gamma = 1
            let mean = LabMath.clip(spec.initialGamma, 0.02, 0.98)
            weights = [
                DeterministicMath.log(mean / (1 - mean)), 0,
                DeterministicMath.log(max(spec.gammaSigma, 0.005)),
            ]
        }
    }

    /// The shading of one bid on `estimate` and the value a learner remembers (the policy's
    /// unclipped draw for policy learning, the gamma otherwise).
    @inline(__always)
    func shade(_ estimate: Double, _ stream: inout RandomStream) -> (gamma: Double, sample: Double)
    {
        switch kind {
        case .truthful: return (1, 1)
        case .budgetPaced: return (gamma, gamma)
        case .empiricalShaded:
            let gamma = LabMath.clip(gamma + sigma * stream.normal(), 0, 1)
            return (gamma, gamma)
        case .valueLearning:
            guard weights.count == 4 else {
                let gamma = LabMath.clip(initialGamma + sigma * stream.normal(), 0, 1)
                return (gamma, gamma)
            }
            let e = estimate / scale
            let constant = weights[0] + weights[2] * e
            let slope = weights[1] + weights[3] * e
            var best = 1.0
            var bestValue = -Double.infinity
            for _ in 0..<searchDraws {
                let candidate = 0.1 + 0.9 * stream.nextUnit()
                let value =
                    DeterministicMath.logistic(constant + slope * candidate) * (1 - candidate)
                if value > bestValue {
                    bestValue = value
                    best = candidate
                }
            }
            let gamma = LabMath.clip(best + sigma * stream.normal(), 0, 1)
            return (gamma, gamma)
        case .policyLearning:
            let mean = DeterministicMath.logistic(weights[0] + weights[1] * estimate / scale)
            let draw = mean + DeterministicMath.exp(weights[2]) * stream.normal()
            return (LabMath.clip(draw, 0, 1), draw)
        }
    }

    /// The iteration's update from its samples; returns the parameters to record, or nil when
    /// the bidder does not learn from data.
    mutating func update(_ samples: [BidSample]) -> [Double]? {
        switch kind {
        case .truthful: return nil
        case .budgetPaced: return [gamma]
        case .empiricalShaded:
            updateEmpirical(samples)
            return [gamma]
        case .valueLearning:
            fitWinRate(samples)
            return weights + [scale]
        case .policyLearning:
            reinforce(samples)
            return weights + [scale]
        }
    }

    mutating func updateEmpirical(_ samples: [BidSample]) {
        var buckets: [Int: (n: Double, sum: Double, squares: Double)] = [:]  // determinism-ok: read in key order
        for sample in samples {
            let key = Int((sample.gamma / 0.005).rounded())
            var bucket = buckets[key] ?? (0, 0, 0)
            bucket.n += 1
            bucket.sum += sample.utility
            bucket.squares += sample.utility * sample.utility
            buckets[key] = bucket
        }
        var best: (key: Int, bound: Double)?
        for key in buckets.keys.sorted() {
            let bucket = buckets[key]!
            guard bucket.n >= 2 else { continue }
            let mean = bucket.sum / bucket.n
            let variance = max(0, (bucket.squares - bucket.n * mean * mean) / (bucket.n - 1))
            let bound = mean - 1.96 * (variance / bucket.n).squareRoot()
            if best == nil || bound >= best!.bound { best = (key, bound) }
        }
        if let best { gamma = LabMath.clip(Double(best.key) / 200, 0, 1) }
    }

    mutating func fitWinRate(_ samples: [BidSample]) {
        guard !samples.isEmpty else { return }
        scale = max(1e-9, samples.reduce(0) { $0 + $1.estimate } / Double(samples.count))
        var theta = weights.count == 4 ? weights : [0, 0, 0, 0]
        for _ in 0..<25 {
            var gradient = theta.map { 1e-3 * $0 }
            var hessian = [Double](repeating: 0, count: 16)
            for index in 0..<4 { hessian[index * 4 + index] = 1e-3 }
            for sample in samples {
                let e = sample.estimate / scale
                let features = [1, sample.gamma, e, sample.gamma * e]
                var logit = 0.0
                for index in 0..<4 { logit += theta[index] * features[index] }
                let p = DeterministicMath.logistic(logit)
                let residual = p - (sample.won ? 1 : 0)
                let curvature = max(p * (1 - p), 1e-12)
                for i in 0..<4 {
                    gradient[i] += residual * features[i]
                    for j in 0..<4 { hessian[i * 4 + j] += curvature * features[i] * features[j] }
                }
            }
            guard let step = LabMath.solve(hessian, gradient, 4) else { break }
            var largest = 0.0
            for index in 0..<4 {
                theta[index] -= LabMath.clip(step[index], -5, 5)
                largest = max(largest, abs(step[index]))
            }
            if largest < 1e-9 { break }
        }
        weights = theta
    }

    mutating func reinforce(_ samples: [BidSample]) {
        guard samples.count >= 2 else { return }
        let count = Double(samples.count)
        let previousScale = scale
        let meanUtility = samples.reduce(0) { $0 + $1.utility } / count
        let spread =
            (samples.reduce(0) { $0 + ($1.utility - meanUtility) * ($1.utility - meanUtility) }
            / count).squareRoot()
        guard spread > 0 else { return }
        let sigma = DeterministicMath.exp(weights[2])
        var gradient = [0.0, 0.0, 0.0]
        var fisher = [0.0, 0.0, 2.0]
        for sample in samples {
            let e = sample.estimate / previousScale
            let mean = DeterministicMath.logistic(weights[0] + weights[1] * e)
            let slope = mean * (1 - mean)
            let advantage = (sample.utility - meanUtility) / spread
            let deviation = sample.gamma - mean
            let score = deviation / (sigma * sigma) * slope
            gradient[0] += advantage * score
            gradient[1] += advantage * score * e
            gradient[2] += advantage * (deviation * deviation / (sigma * sigma) - 1)
            fisher[0] += slope * slope / (sigma * sigma)
            fisher[1] += slope * slope * e * e / (sigma * sigma)
        }
        for index in 0..<2 { fisher[index] = max(fisher[index] / count, 1e-12) }
        for index in 0..<3 {
            let step = learningRate * gradient[index] / count / fisher[index]
            weights[index] += LabMath.clip(step, -1, 1)
        }
        weights[2] = LabMath.clip(
            weights[2], DeterministicMath.log(0.005), DeterministicMath.log(0.5))
        scale = max(1e-9, samples.reduce(0) { $0 + $1.estimate } / count)
    }

    /// Budget pacing, every 50 rounds of an iteration: the multiplier follows exp(5 x (planned
    /// - spent) / budget), planned = budget x elapsed / rounds, within [0.01, 1].
    mutating func pace(spent: Int64, budget: Int64, elapsed: Int, rounds: Int) {
        let planned = Double(budget) * Double(elapsed) / Double(rounds)
        let error = (planned - Double(spent)) / Double(budget)
        gamma = LabMath.clip(gamma * DeterministicMath.fastExp(5 * error), 0.01, 1)
    }
}
