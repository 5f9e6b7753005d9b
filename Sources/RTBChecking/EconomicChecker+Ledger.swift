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
            ledgerMemories = [AgentMemory](
                repeating: AgentMemory(), count: Int(started.buyers + started.sellers))
            buyerCount = Int(started.buyers)
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
            ledgerMemories[slot] = memory
            return
        case .recovery(let recovery):
            guard let slot = slot(recovery.agent) else { return }
            check(
                .ledgerRecoveryExact,
                recovery.stateDigest == ledgerMemories[slot].digest && recovery.matches, sequence,
                "\(recovery.agent) recovered memory \(recovery.stateDigest.short), the ledger defines \(ledgerMemories[slot].digest.short)"
            )
            return
        case .rfp(let rfp):
            while negotiationCampaigns.count <= rfp.negotiation {
                negotiationCampaigns.append(0)
                negotiationProducts.append(0)
            }
            negotiationCampaigns[rfp.negotiation] = rfp.campaign
            negotiationProducts[rfp.negotiation] = rfp.product
        default:
            break
        }
        if ledgerMarket == nil || ledgerMarket!.campaigns.count != registeredCampaigns.count
            || ledgerMarket!.products.count != registeredProducts.count
        {
            ledgerMarket = Market(campaigns: registeredCampaigns, products: registeredProducts)
        }
        let market = ledgerMarket!
        for agent in agents(of: event, market: market) {
            guard let slot = slot(agent) else { continue }
            ledgerMemories[slot].apply(event, agent: agent, market: market, trustsClaims: false)
        }
    }

    func slot(_ agent: AgentRef) -> Int? {
        let index =
            agent.kind == .buyer
            ? agent.index : agent.kind == .seller ? buyerCount + agent.index : -1
        return index >= 0 && index < ledgerMemories.count ? index : nil
    }

    /// The agents whose memory a factual event changes.
    func agents(of event: MarketEvent, market: Market) -> [AgentRef] {
        func buyer(_ campaign: Int) -> [AgentRef] {
            campaign < market.campaigns.count ? [.buyer(market.campaigns[campaign].buyer)] : []
        }
        func seller(_ product: Int) -> [AgentRef] {
            product < market.products.count ? [.seller(market.products[product].seller)] : []
        }
        func negotiation(_ id: Int) -> [AgentRef] {
            id < negotiationCampaigns.count ? buyer(negotiationCampaigns[id]) : []
        }
        func deal(_ id: Int) -> [AgentRef] {
            id < deals.count ? buyer(deals[id].campaign) + seller(deals[id].product) : []
        }
        switch event.body {
        case .rfp(let payload): return buyer(payload.campaign)
        case .offer(let payload): return negotiation(payload.negotiation)
        case .negotiationClosed(let payload): return negotiation(payload.negotiation)
        case .dealAgreed(let payload): return buyer(payload.campaign) + seller(payload.product)
        case .delivery(let payload): return deal(payload.deal)
        case .settlement(let payload): return deal(payload.deal)
        case .dayStarted:
            return (0..<ledgerMemories.count).map {
                $0 < buyerCount ? .buyer($0) : .seller($0 - buyerCount)
            }
        default: return []
        }
    }
}
