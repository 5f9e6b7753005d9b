import RTBCore
import RTBTrace

/// Checks a tatonnement run from its events alone: it sums the recorded endowments itself,
/// recomputes every price update from the documented rule, and judges the final allocation
/// by first-order conditions (not by the engine's demand formula) and by a search for a
/// Pareto-improving trade between two agents. Tolerances are documented in docs/equilibrium.md.
public final class EquilibriumChecker: ModelChecker {
    public static let invariants = [
        InvariantInfo(name: "prices-positive", summary: "every announced price is finite and > 0"),
        InvariantInfo(
            name: "walras-law",
            summary: "the value of excess demand is zero: |p.z| <= 1e-8 p.E at every round"),
        InvariantInfo(
            name: "tatonnement-step",
            summary:
                "round 1 starts at the drawn prices; each later round's prices follow the step rule"
        ),
        InvariantInfo(
            name: "outcome-truthful",
            summary: "the outcome recorded matches the excess demand and the round limit"),
        InvariantInfo(
            name: "equilibrium-found",
            summary: "the process reached an equilibrium (fails for a run that did not converge)"),
        InvariantInfo(
            name: "bundle-affordable",
            summary: "every final bundle costs at most the agent's endowment at equilibrium prices"),
        InvariantInfo(
            name: "bundle-optimal",
            summary: "every final bundle spends the budget and meets the first-order conditions"),
        InvariantInfo(
            name: "allocation-consistent",
            summary:
                "every agent gets one bundle, and bundles minus endowments sum to the final excess"),
        InvariantInfo(
            name: "no-pareto-trade",
            summary: "no two agents can both gain by trading two goods (extreme-MRS search)"),
    ]

    static let walrasTolerance = 1e-8
    static let budgetTolerance = 1e-10
    static let optimalityTolerance = 1e-7
    static let clearingTolerance = 1e-8
    static let paretoGap = 1e-6

    let config: EconomyConfig
    let runFinished: Bool
    var lastSequence: UInt64 = 0
    public private(set) var tally = CheckTally(invariants: EquilibriumChecker.invariants)
    var goods: Int
    var agents = 0
    var endowments: [Double] = []
    var weights: [Double] = []
    var totals: [Double]
    var partial: [Double]
    var startPrices: [Double] = []
    var last: RoundPriced?
    var ended: TatonnementEnded?
    var allocated = 0
    var bundleSums: [Double]
    var search: ParetoSearch

    public init(config: EconomyConfig, runFinished: Bool = true) {
        self.config = config
        self.runFinished = runFinished
        goods = config.goods
        totals = [Double](repeating: 0, count: config.goods)
        partial = totals
        bundleSums = totals
        search = ParetoSearch(goods: config.goods, sigma: config.sigma)
    }

    public func observe(_ event: EconomyEvent, sequence: UInt64, size: Int) {
        lastSequence = sequence
        switch event.body {
        case .economyDrawn(let drawn):
            agents = drawn.agents
            startPrices = drawn.startPrices
            endowments.reserveCapacity(drawn.agents * goods)
            weights.reserveCapacity(drawn.agents * goods)
            checkPrices(drawn.startPrices, at: sequence)
        case .agentDrawn(let agent): observe(agent, at: sequence)
        case .roundPriced(let round): observe(round, at: sequence)
        case .tatonnementEnded(let end): observe(end, at: sequence)
        case .bundleAllocated(let bundle): observe(bundle, at: sequence)
        }
    }

    func observe(_ agent: AgentDrawn, at sequence: UInt64) {
        guard agent.agent == endowments.count / goods, agent.endowment.count == goods,
            agent.weights.count == goods
        else {
            tally.count(
                7, holds: false, at: sequence,
                witness: "agent \(agent.agent) drawn out of order or with the wrong number of goods"
            )
            return
        }
        endowments += agent.endowment
        weights += agent.weights
        for good in 0..<goods { partial[good] += agent.endowment[good] }
        let drawn = agent.agent + 1
        if drawn % Economy.chunkAgents == 0 || drawn == agents {
            for good in 0..<goods { totals[good] += partial[good] }
            partial = [Double](repeating: 0, count: goods)
        }
    }

    func checkPrices(_ prices: [Double], at sequence: UInt64) {
        let bad = prices.firstIndex { !($0 > 0 && $0.isFinite) }
        tally.count(
            0, holds: prices.count == goods && bad == nil, at: sequence,
            witness: bad.map { "price of good \($0) is \(prices[$0])" }
                ?? "\(prices.count) prices for \(goods) goods")
    }

    func checkWalras(prices: [Double], excess: [Double], at sequence: UInt64) {
        guard prices.count == goods, excess.count == goods else { return }
        var value = 0.0
        var scale = 0.0
        for good in 0..<goods {
            value += prices[good] * excess[good]
            scale += abs(prices[good]) * totals[good]
        }
        tally.count(
            1, holds: abs(value) <= Self.walrasTolerance * scale, at: sequence,
            witness: "p.z = \(value), p.E = \(scale)")
    }

    /// The step rule, recomputed: p_g * clamp(1 + step * z_g / E_g, 0.5, 2), normalised to sum G.
    func expectedPrices(after round: RoundPriced) -> [Double] {
        var next = [Double](repeating: 0, count: goods)
        var sum = 0.0
        for good in 0..<goods {
            var factor = 1 + config.step * (round.excess[good] / totals[good])
            if factor < 0.5 { factor = 0.5 }
            if factor > 2 { factor = 2 }
            next[good] = round.prices[good] * factor
            sum += next[good]
        }
        let scale = Double(goods) / sum
        for good in 0..<goods { next[good] *= scale }
        return next
    }

