import RTBCore
import RTBEvents
import RTBTrace

/// Hallucination injection (B and C): each claim an agent states is false with probability
/// `hallucinationRate` (flat memory model) or one minus the recall its context's fill sets
/// (context model), drawn from the agent's own keyed stream. Inventory claims are inflated
/// x1.1-1.5, prices deflated x0.7-0.9, delivery history inflated by 50-200 per mille, sellers'
/// delivery reports inflated x1.2-1.8. In the context model buyers state their delivery counts
/// too, and a false one is deflated by the reciprocal, 1/1.8-1/1.2 (the reference has no
/// buyer-side claims). In C the counterparty checks each claim against the shared ledger
/// (caught); in B it acts on it.
extension MarketEngine {
    /// The chance that a claim `agent` states now is false.
    func falseClaimChance(_ agent: AgentRef) -> Double {
        switch config.memoryModel {
        case .flat: return Double(config.hallucinationRate.ppm) / 1_000_000
        case .context:
            return 1
                - ContextModel.recall(
                    of: state.memories[memoryIndex(agent)], window: config.contextWindow)
        }
    }

    struct OfferClaims {
        var cpm: Micros
        var impressions: Int64
        var history: Int64
    }

    func injectOfferClaims(negotiation: Int, seller: Int, quote: Quote, history: Int64)
        -> OfferClaims
    {
        var random = stream("hallucination", UInt64(seller), UInt64(negotiation))
        let rate = falseClaimChance(.seller(seller))
        var claims = OfferClaims(cpm: quote.cpm, impressions: quote.impressions, history: history)
        let agent = AgentRef.seller(seller)
        if random.chance(rate) {
            let factor = Int64(random.uniform(1.1, 1.5) * 1_000)
            claims.impressions = quote.impressions * factor / 1_000
            reportHallucination(
                agent, .inventory, negotiation, truth: quote.impressions,
                claimed: claims.impressions)
        }
        if random.chance(rate) {
            let factor = Int64(random.uniform(0.7, 0.9) * 1_000)
            claims.cpm = Micros.cents(RoundingRule.mulDiv(quote.cpm.raw, factor, 10_000_000))
            reportHallucination(
                agent, .price, negotiation, truth: quote.cpm.raw, claimed: claims.cpm.raw)
        }
        if random.chance(rate) {
            claims.history = min(1_000, history + random.int(in: 50...200 as ClosedRange<Int64>))
            reportHallucination(
                agent, .history, negotiation, truth: history, claimed: claims.history)
        }
        return claims
    }

    /// A delivery report's seller count, possibly inflated.
    func injectDeliveryClaim(deal: Int, seller: Int, day: Int, round: Int, counted: Int64) -> Int64
    {
        var random = stream("hallucination-delivery", UInt64(deal), UInt64(day), UInt64(round))
        guard random.chance(falseClaimChance(.seller(seller))) else {
            return counted
        }
        let claimed = counted * Int64(random.uniform(1.2, 1.8) * 1_000) / 1_000
        reportHallucination(.seller(seller), .delivery, deal, truth: counted, claimed: claimed)
        return rules.trustsClaims ? claimed : counted
    }

    /// A delivery's buyer count, possibly deflated (context model only: the reference's buyers
    /// state no claims).
    func injectBuyerDeliveryClaim(deal: Int, buyer: Int, day: Int, round: Int, counted: Int64)
        -> Int64
    {
        guard config.memoryModel == .context else { return counted }
        var random = stream(
            "hallucination-buyer-delivery", UInt64(deal), UInt64(day), UInt64(round))
        guard random.chance(falseClaimChance(.buyer(buyer))) else { return counted }
        let claimed = counted * 1_000 / Int64(random.uniform(1.2, 1.8) * 1_000)
        reportHallucination(.buyer(buyer), .delivery, deal, truth: counted, claimed: claimed)
        return rules.trustsClaims || canary == .buyerCountsTrusted ? claimed : counted
    }

    func reportHallucination(
        _ agent: AgentRef, _ claim: ClaimType, _ subject: Int, truth: Int64, claimed: Int64
    ) {
        guard truth != claimed else { return }
        emit(
            .hallucination(
                Hallucination(
                    agent: agent, claim: claim, subject: subject, trueValue: truth,
                    claimedValue: claimed, caught: !rules.trustsClaims)))
    }
}
