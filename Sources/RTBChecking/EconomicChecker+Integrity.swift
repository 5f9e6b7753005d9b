import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// What the integrity checks remember of the scenario so far.
struct IntegrityState {
    var scenarioStart: UInt64 = 0
    var killRecords: UInt64 = 0
    var buyers = 0
    var sellers = 0
    var campaigns: [Bool] = []
    var products: [Bool] = []
    var floors: [Micros] = []
    /// Each product's seller (the reserve rule needs the seller's fee).
    var productSellers: [Int] = []
    /// Scenario A with adaptive floors: the floors the recorded auctions make (the engine's
    /// rule on the recorded counts), and the product of the auction being cleared.
    var adaptive = AdaptiveFloors(products: 0)
    var auctionProduct = -1
    var registeredCampaigns = 0
    var registeredProducts = 0
    var auctions = 0
    var negotiations = 0
    /// Each RFP's product and the max CPM it stated, by negotiation number.
    var rfps: [(product: Int, maxCPM: Micros)] = []
    var deals = 0
    var ledgerEntries = 0
    /// The engine's clock (every event but open-traffic requests) and the traffic's (each
    /// request carries its own second within its one-minute slice): each never goes back.
    var lastTick: Int64 = 0
    var lastTrafficTick: Int64 = 0
    var day = 0
    /// False claims awaiting the offer or delivery report that states them.
    var claims:
        [(
            subject: Int, claim: ClaimType, byBuyer: Bool, truth: Int64, claimed: Int64,
            sequence: UInt64
        )] = []
    /// C: the event whose shared-ledger entry must come next, and who must pay it.
    var expectedEntry: (sequence: UInt64, payer: AgentRef)?
}

/// References, numbering, time, totals, floors, hallucination flags, ledger entries: the
/// properties of a history that do not involve money, checked from the events alone.
extension EconomicChecker {
    func observeIntegrity(_ event: MarketEvent, _ sequence: UInt64) {
        let rules = TradingRules.of(event.scenario)
        observeLedgerEntryOrder(event, sequence)
        if case .scenarioStarted(let started) = event.body {
            integrity = IntegrityState()
            integrity.scenarioStart = sequence
            integrity.buyers = Int(started.buyers)
            integrity.sellers = Int(started.sellers)
        }
        if event.scenario != .run {
            switch event.body {
            case .openAuction, .directOffer:
                check(
                    .timeMonotone, event.tick >= integrity.lastTrafficTick, sequence,
                    "traffic at tick \(event.tick) after traffic at tick \(integrity.lastTrafficTick)"
                )
                integrity.lastTrafficTick = max(integrity.lastTrafficTick, event.tick)
            default:
                check(
                    .timeMonotone, event.tick >= integrity.lastTick, sequence,
                    "tick \(event.tick) after tick \(integrity.lastTick)")
                integrity.lastTick = max(integrity.lastTick, event.tick)
            }
        }
        observeReferences(event, sequence)
        observeNumbering(event, sequence)
        observeQuote(event, sequence)
        observeClaims(event, sequence, trustsClaims: rules?.trustsClaims ?? true)
        switch event.body {
        case .dayStarted(let started):
            if integrity.adaptive.isActive { integrity.adaptive.closeDay() }
            check(
                .timeMonotone, started.day == integrity.day + 1, sequence,
                "day \(started.day) starts after day \(integrity.day)")
            integrity.day = started.day
        case .bidRequest(let request) where integrity.floors.indices.contains(request.product):
            if config.adaptiveFloors && !integrity.adaptive.isActive {
                integrity.adaptive = AdaptiveFloors(products: integrity.floors.count)
            }
            let floor = integrity.adaptive.floor(
                integrity.floors[request.product], product: request.product)
            let expected = config.reserve(
                floor: floor, seller: integrity.productSellers[request.product])
            check(
                .reserveRule, request.floorCPM == expected, sequence,
                "auction \(request.auction): reserve \(request.floorCPM), the rule makes it \(expected)"
                    + (config.feeAwareReserve
                        ? " (floor \(floor) grossed up by the seller's fee)"
                        : " (the floor \(floor))"))
            integrity.adaptive.offer(product: request.product, request.impressions)
            integrity.auctionProduct = request.product
        case .auctionCleared(let cleared) where cleared.winner > 0:
            integrity.adaptive.sell(product: integrity.auctionProduct, cleared.impressions)
        case .scenarioFinished(let finished):
            let counted = sequence - integrity.scenarioStart + 1 - integrity.killRecords
            check(
                .totalsMatchEvents, finished.events == Int64(counted), sequence,
                "the scenario says it has \(finished.events) events, its events number \(counted)")
        case .reconciliation(let result):
            observeReconciliationTotals(result, sequence, rules: rules)
        case .dealAgreed(let deal):
            check(
                .timeMonotone, deal.endDay >= integrity.day, sequence,
                "deal \(deal.deal) ends on day \(deal.endDay), before today (day \(integrity.day))")
            if deal.origin == .negotiation {
                let floor = floorOf(deal.product)
                check(
                    .pricesAboveFloor, deal.sellerCPM > .zero && deal.sellerCPM >= floor,
                    sequence,
                    "deal \(deal.deal) pays the seller \(deal.sellerCPM), floor \(floor)")
            }
        case .directOffer(let offer) where offer.accepted:
            let floor = floorOf(offer.product)
            check(
                .pricesAboveFloor,
                offer.cpmCents > 0 && Micros.saturatingCents(offer.cpmCents) >= floor,
                sequence, "direct purchase at \(offer.cpmCents)c, floor \(floor)")
        case .openAuction(let open):
            check(
                .auctionsSoldWhenBid,
                open.winner > 0 || !open.bids.contains { $0.cents >= open.floorCents }, sequence,
                "open auction on product \(open.product): a bid met the \(open.floorCents)c floor, nothing sold"
            )
        default:
            break
        }
        if event.isKillRecord { integrity.killRecords += 1 }
        if rules?.writesSharedLedger == true,
            let party = EventParties.of(event.body).ledgerPayer, let payer = resolve(party)
        {
            integrity.expectedEntry = (sequence, payer)
        }
    }