    func observe(_ round: RoundPriced, at sequence: UInt64) {
        checkPrices(round.prices, at: sequence)
        checkWalras(prices: round.prices, excess: round.excess, at: sequence)
        let expected = last.map(expectedPrices) ?? startPrices
        tally.count(
            2, holds: round.prices == expected && round.round == (last?.round ?? 0) + 1,
            at: sequence,
            witness: "round \(round.round) announced \(round.prices), the rule gives \(expected)")
        last = round
    }

    func observe(_ end: TatonnementEnded, at sequence: UInt64) {
        ended = end
        checkPrices(end.prices, at: sequence)
        checkWalras(prices: end.prices, excess: end.excess, at: sequence)
        let largest = Self.largestRelative(end.excess, totals)
        let estimate = last.map { Self.largestRelative($0.excess, totals) } ?? .infinity
        let sampled = config.sample > 0
        var truthful = last?.prices == end.prices && last?.round == end.rounds
        if !sampled { truthful = truthful && last?.excess == end.excess }
        switch end.outcome {
        case .converged: truthful = truthful && largest < config.tolerance
        case .roundLimit:
            truthful = truthful && end.rounds == config.maxRounds && estimate >= config.tolerance
        case .sampleNotExact:
            truthful =
                truthful && sampled && estimate < config.tolerance && largest >= config.tolerance
        }
        tally.count(
            3, holds: truthful, at: sequence,
            witness: "outcome \(end.outcome) after \(end.rounds) rounds: largest relative excess "
                + "\(largest) (last round's \(estimate)), tolerance \(config.tolerance)")
        tally.count(
            4, holds: end.outcome == .converged, at: sequence,
            witness:
                "\(end.outcome) after \(end.rounds) rounds, largest relative excess \(largest) "
                + "(tolerance \(config.tolerance))")
    }

    func observe(_ allocation: BundleAllocated, at sequence: UInt64) {
        let agent = allocation.agent
        let bundle = allocation.bundle
        guard let prices = ended?.prices, agent == allocated, agent < agents,
            bundle.count == goods
        else {
            tally.count(
                7, holds: false, at: sequence,
                witness: "bundle of agent \(agent) unexpected (next \(allocated) of \(agents))")
            return
        }
        allocated += 1
        for good in 0..<goods {
            bundleSums[good] += bundle[good] - endowments[agent * goods + good]
        }
        let row = agent * goods..<(agent + 1) * goods
        let weight = Array(weights[row])
        var cost = 0.0
        var wealth = 0.0
        for good in 0..<goods {
            cost += prices[good] * bundle[good]
            wealth += prices[good] * endowments[agent * goods + good]
        }
        tally.count(
            5, holds: cost <= wealth * (1 + Self.budgetTolerance), at: sequence,
            witness: "agent \(agent)'s bundle costs \(cost), its endowment is worth \(wealth)")
        let spread = FirstOrderConditions.spread(
            bundle: bundle, weights: weight, prices: prices, sigma: config.sigma,
            preference: config.preference)
        let spends = cost >= wealth * (1 - Self.budgetTolerance)
        tally.count(
            6, holds: spends && spread <= Self.optimalityTolerance, at: sequence,
            witness: "agent \(agent): spends \(cost) of \(wealth); first-order conditions differ "
                + "by \(spread) (log scale) at prices \(prices)")
        if config.preference != .leontief {
            search.observe(agent: agent, bundle: bundle, weights: weight)
        }
        if allocated == agents { finishAllocation(at: sequence) }
    }

    func finishAllocation(at sequence: UInt64) {
        guard let end = ended else { return }
        var worst = 0.0
        for good in 0..<goods {
            worst = max(worst, abs(bundleSums[good] - end.excess[good]) / totals[good])
        }
        tally.count(
            7, holds: worst <= Self.clearingTolerance, at: sequence,
            witness:
                "bundles minus endowments differ from the recorded excess by \(worst) of a total")
        guard config.preference != .leontief else { return }
        for (pair, trade) in search.confirmedTrades() {
            tally.count(
                8, holds: trade == nil, at: sequence,
                witness: trade ?? "goods \(pair.0) and \(pair.1)")
        }
    }

    static func largestRelative(_ excess: [Double], _ totals: [Double]) -> Double {
        var largest = 0.0
        for good in excess.indices where good < totals.count {
            let relative = abs(excess[good]) / totals[good]
            if !(relative <= largest) { largest = relative }
        }
        return largest
    }

    public func finish() {
        guard runFinished, let end = ended, end.outcome == .converged else { return }
        tally.count(
            7, holds: allocated == agents, at: lastSequence,
            witness: "\(allocated) of \(agents) agents received a bundle")
    }

    public var summaryMetrics: [NamedMetric] {
        EquilibriumMetrics.metrics(
            agents: agents, rounds: ended?.rounds ?? last?.round ?? 0, outcome: ended?.outcome,
            finalExcess: ended?.excess ?? [], totals: totals)
    }

    public var notes: [String] {
        guard config.preference != .leontief else {
            return ["no-pareto-trade is not checked for Leontief preferences (no marginal rates)"]
        }
        return [
            "no-pareto-trade: for every pair of goods, the agents with the highest and lowest "
                + "marginal rate of substitution; a gap above \(Self.paretoGap) (log scale) counts "
                + "only when a trade between them that raises both utilities is found"
        ]
    }
}
