import RTBCore

/// Looks for a Pareto-improving trade in a final allocation. For every pair of goods (g, h) it
/// keeps the two agents with the highest and the lowest marginal rate of substitution of g for
/// h: if any two agents can both gain by trading g against h, these two can. A gap counts only
/// when a concrete trade between them is found that raises both utilities.
struct ParetoSearch {
    struct Extreme {
        var value: Double
        var agent: Int
        var bundle: [Double]
        var weights: [Double]
    }

    let goods: Int
    let sigma: Double
    /// Per pair (g < h): the highest and lowest log MRS seen.
    var highest: [Extreme?]
    var lowest: [Extreme?]

    init(goods: Int, sigma: Double) {
        self.goods = goods
        self.sigma = sigma
        highest = [Extreme?](repeating: nil, count: goods * goods)
        lowest = highest
    }

    mutating func observe(agent: Int, bundle: [Double], weights: [Double]) {
        var marginal = [Double?](repeating: nil, count: goods)
        for good in 0..<goods where bundle[good] > 0 {
            marginal[good] = FirstOrderConditions.logMarginal(
                weight: weights[good], quantity: bundle[good], sigma: sigma)
        }
        for g in 0..<goods {
            guard let mg = marginal[g] else { continue }
            for h in g + 1..<goods {
                guard let mh = marginal[h] else { continue }
                let value = mg - mh
                let pair = g * goods + h
                if highest[pair].map({ value > $0.value }) ?? true {
                    highest[pair] = Extreme(
                        value: value, agent: agent, bundle: bundle, weights: weights)
                }
                if lowest[pair].map({ value < $0.value }) ?? true {
                    lowest[pair] = Extreme(
                        value: value, agent: agent, bundle: bundle, weights: weights)
                }
            }
        }
    }

    /// For every pair of goods, the witness of a confirmed improving trade, or nil.
    func confirmedTrades() -> [((Int, Int), String?)] {
        var results: [((Int, Int), String?)] = []
        for g in 0..<goods {
            for h in g + 1..<goods {
                guard let buyer = highest[g * goods + h], let seller = lowest[g * goods + h]
                else { continue }
                var witness: String?
                if buyer.value - seller.value > EquilibriumChecker.paretoGap {
                    witness = trade(g, h, buyer: buyer, seller: seller)
                }
                results.append(((g, h), witness))
            }
        }
        return results
    }

    /// The buyer (high MRS of g for h) receives g from the seller and pays h, at the rate
    /// between their two MRS; trade sizes are tried from large to small.
    func trade(_ g: Int, _ h: Int, buyer: Extreme, seller: Extreme) -> String? {
        let rate = DeterministicMath.exp((buyer.value + seller.value) / 2)
        let limit = min(seller.bundle[g], buyer.bundle[h] / rate)
        let buyerBefore = FirstOrderConditions.utility(
            bundle: buyer.bundle, weights: buyer.weights, sigma: sigma)
        let sellerBefore = FirstOrderConditions.utility(
            bundle: seller.bundle, weights: seller.weights, sigma: sigma)
        for fraction in [0.25, 0.05, 0.01, 1e-3, 1e-4, 1e-5, 1e-6] {
            let amount = limit * fraction
            var buying = buyer.bundle
            var selling = seller.bundle
            buying[g] += amount
            buying[h] -= amount * rate
            selling[g] -= amount
            selling[h] += amount * rate
            let buyerAfter = FirstOrderConditions.utility(
                bundle: buying, weights: buyer.weights, sigma: sigma)
            let sellerAfter = FirstOrderConditions.utility(
                bundle: selling, weights: seller.weights, sigma: sigma)
            if buyerAfter > buyerBefore && sellerAfter > sellerBefore {
                return "agent \(buyer.agent) gives \(amount * rate) of good \(h) to agent "
                    + "\(seller.agent) for \(amount) of good \(g): both gain (log MRS "
                    + "\(buyer.value) vs \(seller.value))"
            }
        }
        return nil
    }
}
