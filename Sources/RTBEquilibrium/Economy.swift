import RTBCore
import RTBTrace

/// The agents of an exchange economy, stored flat (agent-major: agent i's good g at
/// i * goods + g), and their demand at given prices.
///
/// Every preference family here has a closed-form demand of one shape,
///     x_g = w * b_g * r_g / sum_h (b_h * r_h * p_h),    w = sum_h p_h * e_h,
/// where b_g is a per-agent constant and r_g a per-round constant:
/// - Cobb-Douglas (U = sum a_g log x_g): b_g = a_g, r_g = 1 / p_g;
/// - CES with elasticity sigma (U = (sum a_g x_g^rho)^(1/rho), rho = (sigma - 1) / sigma):
///   b_g = a_g^sigma, r_g = p_g^-sigma;
/// - Leontief (U = min over a_g > 0 of x_g / a_g): b_g = a_g, r_g = 1.
/// Powers come from `DeterministicMath`, so demand has the same bits on every platform.
public struct Economy: Sendable {
    public let agents: Int
    public let goods: Int
    public let preference: Preference
    public let sigma: Double
    public let endowments: [Double]
    public let weights: [Double]
    /// b_g per agent (see above).
    let scaled: [Double]
    /// Total endowment of each good, summed in the documented order (`chunkSums`).
    public let totals: [Double]

    /// Agents per chunk of every scan: sums are taken agent by agent within a chunk, then
    /// chunk by chunk in order, whatever the number of threads (docs/equilibrium.md).
    public static let chunkAgents = 8_192

    public init(config: EconomyConfig, parallel: ParallelWork) {
        agents = config.agents
        goods = config.goods
        preference = config.preference
        sigma = config.sigma
        let chunks = (config.agents + Self.chunkAgents - 1) / Self.chunkAgents
        let drawn = parallel.map(chunks) { chunk in
            Self.draw(config: config, agents: Self.range(chunk, of: config.agents))
        }
        var endowments: [Double] = []
        var weights: [Double] = []
        var scaled: [Double] = []
        endowments.reserveCapacity(agents * goods)
        weights.reserveCapacity(agents * goods)
        scaled.reserveCapacity(agents * goods)
        for part in drawn {
            endowments += part.endowments
            weights += part.weights
            scaled += part.scaled
        }
        self.endowments = endowments
        self.weights = weights
        self.scaled = scaled
        totals = Self.chunkSums(of: endowments, goods: goods, agents: agents)
    }

    /// The agents of chunk `chunk`.
    static func range(_ chunk: Int, of agents: Int) -> Range<Int> {
        chunk * chunkAgents..<min(agents, (chunk + 1) * chunkAgents)
    }

    /// Column sums of an agent-major table in the documented order.
    public static func chunkSums(of table: [Double], goods: Int, agents: Int) -> [Double] {
        var totals = [Double](repeating: 0, count: goods)
        var chunkStart = 0
        while chunkStart < agents {
            var partial = [Double](repeating: 0, count: goods)
            for agent in chunkStart..<min(agents, chunkStart + chunkAgents) {
                for good in 0..<goods { partial[good] += table[agent * goods + good] }
            }
            for good in 0..<goods { totals[good] += partial[good] }
            chunkStart += chunkAgents
        }
        return totals
    }

    /// Draws the agents in `range`: each from its own stream (seed, "economy-agent", index), so
    /// adding agents never changes the ones before.
    static func draw(config: EconomyConfig, agents range: Range<Int>)
        -> (endowments: [Double], weights: [Double], scaled: [Double])
    {
        let goods = config.goods
        var endowments: [Double] = []
        var weights: [Double] = []
        var scaled: [Double] = []
        endowments.reserveCapacity(range.count * goods)
        weights.reserveCapacity(range.count * goods)
        scaled.reserveCapacity(range.count * goods)
        let key = StreamKey("economy-agent")
        var row = [Double](repeating: 0, count: goods)
        for agent in range {
            switch config.economy {
            case .scarf:
                let own = agent % 3
                for good in 0..<3 {
                    endowments.append(good == own ? 1 : 0)
                    row[good] = good == own || good == (own + 1) % 3 ? 0.5 : 0
                }
            case .seeded:
                var random = RandomStream(seed: config.seed, key: key.appending(agent))
                var sum = 0.0
                for good in 0..<goods {
                    endowments.append(random.uniform(config.endowmentLow, config.endowmentHigh))
                    row[good] = random.uniform(0.1, 1)
                    sum += row[good]
                }
                for good in 0..<goods { row[good] /= sum }
            }
            weights += row
            for good in 0..<goods { scaled.append(scale(row[good], config: config)) }
        }
        return (endowments, weights, scaled)
    }

    /// b_g for a weight a_g.
    static func scale(_ weight: Double, config: EconomyConfig) -> Double {
        switch config.preference {
        case .cobbDouglas, .leontief: return weight
        case .ces: return weight == 0 ? 0 : DeterministicMath.pow(weight, config.elasticity)
        }
    }

    /// The per-round constants r_g and q_g = r_g * p_g at `prices`.
    public func roundFactors(_ prices: [Double]) -> (r: [Double], q: [Double]) {
        var r = [Double](repeating: 1, count: goods)
        for good in 0..<goods {
            switch preference {
            case .cobbDouglas: r[good] = 1 / prices[good]
            case .ces: r[good] = DeterministicMath.pow(prices[good], -sigma)
            case .leontief: r[good] = 1
            }
        }
        return (r, (0..<goods).map { r[$0] * prices[$0] })
    }

    /// Agent `agent`'s demand at `prices` (with `factors` = roundFactors(prices)), written into
    /// `bundle`.
    public func demand(
        of agent: Int, prices: [Double], factors: (r: [Double], q: [Double]),
        into bundle: inout [Double]
    ) {
        let base = agent * goods
        var wealth = 0.0
        var denominator = 0.0
        for good in 0..<goods {
            wealth += prices[good] * endowments[base + good]
            denominator += scaled[base + good] * factors.q[good]
        }
        let share = wealth / denominator
        for good in 0..<goods { bundle[good] = share * scaled[base + good] * factors.r[good] }
    }

    /// Aggregate excess demand at `prices`, scanning every agent (chunk sums in order).
    public func excessDemand(at prices: [Double], parallel: ParallelWork) -> [Double] {
        let factors = roundFactors(prices)
        let chunks = (agents + Self.chunkAgents - 1) / Self.chunkAgents
        let partials = parallel.map(chunks) { chunk in
            self.demandSum(Self.range(chunk, of: self.agents), prices: prices, factors: factors)
        }
        var excess = [Double](repeating: 0, count: goods)
        for partial in partials {
            for good in 0..<goods { excess[good] += partial[good] }
        }
        for good in 0..<goods { excess[good] -= totals[good] }
        return excess
    }

    /// Sum of the demands of `range`, agent by agent.
    func demandSum(_ range: Range<Int>, prices: [Double], factors: (r: [Double], q: [Double]))
        -> [Double]
    {
        var sum = [Double](repeating: 0, count: goods)
        var bundle = [Double](repeating: 0, count: goods)
        for agent in range {
            demand(of: agent, prices: prices, factors: factors, into: &bundle)
            for good in 0..<goods { sum[good] += bundle[good] }
        }
        return sum
    }
}
