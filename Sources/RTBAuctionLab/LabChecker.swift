import RTBCore
import RTBTrace

/// Checks an auction-lab run from its events alone: every round's allocation and prices
/// against the auction's rules (its own ranking of the recorded bids), budgets, every
/// iteration's accounts against its own fold of the rounds, the regret decomposition, and the
/// Thompson-sampling updates against the impressions each item won.
public final class LabChecker: ModelChecker {
    public static let invariants = [
        InvariantInfo(
            name: "payment-rule",
            summary:
                "first price: a winner pays its bid; second price: the next eligible score (per click: divided by the winner's quality, rounded up), never below the reserve"
        ),
        InvariantInfo(
            name: "winners-ordered",
            summary:
                "the filled slots go to the highest eligible scores in order (eligible: bid > 0 and at least the reserve), as many as slots and eligible bids allow"
        ),
        InvariantInfo(
            name: "no-charge-above-bid", summary: "no price exceeds its winner's bid"),
        InvariantInfo(
            name: "budget-respected",
            summary: "an agent with a budget is charged at most its budget in every iteration"),
        InvariantInfo(
            name: "accounts-match",
            summary:
                "each agent's iteration accounts and the iteration's revenue, surplus and welfare equal the checker's fold of the rounds"
        ),
        InvariantInfo(
            name: "regret-adds-up",
            summary:
                "allocation + overbid + underbid regret = hindsight optimum - expected utility, each term >= 0"
        ),
        InvariantInfo(
            name: "allocator-data",
            summary:
                "a Thompson-sampling update of an item uses exactly the impressions and clicks it won in the iteration (none: no update)"
        ),
        InvariantInfo(
            name: "rounds-complete",
            summary:
                "every iteration records its rounds in order and closes with every agent's accounts; a finished run closes every iteration"
        ),
    ]

    let config: LabConfig
    let runFinished: Bool
    public private(set) var tally = CheckTally(invariants: LabChecker.invariants)
    var accounting: RoundAccounting
    var budgets: [Int64]
    var accounts: [AgentAccounts]
    var charged: [Int64]
    /// Per agent and item: impressions and clicks won in the iteration.
    var won: [[(impressions: Int64, clicks: Int64)]]
    var expectedTick: Int64 = 0
    var roundsSeen = 0
    var summariesSeen = 0
    var iterationEnded = false
    var iterationsClosed: Int64 = 0
    var totals = LabTotals()
    var slotOf: [Int]
    var sortedBids: [Int64]
    /// The current run's users' personas.
    var userPersonas: [Int] = []

    public init(config: LabConfig, runFinished: Bool) {
        self.config = config
        self.runFinished = runFinished
        accounting = RoundAccounting(config: config)
        budgets = config.agents.map(\.budget)
        accounts = Array(repeating: AgentAccounts(), count: config.agents.count)
        charged = Array(repeating: 0, count: config.agents.count)
        won = config.agents.map { Array(repeating: (0, 0), count: $0.items) }
        slotOf = Array(repeating: 0, count: max(1, config.participants))
        sortedBids = Array(repeating: 0, count: max(1, config.participants))
    }

    public func observe(_ event: LabEvent, sequence: UInt64, size: Int) {
        lastSequence = sequence
        switch event.body {
        case .labOpened: break
        case .usersDrawn(let drawn):
            userPersonas = drawn.personas.map { Int($0) }
        case .agentDrawn(let drawn):
            guard drawn.agent < config.agents.count else { return }
            accounting.values[drawn.agent] = drawn.values
        case .roundPlayed(let round):
            played(round, tick: event.tick, at: sequence)
        case .agentIteration(let summary):
            summarized(summary, at: sequence)
        case .iterationClosed(let closed):
            let revenue = accounts.reduce(0) { $0 + $1.spend }
            let surplus = accounts.reduce(0) { $0 + $1.net }
            let welfare = accounts.reduce(0) { $0 + $1.gross }
            tally.count(
                4,
                holds: closed.revenue == revenue && closed.surplus == surplus
                    && closed.welfare == welfare, at: sequence,
                witness:
                    "run \(closed.run) iteration \(closed.iteration): revenue/surplus/welfare \(closed.revenue)/\(closed.surplus)/\(closed.welfare), rounds give \(revenue)/\(surplus)/\(welfare)"
            )
            tally.count(
                7, holds: summariesSeen == config.agents.count, at: sequence,
                witness:
                    "run \(closed.run) iteration \(closed.iteration) closes after \(summariesSeen) of \(config.agents.count) agents' accounts"
            )
            iterationsClosed += 1
            totals.iterations += 1
            iterationEnded = true
        case .bidderUpdated:
            break
        case .allocatorUpdated(let update):
            guard update.agent < won.count, update.item < won[update.agent].count else {
                tally.count(6, holds: false, at: sequence, witness: "update of an unknown item")
                return
            }
            let data = won[update.agent][update.item]
            tally.count(
                6,
                holds: data.impressions > 0 && update.impressions == data.impressions
                    && update.clicks == data.clicks, at: sequence,
                witness:
                    "agent \(update.agent) item \(update.item) updated from \(update.impressions) impressions and \(update.clicks) clicks; it won \(data.impressions) with \(data.clicks) clicks"
            )
        }
    }