    /// C: an event its payer writes is followed by its entry, paid by that payer; no entry
    /// appears anywhere else.
    func observeLedgerEntryOrder(_ event: MarketEvent, _ sequence: UInt64) {
        let expected = integrity.expectedEntry
        integrity.expectedEntry = nil
        guard case .ledgerEntry(let entry) = event.body else {
            if let expected {
                check(
                    .ledgerEntriesComplete, false, expected.sequence,
                    "event \(expected.sequence) has no shared-ledger entry after it")
            }
            return
        }
        guard let expected else {
            check(
                .ledgerEntriesComplete, false, sequence,
                "entry \(entry.entry) follows an event no agent writes to the shared ledger")
            return
        }
        check(
            .ledgerEntriesComplete, entry.payer == expected.payer, sequence,
            "entry \(entry.entry) is paid by \(entry.payer), event \(expected.sequence) is \(expected.payer)'s"
        )
    }

    func floorOf(_ product: Int) -> Micros {
        integrity.floors.indices.contains(product) ? integrity.floors[product] : .zero
    }

    func isAgent(_ agent: AgentRef) -> Bool {
        switch agent.kind {
        case .buyer: return agent.index < integrity.buyers
        case .seller: return agent.index < integrity.sellers
        case .exchange: return agent.index == 0
        }
    }

