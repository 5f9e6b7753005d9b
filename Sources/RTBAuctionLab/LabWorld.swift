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
/// observe the first `observedSize` dimensions and the 1.
struct ContextDraw {
    var values: [Double]
    var observed: [Double]
    let deviation: Double
    let observedSize: Int

    init(config: LabConfig) {
        values = Array(repeating: 1, count: config.embeddingSize + 1)
        observed = Array(repeating: 1, count: config.observedSize + 1)
        deviation = config.embeddingVariance.squareRoot()
        observedSize = config.observedSize
    }

    @inline(__always)
    mutating func draw(_ stream: inout RandomStream) {
        let dimensions = values.count - 1
        var index = 0
        while index < dimensions {
            let (first, second) = stream.normalPair()
            values[index] = deviation * first
            if index + 1 < dimensions { values[index + 1] = deviation * second }
            index += 2
        }
        for index in 0..<observedSize { observed[index] = values[index] }
    }
}
