import RTBCore
import RTBMarket

/// Seed 001's revenue equivalence, by seeded Monte Carlo: n bidders with independent private
/// values uniform on {0, ..., V} micros. First price with the symmetric equilibrium bids
/// b(v) = floor(v (n - 1) / n) against second price with truthful bids, on the same values
/// (so their difference is a paired sample); theory gives both (n - 1) / (n + 1) V. Then, on
/// the same values, GSP and VCG selling three ranked slots (weights 1, 0.6, 0.3) to truthful
/// bids. For each mechanism: revenue, individual rationality and efficiency.
public struct RevenueEquivalenceStudy: Sendable {
    public struct Row: Sendable {
        public var mechanism: String
        public var bidding: String
        /// Revenue per auction, in micros.
        public var revenue: SampleSummary
        /// Auctions where a winner paid more than its value (individual rationality fails).
        public var rationalityViolations: Int
        /// Realised welfare over the largest possible, summed over auctions.
        public var efficiency: Double
        /// Expected revenue by theory, micros (continuous uniform values).
        public var theory: Double
    }

    public var bidders: Int
    public var auctions: Int
    public var seed: UInt64
    public var highestValue: Int64 = 1_000_000

    public init(bidders: Int, auctions: Int, seed: UInt64) {
        self.bidders = bidders
        self.auctions = auctions
        self.seed = seed
    }

    /// Theory's expected revenue of first and second price: (n - 1) / (n + 1) V.
    public var theoreticalRevenue: Double {
        Double(bidders - 1) / Double(bidders + 1) * Double(highestValue)
    }

    /// Expected j-th highest of n values uniform on [0, V]: (n + 1 - j) / (n + 1) V (0 when
    /// j > n).
    func expectedOrderStatistic(_ j: Int) -> Double {
        j > bidders ? 0 : Double(bidders + 1 - j) / Double(bidders + 1) * Double(highestValue)
    }

    /// Expected revenue of truthful bids on slots of weights w (per mille): GSP charges slot k
    /// the next bid, sum w_k E[v_(k+1)]; VCG charges each slot its externality,
    /// sum over k of (w_k - w_(k+1)) k E[v_(k+1)].
    func slotTheory(_ weights: [Int64], vcg: Bool) -> Double {
        var total = 0.0
        for k in weights.indices {
            let next = k + 1 < weights.count ? weights[k + 1] : 0
            let weight = Double(vcg ? weights[k] - next : weights[k]) / 1_000
            total += weight * Double(vcg ? k + 1 : 1) * expectedOrderStatistic(k + 2)
        }
        return total
    }

    /// The rows (first price, second price, their paired difference, GSP, VCG).
    public func run() throws -> (rows: [Row], difference: SampleSummary) {
        let weights: [Int64] = [1_000, 600, 300]
        let slots = AuctionItems.slots(weightsPermille: weights)
        var revenue = [[Double]](repeating: [], count: 4)
        var violations = [Int](repeating: 0, count: 4)
        var welfare = [Int64](repeating: 0, count: 4)
        var best = [Int64](repeating: 0, count: 4)
        var difference: [Double] = []
        let mechanisms: [any AuctionMechanism] = [
            FirstPriceAuction(), VickreyAuction(), GeneralizedSecondPrice(), VCGAuction(),
        ]
        for auction in 0..<auctions {
            var random = RandomStream(
                seed: seed, key: StreamKey("revenue-equivalence").appending(auction))
            let values = (0..<bidders).map { _ in
                Int64(random.next(below: UInt64(highestValue) + 1))
            }
            let truthful = values.enumerated().map {
                SealedBid(bidder: $0.offset, amount: $0.element)
            }
            let shaded = values.enumerated().map {
                SealedBid(
                    bidder: $0.offset, amount: $0.element * Int64(bidders - 1) / Int64(bidders))
            }
            let ranked = values.sorted(by: >)
            for (index, mechanism) in mechanisms.enumerated() {
                let items = index < 2 ? AuctionItems.single : slots
                let awards = try mechanism.clear(
                    index == 0 ? shaded : truthful, items: items, reserve: 0)
                var paid: Int64 = 0
                for award in awards {
                    paid += award.payment
                    welfare[index] += items.weight(award.slot) * values[award.bidder]
                    if award.payment > items.weight(award.slot) * values[award.bidder] {
                        violations[index] += 1
                    }
                }
                for slot in 0..<min(items.count, ranked.count) {
                    best[index] += items.weight(slot) * ranked[slot]
                }
                revenue[index].append(Double(paid) / 1_000)
            }
            difference.append(revenue[0].last! - revenue[1].last!)
        }
        let names = [
            ("first-price", "equilibrium b(v) = v (n-1)/n"), ("second-price", "truthful"),
            ("gsp, 3 slots", "truthful"), ("vcg, 3 slots", "truthful"),
        ]
        let rows = names.indices.map { index in
            Row(
                mechanism: names[index].0, bidding: names[index].1,
                revenue: SampleSummary(revenue[index])!,
                rationalityViolations: violations[index],
                efficiency: best[index] > 0 ? Double(welfare[index]) / Double(best[index]) : 1,
                theory: index < 2
                    ? theoreticalRevenue : slotTheory(weights, vcg: index == 3))
        }
        return (rows, SampleSummary(difference)!)
    }
}
