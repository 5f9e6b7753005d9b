import RTBReports
import Testing

/// Revenue equivalence: first price with equilibrium bids and second price with truthful bids
/// earn the theoretical (n-1)/(n+1) V within their intervals, their paired difference is
/// centred on 0, every mechanism is individually rational, and the truthful ones efficient.
@Test func firstAndSecondPriceRevenuesAreEquivalent() throws {
    for seed: UInt64 in 1...3 {
        let study = RevenueEquivalenceStudy(bidders: 4, auctions: 8_000, seed: seed)
        let (rows, difference) = try study.run()
        for row in rows {
            let half = (row.revenue.high - row.revenue.low) / 2
            #expect(
                abs(row.revenue.mean - row.theory) <= 2 * half, "\(row.mechanism), seed \(seed)")
            #expect(row.rationalityViolations == 0, "\(row.mechanism)")
        }
        #expect(rows.dropFirst().allSatisfy { $0.efficiency == 1 })
        let half = (difference.high - difference.low) / 2
        #expect(abs(difference.mean) <= 2 * half, "seed \(seed): \(difference)")
        // Seeded: the same study gives the same numbers.
        #expect(try study.run().difference == difference)
    }
}

/// VCG in a two-sided multi-unit market pays out more than it collects in every market where
/// anything trades; trade reduction never runs a deficit but loses efficiency; the uniform
/// price balances exactly.
@Test func vcgRunsADeficitThatBudgetBalancedRulesDoNot() {
    let rows = DoubleAuctionStudy(buyers: 5, sellers: 4, markets: 5_000, seed: 7).run()
    let vcg = rows[0]
    let reduction = rows[1]
    let uniform = rows[2]
    #expect(vcg.budget.high < 0 && vcg.budget.maximum <= 0, "\(vcg.budget)")
    #expect(vcg.efficiency == 1 && uniform.efficiency == 1)
    #expect(reduction.budget.minimum >= 0 && reduction.efficiency < 1)
    #expect(uniform.budget.minimum == 0 && uniform.budget.maximum == 0)
    #expect(rows.allSatisfy { $0.rationalityViolations == 0 })
    #expect(reduction.trades.mean < vcg.trades.mean)
}
