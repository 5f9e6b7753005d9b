import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// Scenario C: the checker keeps every agent's memory as the shared ledger defines it (its
/// snapshots plus the factual events since), and each recovery must restore exactly that.
extension EconomicChecker {
    /// Folds one scenario C event into the ledger-defined memories; checks recoveries.
    func followLedgerMemory(_ event: MarketEvent, _ sequence: UInt64) {
        switch event.body {
        case .scenarioStarted(let started):
            // A scenario has at most the config limits' agents (a forged count is not allocated).
            buyerCount = Int(min(started.buyers, Int64(MarketConfig.maxBuyers)))
            let sellers = Int(min(started.sellers, Int64(MarketConfig.maxSellers)))
            ledgerMemories = [AgentMemory](repeating: AgentMemory(), count: buyerCount + sellers)
            negotiationCampaigns = []
            negotiationProducts = []
            return
        case .campaignRegistered(let campaign):
            registeredCampaigns.append(CampaignSpec(campaign))
            return
        case .productRegistered(let product):
            registeredProducts.append(ProductSpec(product))
            return
        case .agentSnapshot(let snapshot):
            var reader = CanonicalReader(snapshot.state)
            guard let memory = try? AgentMemory(from: &reader), let slot = slot(snapshot.agent)
            else { return }
            check(
                .snapshotsMatchHistory, memory == ledgerMemories[slot], sequence,
                "\(snapshot.agent)'s snapshot \(memory.digest.short) differs from the memory its history defines, \(ledgerMemories[slot].digest.short)"
            )
            ledgerMemories[slot] = memory
            return
        case .contextRot(let rot):
            lastLoss = (rot.agent, rot.keysLost)
            return
        case .agentKilled(let killed):
            lastLoss = (killed.agent, killed.keysLost)
            return
        case .recovery(let recovery):
            guard let slot = slot(recovery.agent) else { return }
            check(
                .ledgerRecoveryExact,
                recovery.stateDigest == ledgerMemories[slot].digest && recovery.matches, sequence,
                "\(recovery.agent) recovered memory \(recovery.stateDigest.short), the ledger defines \(ledgerMemories[slot].digest.short)"
            )
            // Engine 0.4.0: the recovery states the keys the rot, restart or kill before it
            // destroyed (as that event counted them) and restores every one.
            if config.recoveryCountsRestoredKeys {
                let lost = lastLoss.flatMap { $0.agent == recovery.agent ? $0.count : nil }
                check(
                    .ledgerRecoveryExact,
                    recovery.keysLost == lost && recovery.keysRecovered == recovery.keysLost,
                    sequence,
                    "\(recovery.agent) recovered \(recovery.keysRecovered) of \(recovery.keysLost) keys lost; the loss before it destroyed \(lost.map(String.init) ?? "nothing")"
                )
            }
            lastLoss = nil
            return
        case .rfp(let rfp):
            negotiationCampaigns.setDense(rfp.negotiation, rfp.campaign)
            negotiationProducts.setDense(rfp.negotiation, rfp.product)
        default:
            break
        }
        if ledgerMarket == nil || ledgerMarket!.campaigns.count != registeredCampaigns.count
            || ledgerMarket!.products.count != registeredProducts.count
        {
            ledgerMarket = Market(campaigns: registeredCampaigns, products: registeredProducts)
        }
        let market = ledgerMarket!
        let claims = config.claimHandling(trustsClaims: false)
        switch EventParties.of(event.body).memory {
        case .none:
            break
        case .everyone:
            for slot in ledgerMemories.indices {
                let agent: AgentRef = slot < buyerCount ? .buyer(slot) : .seller(slot - buyerCount)
                ledgerMemories[slot].apply(event, agent: agent, market: market, claims: claims)
            }
        case .parties(let buyer, let seller):
            for party in [buyer, seller] {
                guard let party, let agent = resolve(party), let slot = slot(agent) else {
                    continue
                }
                ledgerMemories[slot].apply(event, agent: agent, market: market, claims: claims)
            }
        }
    }

    func slot(_ agent: AgentRef) -> Int? {
        switch agent.kind {
        case .buyer: return agent.index < buyerCount ? agent.index : nil
        case .seller:
            return agent.index < ledgerMemories.count - buyerCount ? buyerCount + agent.index : nil
        case .exchange: return nil
        }
    }
}

/// The checker resolves ids from the registrations, RFPs and deals it has seen.
extension EconomicChecker: PartyDirectory {
    public func buyer(ofCampaign campaign: Int) -> Int? {
        registeredCampaigns.indices.contains(campaign) ? registeredCampaigns[campaign].buyer : nil
    }

    public func seller(ofProduct product: Int) -> Int? {
        registeredProducts.indices.contains(product) ? registeredProducts[product].seller : nil
    }

    public func campaign(ofNegotiation negotiation: Int) -> Int? {
        negotiationCampaigns.indices.contains(negotiation)
            ? negotiationCampaigns[negotiation] : nil
    }

    public func product(ofNegotiation negotiation: Int) -> Int? {
        negotiationProducts.indices.contains(negotiation) ? negotiationProducts[negotiation] : nil
    }

    public func campaign(ofDeal deal: Int) -> Int? {
        deals.indices.contains(deal) ? deals[deal].campaign : nil
    }

    public func product(ofDeal deal: Int) -> Int? {
        deals.indices.contains(deal) ? deals[deal].product : nil
    }
}
