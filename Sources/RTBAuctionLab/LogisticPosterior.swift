import RTBCore

/// A Thompson-sampling allocator's belief (Chapelle & Li 2011, Bayesian logistic regression
/// with a Laplace approximation): per item a diagonal Gaussian over the weights of a logistic
/// CTR model on the observed context (its dimensions, then 1). The prior is N(0, 1). Items are
/// chosen by a draw of the weights (Thompson sampling); the CTR behind the bid is the MAP.
struct LogisticPosterior: Equatable {
    let items: Int
    /// Observed size + 1.
    let width: Int
    var mean: [Double]
    var precision: [Double]

    init(items: Int, width: Int) {
        self.items = items
        self.width = width
        mean = Array(repeating: 0, count: items * width)
        precision = Array(repeating: 1, count: items * width)
    }

    /// The MAP CTR of `item` at the observed context `x`.
    @inline(__always)
    func estimate(_ item: Int, _ x: [Double]) -> Double {
        var logit = 0.0
        let base = item * width
        for index in 0..<width { logit += mean[base + index] * x[index] }
        return DeterministicMath.logistic(logit)
    }

    /// The CTR of `item` under one draw of its weights.
    @inline(__always)
    func sample(_ item: Int, _ x: [Double], _ stream: inout RandomStream) -> Double {
        var logit = 0.0
        let base = item * width
        var index = 0
        while index < width {
            let (first, second) = stream.normalPair()
            logit += (mean[base + index] + first / precision[base + index].squareRoot()) * x[index]
            if index + 1 < width {
                let next = base + index + 1
                logit += (mean[next] + second / precision[next].squareRoot()) * x[index + 1]
            }
            index += 2
        }
        return DeterministicMath.logistic(logit)
    }

    /// The Laplace update of `item` from impressions (rows of `width` features) and their
    /// clicks: the MAP of the posterior under the current Gaussian prior by Newton's method,
    /// then precision += sum of p (1 - p) x^2 at the MAP.
    mutating func update(_ item: Int, features: [Double], clicks: [Bool]) {
        let n = width
        let base = item * n
        let prior = Array(mean[base..<(base + n)])
        let priorPrecision = Array(precision[base..<(base + n)])
        var weights = prior
        for _ in 0..<25 {
            var gradient = (0..<n).map { priorPrecision[$0] * (weights[$0] - prior[$0]) }
            var hessian = [Double](repeating: 0, count: n * n)
            for index in 0..<n { hessian[index * n + index] = priorPrecision[index] }
            for (row, click) in clicks.enumerated() {
                let x = row * n
                var logit = 0.0
                for index in 0..<n { logit += weights[index] * features[x + index] }
                let p = DeterministicMath.logistic(logit)
                let residual = p - (click ? 1 : 0)
                let curvature = p * (1 - p)
                for i in 0..<n {
                    gradient[i] += residual * features[x + i]
                    for j in 0...i {
                        hessian[i * n + j] += curvature * features[x + i] * features[x + j]
                    }
                }
            }
            for i in 0..<n { for j in 0..<i { hessian[j * n + i] = hessian[i * n + j] } }
            guard let step = LabMath.solve(hessian, gradient, n) else { break }
            var largest = 0.0
            for index in 0..<n {
                weights[index] -= step[index]
                largest = max(largest, abs(step[index]))
            }
            if largest < 1e-9 { break }
        }
        var updated = priorPrecision
        for row in 0..<clicks.count {
            let x = row * n
            var logit = 0.0
            for index in 0..<n { logit += weights[index] * features[x + index] }
            let p = DeterministicMath.logistic(logit)
            for index in 0..<n {
                updated[index] += p * (1 - p) * features[x + index] * features[x + index]
            }
        }
        for index in 0..<n {
            mean[base + index] = weights[index]
            precision[base + index] = updated[index]
        }
    }
}