    func played(_ round: RoundPlayed, tick: Int64, at sequence: UInt64) {
        if iterationEnded { startIteration() }
        tally.count(
            7, holds: tick == expectedTick, at: sequence,
            witness: "round \(tick) where round \(expectedTick) was due")
        expectedTick = tick + 1
        roundsSeen += 1
        let stride = config.bidStride
        let count = round.bids.rows
        guard round.bids.columns == stride, count == config.participants,
            round.outcome.count % 3 == 0, round.slots >= 1, round.slots <= config.maxSlots,
            (0..<count).allSatisfy({ p in
                let agent = Int(round.bids.cells[p * stride])
                let item = round.bids.cells[p * stride + 1]
                return agent >= 0 && agent < config.agents.count && item >= 0
                    && item < accounting.values[agent].count
                    && RoundAccounting.value(in: round.bids.cells, at: p, stride: stride) != nil
                    && (stride == 6 || round.bids.cells[p * stride + 6] > 0)
            }),
            (0..<(round.outcome.count / 3)).allSatisfy({
                let position = round.outcome[$0 * 3]
                return position >= 0 && position < count && round.outcome[$0 * 3 + 1] >= 0
                    && round.outcome[$0 * 3 + 2] >= 0 && round.outcome[$0 * 3 + 2] <= 1
            })
        else {
            tally.count(1, holds: false, at: sequence, witness: "round \(tick) is malformed")
            return
        }
        checkAllocation(round, count: count, tick: tick, at: sequence)
        var cvrPpm: Int64 = 1_000_000
        if config.hasUsers {
            guard round.user < userPersonas.count, userPersonas[round.user] >= 0,
                config.personas.isEmpty || userPersonas[round.user] < config.personas.count
            else {
                tally.count(
                    1, holds: false, at: sequence,
                    witness: "round \(tick): unknown user \(round.user)")
                return
            }
            if !config.personas.isEmpty {
                cvrPpm = config.personas[userPersonas[round.user]].cvrPpm
            }
        }
        round.bids.cells.withUnsafeBufferPointer { bids in
            round.outcome.withUnsafeBufferPointer { outcome in
                slotOf.withUnsafeMutableBufferPointer { slotOf in
                    sortedBids.withUnsafeMutableBufferPointer { sorted in
                        accounting.fold(
                            bids: bids, outcome: outcome, slots: round.slots, cvrPpm: cvrPpm,
                            into: &accounts, slotOf: slotOf.baseAddress!,
                            sorted: sorted.baseAddress!)
                    }
                }
            }
        }
    }

