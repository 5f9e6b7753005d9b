import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// Relative difference |x - y| / max(|x|, |y|) (0 when both are 0).
func relativeDifference(_ x: Double, _ y: Double) -> Double {
    let scale = max(abs(x), abs(y))
    return scale == 0 ? 0 : abs(x - y) / scale
}

/// Without memory faults (rot, restarts, hallucinations) and without the drift between B's two
/// books, private books and the shared ledger hold the same facts: B and C make the same deals,
/// spend the same (C also pays its ledger entries) and reach the same goals, on every seed.
@Test(arguments: UInt64(1)...10)
func withoutFaultsPrivateBooksAndTheSharedLedgerAgree(seed: UInt64) throws {
    let (metrics, _) = try runMarket([.b, .c], days: 30, seed: seed) {
        $0.hallucinationRate = .zero
        $0.rotEpisodeRate = .zero
        $0.memoryDecayRate = .zero
        $0.restartRate = .zero
        $0.bookDrift = false
    }
    let b = ScenarioSummary(metrics[0])
    let c = ScenarioSummary(metrics[1])
    let bTotals = metrics[0].totals
    let cTotals = metrics[1].totals
    #expect(bTotals[.deals] > 100)
    #expect(relativeDifference(Double(bTotals[.deals]), Double(cTotals[.deals])) <= 0.01)
    #expect(
        relativeDifference(Double(bTotals[.buyerSpend]), Double(cTotals[.buyerSpend])) <= 0.01)
    let bGoal = try #require(b.goalAttainmentPpm)
    let cGoal = try #require(c.goalAttainmentPpm)
    #expect(relativeDifference(Double(bGoal), Double(cGoal)) <= 0.01)
    // Every delivered impression is paid in both.
    #expect(bTotals[.deliveredUnpaid] == 0 && cTotals[.deliveredUnpaid] == 0)
}

@Test func theSharedLedgersBuyerTakesCheckedHistoryClaims() {
    let market = Market(config: MarketConfig())
    let campaign = market.campaigns[0]
    let product = market.products.first { $0.channel == campaign.channel }!
    let buyer = AgentRef.buyer(campaign.buyer)
    func event(_ body: EventBody) -> MarketEvent {
        MarketEvent(.c, tick: 0, body)
    }
    func reputation(_ claims: ClaimHandling, caught: Bool) -> Int64? {
        var memory = AgentMemory()
        let rfp = Rfp(
            negotiation: 5, campaign: campaign.index, product: product.index, impressions: 10_000,
            maxCPM: campaign.maxCPM)
        memory.apply(event(.rfp(rfp)), agent: buyer, market: market, claims: claims)
        if caught {
            let claim = Hallucination(
                agent: .seller(product.seller), claim: .history, subject: 5, trueValue: 600,
                claimedValue: 800, caught: claims != .trusted)
            memory.apply(
                event(.hallucination(claim)), agent: buyer, market: market,
                claims: claims)
        }
        let offer = Offer(
            negotiation: 5, cpm: campaign.targetCPM, impressions: 10_000,
            dealType: .preferredDeal, historyPermille: 800)
        memory.apply(event(.offer(offer)), agent: buyer, market: market, claims: claims)
        #expect(memory.caughtHistory == nil)
        return memory.reputation(of: product.index)
    }
    // A true claim is taken as stated in B and in C.
    #expect(reputation(.trusted, caught: false) == 800)
    #expect(reputation(.checked, caught: false) == 800)
    // A false claim: B's buyer believes it, C's takes the ledger's figure instead.
    #expect(reputation(.trusted, caught: true) == 800)
    #expect(reputation(.checked, caught: true) == 600)
    // Engines 0.1.0 and 0.2.0: C's buyers ignored history claims.
    #expect(reputation(.checkedIgnoringHistory, caught: false) == nil)
    #expect(reputation(.checkedIgnoringHistory, caught: true) == nil)
}
