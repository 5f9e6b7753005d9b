import RTBCore

/// VCG's deficit in a multi-unit market, by seeded Monte Carlo: B buyers who want one unit
/// each (values uniform on {0, ..., V} micros) and S sellers who own one unit each (costs
/// likewise). With buyers sorted by value (v_1 >= v_2 ...) and sellers by cost (c_1 <= c_2
/// ...), q = the largest k with v_k >= c_k trades are efficient. Three rules:
/// - VCG: the q best buyers and sellers trade; a buyer pays max(c_q, v_{q+1}), a seller
///   receives min(v_q, c_{q+1}) (each one's externality); truthful, efficient, individually
///   rational, and it pays out more than it collects (a deficit);
/// - trade reduction (McAfee 1992): only q - 1 trades; buyers pay v_q, sellers receive c_q;
///   truthful, never a deficit, loses the least valuable efficient trade;
/// - uniform price: q trades at p = floor((v_q + c_q) / 2) for both sides; budget balanced,
///   efficient when traders bid their values, but not truthful.
/// Missing v_{q+1} or c_{q+1} count as 0 and V respectively.
public struct DoubleAuctionStudy: Sendable {
    public struct Row: Sendable {
        public var rule: String
        public var truthful: Bool
        /// Trades per market.
        public var trades: SampleSummary
        /// Buyer payments minus seller receipts per market, micros (negative: a deficit).
        public var budget: SampleSummary
        /// Realised gains from trade over the largest possible, summed over markets.
        public var efficiency: Double
        public var rationalityViolations: Int
    }

    public var buyers: Int
    public var sellers: Int
    public var markets: Int
    public var seed: UInt64
    public var highestValue: Int64 = 1_000_000

    public init(buyers: Int, sellers: Int, markets: Int, seed: UInt64) {
        self.buyers = buyers
        self.sellers = sellers
        self.markets = markets
        self.seed = seed
    }

    public func run() -> [Row] {
        var trades = [[Double]](repeating: [], count: 3)
        var budget = [[Double]](repeating: [], count: 3)
        var gains = [Int64](repeating: 0, count: 3)
        var violations = [Int](repeating: 0, count: 3)
        var possible: Int64 = 0
        for market in 0..<markets {
            var random = RandomStream(
                seed: seed, key: StreamKey("double-auction").appending(market))
            let draw = { (random: inout RandomStream) in
                Int64(random.next(below: UInt64(self.highestValue) + 1))
            }
            let values = (0..<buyers).map { _ in draw(&random) }.sorted(by: >)
            let costs = (0..<sellers).map { _ in draw(&random) }.sorted()
            var q = 0
            while q < min(buyers, sellers) && values[q] >= costs[q] { q += 1 }
            for k in 0..<q { possible += values[k] - costs[k] }
            guard q > 0 else {
                for rule in 0..<3 {
                    trades[rule].append(0)
                    budget[rule].append(0)
                }
                continue
            }
            let nextValue = q < buyers ? values[q] : 0
            let nextCost = q < sellers ? costs[q] : highestValue
            let uniform = (values[q - 1] + costs[q - 1]) / 2
            // (trades, buyer price, seller price) per rule.
            let outcomes: [(Int, Int64, Int64)] = [
                (q, max(costs[q - 1], nextValue), min(values[q - 1], nextCost)),
                (q - 1, values[q - 1], costs[q - 1]),
                (q, uniform, uniform),
            ]
            for (rule, outcome) in outcomes.enumerated() {
                let (count, buyerPrice, sellerPrice) = outcome
                trades[rule].append(Double(count))
                budget[rule].append(Double(Int64(count) * (buyerPrice - sellerPrice)))
                for k in 0..<count {
                    gains[rule] += values[k] - costs[k]
                    if buyerPrice > values[k] || sellerPrice < costs[k] { violations[rule] += 1 }
                }
            }
        }
        let names = [("vcg", true), ("trade reduction", true), ("uniform price", false)]
        return names.indices.map { rule in
            Row(
                rule: names[rule].0, truthful: names[rule].1, trades: SampleSummary(trades[rule])!,
                budget: SampleSummary(budget[rule])!,
                efficiency: possible > 0 ? Double(gains[rule]) / Double(possible) : 1,
                rationalityViolations: violations[rule])
        }
    }
}
