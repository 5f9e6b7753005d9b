import RTBCore
import RTBEvents
import RTBTrace

/// Scenarios B and C: buyers send RFPs straight to sellers, sellers quote (sometimes
/// hallucinating), buyers accept, counter or walk away. No intermediary fee. In C every claim
/// is checked against the shared ledger before a buyer acts on it.
extension MarketEngine {
    /// Seconds between an RFP and the seller's answer, and between an RFP round and the decision.
    static let responseDelay: Int64 = 120
    static let decisionDelay: Int64 = 600
    /// The smallest deal worth signing, in impressions.
    static let minimumDealImpressions: Int64 = 1_000

    /// Days an insertion order covers: buyers buy a week of delivery at a time.
    static let orderDays = 7

    /// Impressions a campaign should order now, as its buyer believes: the share of the goal
    /// still to deliver that falls in the next week, minus what remembered orders will deliver.
    func believedNeed(campaign: CampaignSpec, memory: AgentMemory, day: Int) -> Int64 {
        let daysLeft = Int64(campaign.endDay - day + 1)
        guard daysLeft > 0 else { return 0 }
        var delivered = state.campaigns[campaign.index].openServed
        var undelivered: Int64 = 0
        for note in memory.notes(ofCampaign: campaign.index) {
            delivered += note.counted
            if note.endDay >= day { undelivered += max(0, note.impressions - note.counted) }
        }
        let remainingGoal = max(0, campaign.goalImpressions - delivered)
        let coverage = remainingGoal * min(Int64(Self.orderDays), daysLeft) / daysLeft
        return coverage - undelivered
    }

    /// Last delivery day of an order signed on `day`.
    func orderEndDay(campaign: CampaignSpec, day: Int) -> Int {
        min(day + Self.orderDays - 1, campaign.endDay)
    }

    /// Budget not yet reserved (the buyer's finance system: not subject to memory loss).
    func uncommittedBudget(_ campaign: Int) -> Micros {
        market.campaigns[campaign].budget - state.campaigns[campaign].committed
    }

    func reviewCampaigns(buyer: Int) {
        let day = SimTime(tick: state.now).day
        let memory = state.memories[buyer]
        for campaignIndex in buyer * config.campaignsPerBuyer..<(buyer + 1)
            * config.campaignsPerBuyer
        {
            let campaign = market.campaigns[campaignIndex]
            guard day >= campaign.startDay, day <= campaign.endDay,
                !memory.pending.contains(where: { $0.campaign == campaignIndex })
            else { continue }
            let need = believedNeed(campaign: campaign, memory: memory, day: day)
            guard need * 100 >= campaign.goalImpressions,
                uncommittedBudget(campaignIndex)
                    >= Micros.cost(impressions: Self.minimumDealImpressions, cpm: campaign.maxCPM)
            else { continue }
            let candidates = market.products.filter { $0.channel == campaign.channel }
            let targets = decideRfpTargets(
                campaign: campaign, candidates: candidates, memory: state.memories[buyer])
            guard !targets.isEmpty else { continue }
            for product in targets {
                let id = state.negotiations.count
                state.negotiations.append(
                    NegotiationState(
                        id: id, campaign: campaignIndex, product: product, requested: need,
                        maxCPM: campaign.maxCPM))
                emit(
                    .rfp(
                        Rfp(
                            negotiation: id, campaign: campaignIndex, product: product,
                            impressions: need,
                            maxCPM: campaign.maxCPM)))
                state.scheduler.schedule(
                    .sellerRespond(negotiation: id), at: state.now + Self.responseDelay)
            }
            state.scheduler.schedule(
                .buyerDecide(
                    campaign: campaignIndex,
                    firstNegotiation: state.negotiations.count - targets.count,
                    count: targets.count),
                at: state.now + Self.decisionDelay)
        }
    }

    /// Impressions a product can still promise over an order's term: its daily avails over the
    /// term minus every open order's undelivered impressions.
    func availableImpressions(product: ProductSpec, campaign: CampaignSpec) -> Int64 {
        let day = SimTime(tick: state.now).day
        let termDays = Int64(orderEndDay(campaign: campaign, day: day) - day + 1)
        var outstanding: Int64 = 0
        for deal in state.deals
        where deal.product == product.index && !deal.settled && deal.endDay >= day {
            outstanding += max(0, deal.impressions - deal.served)
        }
        return max(0, product.dailyAvails * termDays - outstanding)
    }

    /// The product's true delivery record, per mille (1000 before any delivery).
    func trueHistoryPermille(_ product: Int) -> Int64 {
        let runtime = state.products[product]
        return runtime.plannedTotal == 0
            ? 1_000 : runtime.servedTotal * 1_000 / runtime.plannedTotal
    }

    func respondToRfp(_ id: Int) {
        let negotiation = state.negotiations[id]
        let product = market.products[negotiation.product]
        let available = availableImpressions(
            product: product, campaign: market.campaigns[negotiation.campaign])
        guard
            var quote = decideQuote(
                product: product, requested: negotiation.requested,
                maxCPM: negotiation.maxCPM, available: available)
        else {
            closeNegotiation(id, .rejected)
            return
        }
        if canary == .markupQuotes {
            quote.cpm = SellerPricing.markup.ask(
                floor: product.floorCPM, maxCPM: negotiation.maxCPM)
        }
        let claims = injectOfferClaims(
            negotiation: id, seller: product.seller, quote: quote,
            history: trueHistoryPermille(product.index))
        state.negotiations[id].status = .offered
        state.negotiations[id].trueCPM = quote.cpm
        state.negotiations[id].trueImpressions = quote.impressions
        state.negotiations[id].claimedCPM = claims.cpm
        state.negotiations[id].claimedImpressions = claims.impressions
        state.negotiations[id].dealType = quote.dealType
        emit(
            .offer(
                Offer(
                    negotiation: id, cpm: claims.cpm, impressions: claims.impressions,
                    dealType: quote.dealType, historyPermille: claims.history)))
    }