    /// Every id an event names was registered (campaigns, products), requested (negotiations)
    /// or agreed (deals) before it, and every agent exists. One check per event that names any.
    func observeReferences(_ event: MarketEvent, _ sequence: UInt64) {
        var names = false
        func campaign(_ id: Int) {
            names = true
            if !isMarked(integrity.campaigns, id) {
                check(.referencesRegistered, false, sequence, "campaign \(id) is not registered")
            }
        }
        func product(_ id: Int) {
            names = true
            if !isMarked(integrity.products, id) {
                check(.referencesRegistered, false, sequence, "product \(id) is not registered")
            }
        }
        func agent(_ agent: AgentRef) {
            names = true
            if !isAgent(agent) {
                check(.referencesRegistered, false, sequence, "agent \(agent) does not exist")
            }
        }
        func negotiation(_ id: Int) {
            names = true
            if id >= integrity.negotiations {
                check(
                    .referencesRegistered, false, sequence, "negotiation \(id) was never requested")
            }
        }
        func deal(_ id: Int) {
            names = true
            if id >= integrity.deals {
                check(.referencesRegistered, false, sequence, "deal \(id) was never agreed")
            }
        }
        switch event.body {
        case .campaignRegistered(let registered):
            agent(registered.buyer)
            mark(&integrity.campaigns, registered.campaign)
        case .productRegistered(let registered):
            agent(registered.seller)
            mark(&integrity.products, registered.product)
            if registered.product >= 0 && registered.product < 1 << 24 {
                while integrity.floors.count <= registered.product {
                    integrity.floors.append(.zero)
                    integrity.productSellers.append(0)
                }
                integrity.floors[registered.product] = registered.floorCPM
                integrity.productSellers[registered.product] = registered.seller.index
            }
        case .bidRequest(let request): product(request.product)
        case .bid(let bid): campaign(bid.campaign)
        case .rfp(let rfp):
            campaign(rfp.campaign)
            product(rfp.product)
        case .offer(let offer): negotiation(offer.negotiation)
        case .counterOffer(let counter): negotiation(counter.negotiation)
        case .negotiationClosed(let closed): negotiation(closed.negotiation)
        case .dealAgreed(let agreed):
            campaign(agreed.campaign)
            product(agreed.product)
            if agreed.origin == .negotiation { negotiation(agreed.originID) }
        case .delivery(let delivery): deal(delivery.deal)
        case .settlement(let settlement): deal(settlement.deal)
        case .reconciliation(let reconciliation): campaign(reconciliation.campaign)
        case .contextRot(let rot): agent(rot.agent)
        case .recovery(let recovery): agent(recovery.agent)
        case .hallucination(let hallucination): agent(hallucination.agent)
        case .agentKilled(let killed): agent(killed.agent)
        case .agentSnapshot(let snapshot): agent(snapshot.agent)
        case .ledgerEntry(let entry): agent(entry.payer)
        case .decision(let decision): agent(decision.agent)
        case .modelCall(let call): agent(call.agent)
        case .openAuction(let open):
            product(open.product)
            for bid in open.bids { campaign(bid.campaign) }
            if open.winner > Int64(open.bids.count) {
                check(
                    .referencesRegistered, false, sequence,
                    "open auction winner \(open.winner) of \(open.bids.count) bids")
            }
        case .directOffer(let offer):
            campaign(offer.campaign)
            product(offer.product)
        case .runStarted, .scenarioStarted, .dayStarted, .auctionCleared, .dayClosed,
            .scenarioFinished, .scaleRound:
            break
        }
        if names { check(.referencesRegistered, true, sequence, "") }
    }

    func mark(_ flags: inout [Bool], _ index: Int) {
        guard index >= 0, index < 1 << 24 else { return }
        while flags.count <= index { flags.append(false) }
        flags[index] = true
    }

    func isMarked(_ flags: [Bool], _ index: Int) -> Bool {
        flags.indices.contains(index) && flags[index]
    }

    /// Campaigns, products, auctions, negotiations, deals and ledger entries are numbered in
    /// order from 0 (the checker's tables grow only by their next entry).
    func observeNumbering(_ event: MarketEvent, _ sequence: UInt64) {
        func next(_ counter: inout Int, _ value: Int, _ what: String) {
            check(
                .identifiersSequential, value == counter, sequence,
                "\(what) \(value) where \(what) \(counter) comes next")
            let last = max(counter, value)
            counter = last == .max ? last : last + 1
        }
        switch event.body {
        case .campaignRegistered(let registered):
            next(&integrity.registeredCampaigns, registered.campaign, "campaign")
        case .productRegistered(let registered):
            next(&integrity.registeredProducts, registered.product, "product")
        case .bidRequest(let request): next(&integrity.auctions, request.auction, "auction")
        case .rfp(let rfp): next(&integrity.negotiations, rfp.negotiation, "negotiation")
        case .dealAgreed(let deal): next(&integrity.deals, deal.deal, "deal")
        case .ledgerEntry(let entry): next(&integrity.ledgerEntries, entry.entry, "ledger entry")
        default: break
        }
    }

    /// A rule-based seller's true ask (the offer's price, or the truth of its pending price
    /// hallucination) is its pricing rule's for the RFP's floor and max CPM. A language model's
    /// quotes follow no rule, so `llm` runs are not checked.
    func observeQuote(_ event: MarketEvent, _ sequence: UInt64) {
        switch event.body {
        case .rfp(let rfp): integrity.rfps.append((rfp.product, rfp.maxCPM))
        case .offer(let offer) where integrity.rfps.indices.contains(offer.negotiation):
            switch config.policy {
            case .ruleBased, .ruleBasedService, .mockLLM: break
            case .llm: return
            }
            let rfp = integrity.rfps[offer.negotiation]
            let hallucinated = integrity.claims.last {
                $0.subject == offer.negotiation && $0.claim == .price
            }
            let truth = hallucinated.map { Micros($0.truth) } ?? offer.cpm
            let floor = floorOf(rfp.product)
            let expected = config.sellerPricing.ask(floor: floor, maxCPM: rfp.maxCPM)
            check(
                .sellerPricing, truth == expected, sequence,
                "offer \(offer.negotiation) asks \(truth), the \(config.sellerPricing) rule makes it \(expected) (floor \(floor), max CPM \(rfp.maxCPM))"
            )
        default:
            break
        }
    }

