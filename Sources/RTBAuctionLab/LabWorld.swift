import RTBCore

/// One agent's items in one run: embeddings (then the intercept, so a dot product with a
/// context ending in 1 is the CTR's logit) and values per click, as AuctionGym draws them:
/// embedding ~ N(0, variance), intercept -3 - U(0, 1), value ~ LogNormal(0.1, 0.2).
struct ItemSet: Equatable {
    let count: Int
    /// Embedding size + 1.
    let width: Int
    /// count x width weights, item after item.
    let weights: [Double]
    /// Value of a click, micro-units (the truth; `values` is it in units).
    let valueMicros: [Int64]
    let values: [Double]

    init(config: LabConfig, run: Int, agent: Int) {
        count = config.agents[agent].items
        width = config.embeddingSize + 1
        var stream = RandomStream(
            seed: config.seed,
            key: StreamKey("auction-lab", "items").appending(run).appending(agent))
        let deviation = config.embeddingVariance.squareRoot()
        var weights: [Double] = []
        weights.reserveCapacity(count * width)
        var micros: [Int64] = []
        for _ in 0..<count {
            for _ in 0..<config.embeddingSize { weights.append(deviation * stream.normal()) }
            weights.append(-3 - stream.nextUnit())
            let value = DeterministicMath.exp(0.1 + 0.2 * stream.normal())
            micros.append(max(1, Int64((value * 1_000_000).rounded())))
        }
        self.weights = weights
        valueMicros = micros
        values = micros.map { Double($0) * 1e-6 }
    }
}

/// A round's context: N(0, variance) in every embedding dimension, then a constant 1; agents
/// observe the first `observedSize` dimensions and the 1. The normal draws come in pairs by the
/// polar method (`RandomStream.normalPair`'s values, in its order).
struct ContextDraw {
    var values: [Double]
    var observed: [Double]
    /// Scratch: the round's accepted polar points, three values (u, v, s) per pair.
    var points: [Double]
    let deviation: Double
    let observedSize: Int

    init(config: LabConfig) {
        values = Array(repeating: 1, count: config.embeddingSize + 1)
        observed = Array(repeating: 1, count: config.observedSize + 1)
        points = Array(repeating: 0, count: 3 * ((config.embeddingSize + 1) / 2))
        deviation = config.embeddingVariance.squareRoot()
        observedSize = config.observedSize
    }

    /// Draws every pair's point first and then the pairs' factors: the logarithms do not wait
    /// on one another or on a rejection test, so the processor overlaps them (the values are
    /// those of drawing pair after pair with `normalPair`).
    @inline(__always)
    mutating func draw(_ stream: inout RandomStream) {
        let dimensions = values.count - 1
        let deviation = self.deviation
        points.withUnsafeMutableBufferPointer { points in
            let pairs = points.count / 3
            for pair in 0..<pairs {
                let (u, v, s) = stream.polarPoint()
                points[3 * pair] = u
                points[3 * pair + 1] = v
                points[3 * pair + 2] = s
            }
            values.withUnsafeMutableBufferPointer { values in
                for pair in 0..<pairs {
                    let factor = RandomStream.polarFactor(points[3 * pair + 2])
                    values[2 * pair] = deviation * (points[3 * pair] * factor)
                    if 2 * pair + 1 < dimensions {
                        values[2 * pair + 1] = deviation * (points[3 * pair + 1] * factor)
                    }
                }
            }
        }
        for index in 0..<observedSize { observed[index] = values[index] }
    }
}
