/// One auction round's working storage, allocated once per run: the participants' integers
/// (`stride` per participant, the RoundPlayed event's `bids`), the filled slots (three integers
/// each, its `outcome`), the participants' choices, the ranking and the pool the participants
/// are drawn from. A round writes about fifty integers here; in arrays each write paid a
/// uniqueness and a bounds check that cost more than the round's arithmetic.
///
/// Indices are the caller's to keep in range: `participants` x `stride` bids, `slots` x 3
/// outcome integers, `participants` choices, ranks, slots and sorted bids, `agents` pool entries,
/// `participants` x `items` CTRs (`items` the most any agent has).
final class RoundScratch {
    let participants: Int
    let stride: Int
    let bids: UnsafeMutablePointer<Int64>
    let outcome: UnsafeMutablePointer<Int64>
    /// Integers written to `outcome` this round (three per filled slot).
    var outcomeCount = 0
    let chosen: UnsafeMutablePointer<Choice>
    let ranking: UnsafeMutablePointer<Int>
    /// Per participant its filled slot (-1: none); the draw's swap targets before that.
    let slotOf: UnsafeMutablePointer<Int>
    let sorted: UnsafeMutablePointer<Int64>
    /// Per eligible participant its index in `sorted`.
    let rankOf: UnsafeMutablePointer<Int>
    /// The agents in a permutation the participants are drawn from (the identity between rounds).
    let pool: UnsafeMutablePointer<Int>
    /// The round's true CTR of every participant's items, participant after participant (its
    /// items from `firstCTR[p]`), before the user's factors.
    let ctrs: UnsafeMutablePointer<Double>
    let firstCTR: UnsafeMutablePointer<Int>
    /// What a round reads of each agent, and every agent's items' click values (units and
    /// micro-units, flattened agent after agent), set at each run's start (`load`).
    let agentRows: UnsafeMutablePointer<AgentRow>
    private(set) var values: UnsafeMutablePointer<Double>
    private(set) var micros: UnsafeMutablePointer<Int64>
    private var itemCapacity = 0

    init(participants: Int, stride: Int, agents: Int, slots: Int, items: Int) {
        self.participants = participants
        self.stride = stride
        bids = .allocate(capacity: max(1, participants * stride))
        bids.initialize(repeating: 0, count: max(1, participants * stride))
        outcome = .allocate(capacity: max(1, slots * 3))
        outcome.initialize(repeating: 0, count: max(1, slots * 3))
        chosen = .allocate(capacity: max(1, participants))
        chosen.initialize(repeating: Choice(), count: max(1, participants))
        ranking = .allocate(capacity: max(1, participants))
        ranking.initialize(repeating: 0, count: max(1, participants))
        slotOf = .allocate(capacity: max(1, participants))
        slotOf.initialize(repeating: 0, count: max(1, participants))
        sorted = .allocate(capacity: max(1, participants))
        sorted.initialize(repeating: 0, count: max(1, participants))
        rankOf = .allocate(capacity: max(1, participants))
        rankOf.initialize(repeating: 0, count: max(1, participants))
        pool = .allocate(capacity: max(1, agents))
        for agent in 0..<agents { (pool + agent).initialize(to: agent) }
        ctrs = .allocate(capacity: max(1, participants * items))
        ctrs.initialize(repeating: 0, count: max(1, participants * items))
        firstCTR = .allocate(capacity: max(1, participants))
        firstCTR.initialize(repeating: 0, count: max(1, participants))
        agentRows = .allocate(capacity: max(1, agents))
        agentRows.initialize(repeating: AgentRow(), count: max(1, agents))
        values = .allocate(capacity: 1)
        micros = .allocate(capacity: 1)
    }

    /// A run's tables from its agents' items: their click values, flattened agent after
    /// agent, and per agent its first item and item count there (`firstItem` has one entry
    /// more than agents), its allocator and bidder, its budget.
    func load(
        items: [ItemSet], firstItem: [Int], thompson: [Bool], kinds: [BidderKind],
        budgets: [Int64]
    ) {
        let total = firstItem.last ?? 0
        if total > itemCapacity {
            values.deallocate()
            micros.deallocate()
            itemCapacity = total
            values = .allocate(capacity: itemCapacity)
            micros = .allocate(capacity: itemCapacity)
        }
        for agent in items.indices {
            for item in 0..<items[agent].count {
                values[firstItem[agent] + item] = items[agent].values[item]
                micros[firstItem[agent] + item] = items[agent].valueMicros[item]
            }
            agentRows[agent] = AgentRow(
                first: firstItem[agent], count: items[agent].count,
                thompson: thompson[agent], truthful: kinds[agent] == .truthful,
                budget: budgets[agent])
        }
    }

    deinit {
        bids.deallocate()
        outcome.deallocate()
        chosen.deallocate()
        ranking.deallocate()
        slotOf.deallocate()
        sorted.deallocate()
        rankOf.deallocate()
        pool.deallocate()
        ctrs.deallocate()
        firstCTR.deallocate()
        agentRows.deallocate()
        values.deallocate()
        micros.deallocate()
    }

    /// The round's bids, every participant's `stride` integers.
    var bidBuffer: UnsafeBufferPointer<Int64> {
        UnsafeBufferPointer(start: bids, count: participants * stride)
    }

    /// The round's filled slots, three integers each.
    var outcomeBuffer: UnsafeBufferPointer<Int64> {
        UnsafeBufferPointer(start: outcome, count: outcomeCount)
    }

    /// Appends a filled slot: the participant's position, the price and the click.
    @inline(__always)
    func fill(position: Int, price: Int64, click: Bool) {
        outcome[outcomeCount] = Int64(position)
        outcome[outcomeCount + 1] = price
        outcome[outcomeCount + 2] = click ? 1 : 0
        outcomeCount += 3
    }
}

/// What a round reads of one agent: where its items start in the flattened lists and how many
/// there are, whether it allocates by Thompson sampling and bids truthfully, its budget.
struct AgentRow {
    var first = 0
    var count = 0
    var thompson = false
    var truthful = true
    var budget: Int64 = 0
}
