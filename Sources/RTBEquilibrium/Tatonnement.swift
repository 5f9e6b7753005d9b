import RTBCore
import RTBTrace

/// The price-adjustment process: the documented rules every run follows and the checker
/// recomputes (docs/equilibrium.md).
public enum Tatonnement {
    /// Round 1's prices: every price 1, or seeded draws uniform in [0.2, 1.8) from the stream
    /// (seed, "start-prices"); then normalised.
    public static func startPrices(_ config: EconomyConfig) -> [Double] {
        switch config.start {
        case .uniform: return [Double](repeating: 1, count: config.goods)
        case .seeded:
            var random = RandomStream(seed: config.seed, key: StreamKey("start-prices"))
            return normalised((0..<config.goods).map { _ in random.uniform(0.2, 1.8) })
        }
    }

    /// Prices scaled so that they sum to the number of goods (demand is homogeneous of degree
    /// zero in prices, so only relative prices matter).
    public static func normalised(_ prices: [Double]) -> [Double] {
        var sum = 0.0
        for price in prices { sum += price }
        let scale = Double(prices.count) / sum
        return prices.map { $0 * scale }
    }

    /// The largest |excess_g| / total_g.
    public static func largestRelativeExcess(_ excess: [Double], totals: [Double]) -> Double {
        var largest = 0.0
        for good in excess.indices {
            let relative = abs(excess[good] / totals[good])
            if !(relative <= largest) { largest = relative }
        }
        return largest
    }

    /// The next round's prices: p_g * (1 + step * z_g / E_g), the factor clamped to [0.5, 2]
    /// (so prices stay positive and move at most by a factor 2 a round), then normalised.
    public static func update(
        _ prices: [Double], excess: [Double], totals: [Double], step: Double
    ) -> [Double] {
        var next = prices
        for good in prices.indices {
            let factor = min(2, max(0.5, 1 + step * (excess[good] / totals[good])))
            next[good] = prices[good] * factor
        }
        return normalised(next)
    }

    /// Excess demand estimated from `size` agents drawn with replacement from the stream
    /// (seed, "sample", round): N / m times the sample's sum of x - e, and the 95% half-width
    /// 1.96 * N * s / sqrt(m), s the sample standard deviation of x_g - e_g.
    public static func sampledExcess(
        _ economy: Economy, at prices: [Double], size: Int, seed: UInt64, round: Int,
        parallel: ParallelWork
    ) -> (excess: [Double], bound: [Double]) {
        var random = RandomStream(seed: seed, key: StreamKey("sample").appending(round))
        let picks = (0..<size).map { _ in Int(random.next(below: UInt64(economy.agents))) }
        let factors = economy.roundFactors(prices)
        let goods = economy.goods
        let chunks = (size + Economy.chunkAgents - 1) / Economy.chunkAgents
        let partials = parallel.map(chunks) { chunk in
            var sum = [Double](repeating: 0, count: goods)
            var squares = [Double](repeating: 0, count: goods)
            var bundle = [Double](repeating: 0, count: goods)
            for index in Economy.range(chunk, of: size) {
                let agent = picks[index]
                economy.demand(of: agent, prices: prices, factors: factors, into: &bundle)
                for good in 0..<goods {
                    let net = bundle[good] - economy.endowments[agent * goods + good]
                    sum[good] += net
                    squares[good] += net * net
                }
            }
            return (sum, squares)
        }
        var sum = [Double](repeating: 0, count: goods)
        var squares = [Double](repeating: 0, count: goods)
        for partial in partials {
            for good in 0..<goods {
                sum[good] += partial.0[good]
                squares[good] += partial.1[good]
            }
        }
        let population = Double(economy.agents)
        let m = Double(size)
        var excess = [Double](repeating: 0, count: goods)
        var bound = [Double](repeating: 0, count: goods)
        for good in 0..<goods {
            excess[good] = population / m * sum[good]
            let mean = sum[good] / m
            let variance = size > 1 ? max(0, (squares[good] - m * mean * mean) / (m - 1)) : 0
            bound[good] = 1.96 * population * variance.squareRoot() / m.squareRoot()
        }
        return (excess, bound)
    }
}