    /// A false claim differs from the truth; it is caught exactly where claims are verified
    /// (C); and the offer or delivery report that follows states it (the seller's words, or the
    /// buyer's count of a buyer's claim) or, for a caught delivery claim, the truth.
    func observeClaims(_ event: MarketEvent, _ sequence: UInt64, trustsClaims: Bool) {
        switch event.body {
        case .hallucination(let claim):
            check(
                .hallucinationsConsistent,
                claim.trueValue != claim.claimedValue && claim.caught == !trustsClaims, sequence,
                "\(claim.claim) claim \(claim.claimedValue) vs truth \(claim.trueValue), caught \(claim.caught)"
            )
            if claim.agent.kind == .buyer {
                // Only the context memory model has buyers state claims: their delivery counts,
                // each about a deal of their own.
                let campaign =
                    deals.indices.contains(claim.subject) ? deals[claim.subject].campaign : -1
                let owner = campaigns.indices.contains(campaign) ? campaigns[campaign].buyer : nil
                check(
                    .hallucinationsConsistent,
                    config.memoryModel == .context && claim.claim == .delivery
                        && owner == claim.agent, sequence,
                    "\(claim.agent) states a \(claim.claim) claim about deal \(claim.subject) (owned by \(owner.map(String.init(describing:)) ?? "nobody")) under the \(config.memoryModel) memory model"
                )
            }
            integrity.claims.append(
                (
                    claim.subject, claim.claim, claim.agent.kind == .buyer, claim.trueValue,
                    claim.claimedValue, sequence
                ))
        case .offer(let offer):
            for pending in integrity.claims where pending.subject == offer.negotiation {
                let stated: Int64
                switch pending.claim {
                case .inventory: stated = offer.impressions
                case .price: stated = offer.cpm.raw
                case .history: stated = offer.historyPermille
                case .delivery: continue
                }
                check(
                    .hallucinationsConsistent, stated == pending.claimed, sequence,
                    "offer \(offer.negotiation) states \(stated), the \(pending.claim) claim at event \(pending.sequence) was \(pending.claimed)"
                )
            }
            integrity.claims.removeAll { $0.subject == offer.negotiation && $0.claim != .delivery }
        case .delivery(let delivery):
            for pending in integrity.claims
            where pending.subject == delivery.deal && pending.claim == .delivery {
                let expected = trustsClaims ? pending.claimed : pending.truth
                let counted = pending.byBuyer ? delivery.buyerCounted : delivery.sellerCounted
                check(
                    .hallucinationsConsistent, counted == expected, sequence,
                    "deal \(delivery.deal) report's \(pending.byBuyer ? "buyer" : "seller") count is \(counted), the claim at event \(pending.sequence) makes it \(expected)"
                )
            }
            integrity.claims.removeAll { $0.subject == delivery.deal && $0.claim == .delivery }
        default:
            break
        }
    }

    /// A and C reconcile from records both sides share: the totals are the sums over the
    /// campaign's deals of served impressions at the settlement price (B's come from each
    /// side's private books, which rot: replay checks those).
    func observeReconciliationTotals(
        _ result: Reconciliation, _ sequence: UInt64, rules: TradingRules?
    ) {
        guard let rules else { return }
        let price: (DealRecord) -> Micros
        switch rules.settlement {
        case .servedAtBuyerPrice: price = { $0.buyerCPM }
        case .servedAtSellerPrice: price = { $0.sellerCPM }
        case .atMostContractValue: return
        }
        let total = deals.filter { $0.campaign == result.campaign }.reduce(Micros.zero) {
            $0.saturatingPlus(Micros.saturatingCost(impressions: $1.served, cpm: price($1)))
        }
        check(
            .totalsMatchEvents, result.buyerTotal == total && result.sellerTotal == total,
            sequence,
            "campaign \(result.campaign) reconciles at \(result.buyerTotal)/\(result.sellerTotal), its deliveries make \(total)"
        )
    }
}
