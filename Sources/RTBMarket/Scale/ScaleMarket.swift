import RTBCore
import RTBEvents
import RTBTrace

/// The agents of scale mode as struct-of-arrays (10 bytes each): base value and budget left in
/// cents, and wins (the initial budget is recomputed from the seed when needed). A round is scanned in any partition of the agents (`scan`), the
/// partial results merged in partition order (`merge`), and the winners settled (`settle`):
/// the outcome is the same for any number of partitions.
public struct ScaleMarket: Sendable {
    public let config: ScaleConfig
    public private(set) var baseValueCents: [UInt16]
    public private(set) var budgetCents: [Int32]
    public private(set) var wins: [UInt32]
    /// Bytes of agent state per agent.
    public static let bytesPerAgent =
        MemoryLayout<UInt16>.size + MemoryLayout<Int32>.size + MemoryLayout<UInt32>.size

    public init(config: ScaleConfig) {
        precondition(config.validate() == nil, "invalid scale config")
        self.config = config
        baseValueCents = (0..<config.agents).map { UInt16(Self.profile(config.seed, $0).value) }
        budgetCents = (0..<config.agents).map { Int32(Self.profile(config.seed, $0).budget) }
        wins = [UInt32](repeating: 0, count: config.agents)
    }

    /// An agent's base value ($1.00-$50.00) and initial budget ($50-$500), in cents.
    static func profile(_ seed: UInt64, _ agent: Int) -> (value: Int64, budget: Int64) {
        let bits = SplitMix64.mix(SplitMix64.mix(seed ^ 0x5CA1_E000) ^ UInt64(agent))
        return (100 + Int64(bits % 4_901), 5_000 + Int64((bits >> 32) % 45_001))
    }

    /// The best bids of a partition: at most `keep`, ranked by bid (highest first), ties by
    /// agent (lowest first), plus the number of agents that bid.
    public struct PartialTop: Sendable {
        public var bids: [OpenBid] = []
        public var bidders = 0

        public init() {}
    }

    /// Bids kept per round: one more than the awards, enough to price every mechanism.
    public var keep: Int { config.slots + 1 }

    /// An agent's value this round: its base value times 0.8-1.2, from a counter-based hash
    /// of (seed, agent, round) (no state, so any partition computes the same value).
    @inline(__always)
    func value(agent: Int, round: Int) -> Int64 {
        let bits = SplitMix64.mix(
            SplitMix64.mix(config.seed ^ UInt64(round) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(agent))
        return Int64(baseValueCents[agent]) * Int64(800 + bits % 401) / 1_000
    }

    /// Scans agents `range` for round `round`.
    public func scan(_ range: Range<Int>, round: Int) -> PartialTop {
        var top = PartialTop()
        top.bids.reserveCapacity(keep + 1)
        let shade = config.mechanism == .firstPrice
        let reserve = config.reserveCents
        var threshold = Int64.min  // lowest kept bid once the list is full
        for agent in range {
            var bid = value(agent: agent, round: round)
            if shade { bid = bid * 9 / 10 }  // first price: bid 90% of value
            guard bid >= reserve, bid <= Int64(budgetCents[agent]) else { continue }
            top.bidders += 1
            if top.bids.count == keep && bid <= threshold { continue }  // later agents lose ties
            var position = top.bids.count
            while position > 0 && top.bids[position - 1].cents < bid { position -= 1 }
            top.bids.insert(OpenBid(campaign: agent, cents: bid), at: position)
            if top.bids.count > keep { top.bids.removeLast() }
            if top.bids.count == keep { threshold = top.bids[keep - 1].cents }
        }
        return top
    }

    /// Merges partial results given in agent order into the round's top bids.
    public func merge(_ parts: [PartialTop]) -> PartialTop {
        var merged = PartialTop()
        for part in parts {
            merged.bidders += part.bidders
            for bid in part.bids {
                var position = merged.bids.count
                while position > 0
                    && (merged.bids[position - 1].cents < bid.cents
                        || (merged.bids[position - 1].cents == bid.cents
                            && merged.bids[position - 1].campaign > bid.campaign))
                {
                    position -= 1
                }
                merged.bids.insert(bid, at: position)
                if merged.bids.count > keep { merged.bids.removeLast() }
            }
        }
        return merged
    }

    /// Clears the round with the configured mechanism and charges the winners; returns the
    /// event to record.
    public mutating func settle(round: Int, top: PartialTop) -> ScaleRound {
        let sealed = top.bids.map { SealedBid(bidder: $0.campaign, amount: $0.cents) }
        let awards: [Award]
        do {
            awards = try auctionMechanism(config.mechanism).clear(
                sealed, items: config.items, reserve: config.reserveCents)
        } catch {
            preconditionFailure("scale config validated but mechanism failed: \(error)")
        }
        var recorded: [OpenBid] = []
        for award in awards {
            let payment = RoundingRule.mulDiv(award.payment, 1, 1_000)
            budgetCents[award.bidder] -= Int32(payment)  // payment <= bid <= budget
            wins[award.bidder] += 1
            recorded.append(OpenBid(campaign: award.bidder, cents: payment))
        }
        return ScaleRound(
            round: round, bidders: Int64(top.bidders), mechanism: config.mechanism, top: top.bids,
            awards: recorded)
    }

    /// Total paid by all agents so far.
    public var totalSpendCents: Int64 {
        budgetCents.indices.reduce(0) {
            $0 + Self.profile(config.seed, $1).budget - Int64(budgetCents[$1])
        }
    }
}
