import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// Open traffic: single-impression auctions (A) and direct offers (B, C), and the sampled
/// truthfulness probe.
extension EconomicChecker {
    func observeOpenAuction(_ open: OpenAuction, _ sequence: UInt64, tick: Int64) {
        openAuctionsSeen += 1
        guard open.winner > 0 else { return }
        let index = Int(open.winner) - 1
        guard index < open.bids.count else {
            check(
                .efficientAllocation, false, sequence,
                "open auction winner \(open.winner) of \(open.bids.count) bids")
            return
        }
        let winner = open.bids[index]
        let best = open.bids.map(\.cents).max() ?? 0
        let firstBest = open.bids.firstIndex { $0.cents == best } ?? 0
        check(
            .efficientAllocation, firstBest == index, sequence,
            "open auction on product \(open.product): bid \(index) won with \(winner.cents)c, bid \(firstBest) offered \(best)c first"
        )
        check(
            .winnerPaysAtMostBid, open.priceCents <= winner.cents, sequence,
            "open auction: campaign \(winner.campaign) bid \(winner.cents)c and pays \(open.priceCents)c"
        )
        let second =
            open.bids.enumerated().filter { $0.offset != index }.map(\.element.cents).max() ?? 0
        let expected = config.mechanism == .firstPrice ? winner.cents : max(second, open.floorCents)
        check(
            .paymentRule, open.priceCents == expected, sequence,
            "open auction: \(config.mechanism) price should be \(expected)c, charged \(open.priceCents)c"
        )
        let cost = Micros.saturatingImpression(cpmCents: open.priceCents)
        if winner.campaign < campaigns.count, open.product < products.count {
            let rate = config.feeRate(
                buyer: campaigns[winner.campaign].buyer.index,
                seller: products[open.product].seller.index)
            check(
                .feeRule, open.fee == rate.apply(to: cost), sequence,
                "open auction: fee \(open.fee) on \(cost), expected \(rate.apply(to: cost))")
            check(
                .pricesWithinMaxCPM,
                Micros.saturatingCents(winner.cents) <= campaigns[winner.campaign].maxCPM, sequence,
                "campaign \(winner.campaign) bid \(winner.cents)c above its max \(campaigns[winner.campaign].maxCPM)"
            )
        }
        check(
            .moneyConservedPerSettlement, open.fee <= cost, sequence,
            "open auction: fee \(open.fee) above the price \(cost)")
        pay(winner.campaign, cost, sequence)
        day.add(buyers: cost, sellers: cost.saturatingMinus(open.fee), fees: open.fee)
        if config.mechanism != .firstPrice, open.bids.count >= 2,
            openAuctionsSeen % truthfulnessSampling == 0
        {
            probeTruthfulness(open, sequence, winner: index)
        }
    }

    func observeDirectOffer(_ offer: DirectOffer, _ sequence: UInt64) {
        guard offer.accepted, offer.campaign < campaigns.count else { return }
        check(
            .pricesWithinMaxCPM,
            Micros.saturatingCents(offer.cpmCents) <= campaigns[offer.campaign].maxCPM, sequence,
            "campaign \(offer.campaign) bought at \(offer.cpmCents)c above its max \(campaigns[offer.campaign].maxCPM)"
        )
        let cost = Micros.saturatingImpression(cpmCents: offer.cpmCents)
        pay(offer.campaign, cost, sequence)
        day.add(buyers: cost, sellers: cost)
    }

    /// Each bidder's bid is taken as its value. Its utility from the recorded outcome (winner
    /// and price as the engine cleared them) must be at least its utility from any bid of a grid
    /// (0 to 2x the value) re-cleared with an independent second-price rule: a mispriced or
    /// misallocated auction shows up as a profitable deviation. The re-clearing needs only the
    /// highest eligible bid before and after the bidder, so a probe costs O(bids), not
    /// O(bids^2) (a forged event may carry any number of bids).
    func probeTruthfulness(_ open: OpenAuction, _ sequence: UInt64, winner: Int) {
        let factors: [Int64] = [
            0, 250, 500, 800, 900, 950, 990, 1_010, 1_050, 1_100, 1_250, 1_500, 2_000,
        ]
        let cents = open.bids.map(\.cents)
        var before = [Int64?](repeating: nil, count: cents.count)
        var after = [Int64?](repeating: nil, count: cents.count)
        var highest: Int64? = nil
        for index in cents.indices {
            before[index] = highest
            if cents[index] >= open.floorCents {
                highest = max(highest ?? cents[index], cents[index])
            }
        }
        highest = nil
        for index in cents.indices.reversed() {
            after[index] = highest
            if cents[index] >= open.floorCents {
                highest = max(highest ?? cents[index], cents[index])
            }
        }
        for bidder in cents.indices {
            let value = cents[bidder]
            let truthful = bidder == winner ? value.saturatingMinus(open.priceCents) : 0
            for factor in factors {
                let alternative = value.saturatingTimes(factor) / 1_000
                counterfactuals += 1
                let gained = Self.utility(
                    bid: alternative, value: value, floor: open.floorCents,
                    highestBefore: before[bidder], highestAfter: after[bidder])
                check(
                    .truthfulness, gained <= truthful, sequence,
                    "bidder \(bidder) (value \(value)c) gains \(gained.saturatingMinus(truthful)) by bidding \(alternative)c instead"
                )
            }
        }
    }

    /// Utility of bidding `bid` for an impression worth `value` under second price: the bid
    /// wins when it meets the floor, beats every eligible bid before it and at least ties every
    /// one after it (of equal bids the first wins), and then pays the highest other eligible
    /// bid or the floor, whichever is higher.
    static func utility(
        bid: Int64, value: Int64, floor: Int64, highestBefore: Int64?, highestAfter: Int64?
    ) -> Int64 {
        guard bid >= floor, highestBefore.map({ bid > $0 }) ?? true,
            highestAfter.map({ bid >= $0 }) ?? true
        else { return 0 }
        return value.saturatingMinus(max(highestBefore ?? 0, highestAfter ?? 0, floor))
    }
}