    /// Ranking, prices and charges of one well-formed round.
    func checkAllocation(_ round: RoundPlayed, count: Int, tick: Int64, at sequence: UInt64) {
        let stride = config.bidStride
        let click = config.billing == .click
        func bid(_ p: Int) -> Int64 { round.bids.cells[p * stride + 2] }
        func score(_ p: Int) -> Int64 {
            click ? bid(p) &* round.bids.cells[p * stride + 6] : bid(p)
        }
        let eligible = (0..<count).filter { bid($0) > 0 && bid($0) >= config.reserve }
        let winners = (0..<(round.outcome.count / 3)).map { Int(round.outcome[$0 * 3]) }
        let scores = eligible.map(score).sorted(by: >)
        var ordered =
            winners.count == min(round.slots, eligible.count)
            && Set(winners).count == winners.count
        for (slot, winner) in winners.enumerated() where ordered {
            ordered = eligible.contains(winner) && score(winner) == scores[slot]
        }
        tally.count(
            1, holds: ordered, at: sequence,
            witness:
                "round \(tick): slots went to positions \(winners) with scores \(winners.map(score)); eligible scores \(scores)"
        )
        for (slot, winner) in winners.enumerated() {
            let price = round.outcome[slot * 3 + 1]
            let expected: Int64
            switch config.priceRule {
            case .firstPrice:
                expected = bid(winner)
            case .secondPrice:
                let next = slot + 1 < scores.count ? scores[slot + 1] : 0
                let quality = click ? round.bids.cells[winner * stride + 6] : 1
                expected = max(config.reserve, (next + quality - 1) / quality)
            }
            tally.count(
                0, holds: price == expected, at: sequence,
                witness:
                    "round \(tick) slot \(slot + 1): price \(price), the \(config.priceRule) rule gives \(expected)"
            )
            tally.count(
                2, holds: price <= bid(winner), at: sequence,
                witness:
                    "round \(tick) slot \(slot + 1): price \(price) above the bid \(bid(winner))")
            let agent = Int(round.bids.cells[winner * stride])
            let item = Int(round.bids.cells[winner * stride + 1])
            let clicked = round.outcome[slot * 3 + 2] == 1
            won[agent][item].impressions += 1
            if clicked { won[agent][item].clicks += 1 }
            if !click || clicked {
                charged[agent] += price
                if budgets[agent] > 0 {
                    tally.count(
                        3, holds: charged[agent] <= budgets[agent], at: sequence,
                        witness:
                            "round \(tick): agent \(agent) charged \(charged[agent]) this iteration, budget \(budgets[agent])"
                    )
                }
            }
        }
    }

    func summarized(_ summary: AgentIteration, at sequence: UInt64) {
        guard summary.agent < accounts.count else {
            tally.count(4, holds: false, at: sequence, witness: "accounts of an unknown agent")
            return
        }
        let own = accounts[summary.agent].summary(
            run: summary.run, iteration: summary.iteration, agent: summary.agent)
        tally.count(
            4, holds: own == summary, at: sequence,
            witness:
                "run \(summary.run) iteration \(summary.iteration) agent \(summary.agent): recorded \(summary), rounds give \(own)"
        )
        let terms = [summary.allocationRegret, summary.overbidRegret, summary.underbidRegret]
        tally.count(
            5,
            holds: terms.allSatisfy { $0 >= 0 }
                && terms.reduce(0, +) == summary.optimum - summary.expected, at: sequence,
            witness:
                "run \(summary.run) iteration \(summary.iteration) agent \(summary.agent): regrets \(terms) sum to \(terms.reduce(0, +)), optimum - expected = \(summary.optimum - summary.expected)"
        )
        if summariesSeen == 0 {
            tally.count(
                7, holds: roundsSeen == config.rounds, at: sequence,
                witness:
                    "run \(summary.run) iteration \(summary.iteration) recorded \(roundsSeen) of \(config.rounds) rounds"
            )
        }
        summariesSeen += 1
        totals.add(summary)
    }

    /// The next iteration's first round: accounts, charges and won impressions start from zero
    /// (kept after the iteration closes for the market totals and the allocators' updates).
    func startIteration() {
        for agent in accounts.indices {
            accounts[agent] = AgentAccounts()
            charged[agent] = 0
            for item in won[agent].indices { won[agent][item] = (0, 0) }
        }
        roundsSeen = 0
        summariesSeen = 0
        iterationEnded = false
    }

    public func finish() {
        if runFinished {
            let due = Int64(config.runs) * Int64(config.iterations)
            tally.count(
                7, holds: iterationsClosed == due, at: lastSequence,
                witness: "\(iterationsClosed) of \(due) iterations closed")
        }
    }

    var lastSequence: UInt64 = 0

    public var summaryMetrics: [NamedMetric] { totals.metrics }

    public var notes: [String] {
        [
            "every round's ranking and prices recomputed from its bids; accounts and regrets folded from the rounds with the engine's rules (RoundAccounting)"
        ]
    }
}
