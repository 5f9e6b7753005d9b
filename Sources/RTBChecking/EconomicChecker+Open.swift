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
        let cost = Micros(open.priceCents * 10)
        if winner.campaign < campaigns.count, open.product < products.count {
            let rate = config.feeRate(
                buyer: campaigns[winner.campaign].buyer.index,
                seller: products[open.product].seller.index)
            check(
                .feeRule, open.fee == rate.apply(to: cost), sequence,
                "open auction: fee \(open.fee) on \(cost), expected \(rate.apply(to: cost))")
            check(
                .pricesWithinMaxCPM, winner.cents * 10_000 <= campaigns[winner.campaign].maxCPM.raw,
                sequence,
                "campaign \(winner.campaign) bid \(winner.cents)c above its max \(campaigns[winner.campaign].maxCPM)"
            )
        }
        check(
            .moneyConservedPerSettlement, open.fee <= cost, sequence,
            "open auction: fee \(open.fee) above the price \(cost)")
        pay(winner.campaign, cost, sequence)
        day.buyers += cost.raw
        day.sellers += (cost - open.fee).raw
        day.fees += open.fee.raw
        if config.mechanism != .firstPrice, open.bids.count >= 2,
            openAuctionsSeen % truthfulnessSampling == 0
        {
            probeTruthfulness(open, sequence, winner: index)
        }
    }

    func observeDirectOffer(_ offer: DirectOffer, _ sequence: UInt64) {
        guard offer.accepted, offer.campaign < campaigns.count else { return }
        check(
            .pricesWithinMaxCPM, offer.cpmCents * 10_000 <= campaigns[offer.campaign].maxCPM.raw,
            sequence,
            "campaign \(offer.campaign) bought at \(offer.cpmCents)c above its max \(campaigns[offer.campaign].maxCPM)"
        )
        pay(offer.campaign, Micros(offer.cpmCents * 10), sequence)
        day.buyers += offer.cpmCents * 10
        day.sellers += offer.cpmCents * 10
    }

    /// Each bidder's bid is taken as its value. Its utility from the recorded outcome (winner
    /// and price as the engine cleared them) must be at least its utility from any bid of a grid
    /// (0 to 2x the value) re-cleared with an independent second-price rule: a mispriced or
    /// misallocated auction shows up as a profitable deviation.
    func probeTruthfulness(_ open: OpenAuction, _ sequence: UInt64, winner: Int) {
        let factors: [Int64] = [
            0, 250, 500, 800, 900, 950, 990, 1_010, 1_050, 1_100, 1_250, 1_500, 2_000,
        ]
        for bidder in open.bids.indices {
            let value = open.bids[bidder].cents
            let truthful = bidder == winner ? value - open.priceCents : 0
            for factor in factors {
                let alternative = value * factor / 1_000
                counterfactuals += 1
                let gained = utility(open, bidder: bidder, bid: alternative, value: value)
                check(
                    .truthfulness, gained <= truthful, sequence,
                    "bidder \(bidder) (value \(value)c) gains \(gained - truthful) by bidding \(alternative)c instead"
                )
            }
        }
    }

    /// Utility of `bidder` bidding `bid` when its value is `value`: value - price if it wins.
    func utility(_ open: OpenAuction, bidder: Int, bid: Int64, value: Int64) -> Int64 {
        var best = -1
        var bestBid: Int64 = 0
        var second: Int64 = 0
        for index in open.bids.indices {
            let amount = index == bidder ? bid : open.bids[index].cents
            guard amount >= open.floorCents else { continue }
            if best < 0 || amount > bestBid {
                if best >= 0 { second = bestBid }
                best = index
                bestBid = amount
            } else if amount > second {
                second = amount
            }
        }
        guard best == bidder else { return 0 }
        return value - max(second, open.floorCents)
    }
}