    func closeNegotiation(_ id: Int, _ outcome: NegotiationOutcome) {
        state.negotiations[id].status = .closed
        emit(.negotiationClosed(NegotiationClosed(negotiation: id, outcome: outcome)))
    }

    /// The offer a buyer acts on: the seller's claims in B, the verified truth in C.
    func offerView(_ negotiation: NegotiationState) -> OfferView {
        !rules.trustsClaims
            ? OfferView(
                negotiation: negotiation.id, product: negotiation.product, cpm: negotiation.trueCPM,
                impressions: negotiation.trueImpressions)
            : OfferView(
                negotiation: negotiation.id, product: negotiation.product,
                cpm: negotiation.claimedCPM,
                impressions: negotiation.claimedImpressions)
    }

    func decideOffers(campaign campaignIndex: Int, negotiations: Range<Int>) {
        let campaign = market.campaigns[campaignIndex]
        let buyer = campaign.buyer
        var offers: [OfferView] = []
        for negotiation in state.negotiations[negotiations] where negotiation.status == .offered {
            if state.memories[buyer].isPending(negotiation.id) {
                offers.append(offerView(negotiation))
            } else {
                closeNegotiation(negotiation.id, .expired)
            }
        }
        let ranked = decideRankOffers(campaign: campaign, offers: offers)
        var need = believedNeed(
            campaign: campaign, memory: state.memories[buyer], day: SimTime(tick: state.now).day)
        var budget = uncommittedBudget(campaignIndex)
        let threshold = decideAcceptThreshold(campaign: campaign, memory: state.memories[buyer])
        var countered = false
        for offer in ranked {
            let affordable =
                budget.raw * 1_000
                / max(offer.cpm.raw, state.negotiations[offer.negotiation].trueCPM.raw)
            let impressions = min(offer.impressions, need, affordable)
            if impressions < Self.minimumDealImpressions {
                closeNegotiation(offer.negotiation, .declined)
            } else if offer.cpm <= threshold {
                let value = signDeal(
                    negotiation: offer.negotiation, impressions: impressions, buyerCPM: offer.cpm)
                need -= impressions
                budget -= value
            } else if !countered {
                countered = true
                state.negotiations[offer.negotiation].status = .countered
                state.negotiations[offer.negotiation].counterCPM = threshold
                emit(.counterOffer(CounterOffer(negotiation: offer.negotiation, cpm: threshold)))
                state.scheduler.schedule(
                    .counterResponse(negotiation: offer.negotiation),
                    at: state.now + Self.responseDelay)
                need -= impressions
            } else {
                closeNegotiation(offer.negotiation, .declined)
            }
        }
        for offer in offers where !ranked.contains(where: { $0.negotiation == offer.negotiation }) {
            closeNegotiation(offer.negotiation, .rejected)
        }
    }

    func respondToCounter(_ id: Int) {
        let negotiation = state.negotiations[id]
        let campaign = market.campaigns[negotiation.campaign]
        guard state.memories[campaign.buyer].isPending(id) else {
            closeNegotiation(id, .expired)
            return
        }
        guard
            decideAcceptsCounter(
                product: market.products[negotiation.product], cpm: negotiation.counterCPM)
        else {
            closeNegotiation(id, .rejected)
            return
        }
        let need = believedNeed(
            campaign: campaign, memory: state.memories[campaign.buyer],
            day: SimTime(tick: state.now).day)
        let affordable =
            uncommittedBudget(negotiation.campaign).raw * 1_000 / negotiation.counterCPM.raw
        let impressions = min(negotiation.trueImpressions, need, affordable)
        guard impressions >= Self.minimumDealImpressions else {
            closeNegotiation(id, .declined)
            return
        }
        state.negotiations[id].trueCPM = negotiation.counterCPM
        state.negotiations[id].claimedCPM = negotiation.counterCPM
        signDeal(negotiation: id, impressions: impressions, buyerCPM: negotiation.counterCPM)
    }

    /// Signs the deal of a negotiation; returns the contract value reserved from the budget.
    @discardableResult
    func signDeal(negotiation id: Int, impressions: Int64, buyerCPM: Micros) -> Micros {
        let negotiation = state.negotiations[id]
        let sellerCPM = negotiation.trueCPM
        let value = Micros.cost(impressions: impressions, cpm: max(buyerCPM, sellerCPM))
        state.campaigns[negotiation.campaign].committed += value
        closeNegotiation(id, .accepted)
        let endDay = orderEndDay(
            campaign: market.campaigns[negotiation.campaign], day: SimTime(tick: state.now).day)
        openDeal(
            campaign: negotiation.campaign, product: negotiation.product, impressions: impressions,
            buyerCPM: buyerCPM, sellerCPM: sellerCPM, dealType: negotiation.dealType,
            origin: .negotiation,
            originID: id, endDay: endDay)
        return value
    }
}
