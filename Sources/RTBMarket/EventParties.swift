import RTBCore
import RTBEvents

extension MarketEvent {
    /// Kill records (a kill and the recovery it triggers) are left out of the market digest,
    /// so a run whose killed agents recover exactly has the uninterrupted run's digest. The one
    /// rule: the engine applies it when it emits, `verify --deep` when it recomputes.
    public var isKillRecord: Bool {
        switch body {
        case .agentKilled: return true
        case .recovery(let recovery): return recovery.trigger == .kill
        default: return false
        }
    }
}

/// An agent an event names directly or through the ids it carries.
public enum Party: Equatable, Sendable {
    case agent(AgentRef)
    case exchange
    case buyerOfCampaign(Int)
    case sellerOfProduct(Int)
    case buyerOfNegotiation(Int)
    case sellerOfNegotiation(Int)
    case buyerOfDeal(Int)
    case sellerOfDeal(Int)
}

/// Whose memory a factual event changes.
public enum MemoryEffect: Equatable, Sendable {
    case none
    /// Every agent's (a new day ages every memory).
    case everyone
    /// The buyer's and the seller's, when named.
    case parties(buyer: Party?, seller: Party?)
}

/// Who an event concerns: the one rule the engine (agent memories, the payer of each shared
/// ledger entry), the checker (memories as the ledger defines them, ledger payers) and
/// divergence reports share. Every event kind is listed: a new kind must be decided here.
public struct EventParties: Equatable, Sendable {
    /// The agent the event is about or comes from.
    public var subject: Party?
    /// The agent that writes (and pays for) the event in a shared ledger; nil if not written.
    public var ledgerPayer: Party?
    /// Whose memory it changes.
    public var memory: MemoryEffect

    public init(subject: Party?, ledgerPayer: Party? = nil, memory: MemoryEffect = .none) {
        self.subject = subject
        self.ledgerPayer = ledgerPayer
        self.memory = memory
    }

    /// The parties of an event.
    public static func of(_ body: EventBody) -> EventParties {
        switch body {
        case .runStarted, .scenarioStarted, .dayClosed, .scenarioFinished, .scaleRound:
            return EventParties(subject: nil)
        case .dayStarted: return EventParties(subject: nil, memory: .everyone)
        case .campaignRegistered(let payload):
            return EventParties(subject: .agent(payload.buyer), ledgerPayer: .agent(payload.buyer))
        case .productRegistered(let payload):
            return EventParties(
                subject: .agent(payload.seller), ledgerPayer: .agent(payload.seller))
        case .bidRequest, .auctionCleared, .openAuction: return EventParties(subject: .exchange)
        case .bid(let payload): return EventParties(subject: .buyerOfCampaign(payload.campaign))
        case .rfp(let payload):
            let buyer = Party.buyerOfCampaign(payload.campaign)
            return EventParties(
                subject: buyer, ledgerPayer: buyer, memory: .parties(buyer: buyer, seller: nil))
        case .offer(let payload):
            return EventParties(
                subject: .sellerOfNegotiation(payload.negotiation),
                ledgerPayer: .sellerOfNegotiation(payload.negotiation),
                memory: .parties(buyer: .buyerOfNegotiation(payload.negotiation), seller: nil))
        case .counterOffer(let payload):
            let buyer = Party.buyerOfNegotiation(payload.negotiation)
            return EventParties(subject: buyer, ledgerPayer: buyer)
        case .negotiationClosed(let payload):
            let buyer = Party.buyerOfNegotiation(payload.negotiation)
            return EventParties(
                subject: buyer, ledgerPayer: buyer, memory: .parties(buyer: buyer, seller: nil))
        case .dealAgreed(let payload):
            return EventParties(
                subject: .buyerOfCampaign(payload.campaign),
                ledgerPayer: .sellerOfProduct(payload.product),
                memory: .parties(
                    buyer: .buyerOfCampaign(payload.campaign),
                    seller: .sellerOfProduct(payload.product)))
        case .delivery(let payload):
            return EventParties(
                subject: .sellerOfDeal(payload.deal), ledgerPayer: .sellerOfDeal(payload.deal),
                memory: .parties(
                    buyer: .buyerOfDeal(payload.deal), seller: .sellerOfDeal(payload.deal)))
        case .settlement(let payload):
            return EventParties(
                subject: .buyerOfDeal(payload.deal), ledgerPayer: .buyerOfDeal(payload.deal),
                memory: .parties(
                    buyer: .buyerOfDeal(payload.deal), seller: .sellerOfDeal(payload.deal)))
        case .reconciliation(let payload):
            let buyer = Party.buyerOfCampaign(payload.campaign)
            return EventParties(subject: buyer, ledgerPayer: buyer)
        case .contextRot(let payload): return EventParties(subject: .agent(payload.agent))
        case .recovery(let payload): return EventParties(subject: .agent(payload.agent))
        case .hallucination(let payload):
            // A claim in an offer reaches the buyer's memory (C's buyer learns the truth of a
            // history claim it caught); a delivery claim reaches only the books.
            switch payload.claim {
            case .inventory, .price, .history:
                return EventParties(
                    subject: .agent(payload.agent),
                    memory: .parties(buyer: .buyerOfNegotiation(payload.subject), seller: nil))
            case .delivery: return EventParties(subject: .agent(payload.agent))
            }
        case .agentKilled(let payload): return EventParties(subject: .agent(payload.agent))
        case .agentSnapshot(let payload):
            return EventParties(subject: .agent(payload.agent), ledgerPayer: .agent(payload.agent))
        case .ledgerEntry(let payload): return EventParties(subject: .agent(payload.payer))
        case .decision(let payload): return EventParties(subject: .agent(payload.agent))
        case .modelCall(let payload): return EventParties(subject: .agent(payload.agent))
        case .directOffer(let payload): return EventParties(subject: .sellerOfProduct(payload.product))
        }
    }
}

/// Resolves the ids events carry to agents; nil where the resolver does not know (an id out of
/// range, or a negotiation or deal the divergence report has no record of).
public protocol PartyDirectory {
    func buyer(ofCampaign campaign: Int) -> Int?
    func seller(ofProduct product: Int) -> Int?
    func campaign(ofNegotiation negotiation: Int) -> Int?
    func product(ofNegotiation negotiation: Int) -> Int?
    func campaign(ofDeal deal: Int) -> Int?
    func product(ofDeal deal: Int) -> Int?
}

extension PartyDirectory {
    /// The agent behind a party, or nil.
    public func resolve(_ party: Party) -> AgentRef? {
        switch party {
        case .agent(let agent): return agent
        case .exchange: return .exchange
        case .buyerOfCampaign(let campaign): return buyer(ofCampaign: campaign).map(AgentRef.buyer)
        case .sellerOfProduct(let product): return seller(ofProduct: product).map(AgentRef.seller)
        case .buyerOfNegotiation(let negotiation):
            return campaign(ofNegotiation: negotiation).flatMap { buyer(ofCampaign: $0) }
                .map(AgentRef.buyer)
        case .sellerOfNegotiation(let negotiation):
            return product(ofNegotiation: negotiation).flatMap { seller(ofProduct: $0) }
                .map(AgentRef.seller)
        case .buyerOfDeal(let deal):
            return campaign(ofDeal: deal).flatMap { buyer(ofCampaign: $0) }.map(AgentRef.buyer)
        case .sellerOfDeal(let deal):
            return product(ofDeal: deal).flatMap { seller(ofProduct: $0) }.map(AgentRef.seller)
        }
    }
}

/// The market alone resolves campaigns and products, not negotiations or deals (divergence
/// reports).
extension Market: PartyDirectory {
    public func buyer(ofCampaign campaign: Int) -> Int? {
        campaigns.indices.contains(campaign) ? campaigns[campaign].buyer : nil
    }

    public func seller(ofProduct product: Int) -> Int? {
        products.indices.contains(product) ? products[product].seller : nil
    }

    public func campaign(ofNegotiation negotiation: Int) -> Int? { nil }
    public func product(ofNegotiation negotiation: Int) -> Int? { nil }
    public func campaign(ofDeal deal: Int) -> Int? { nil }
    public func product(ofDeal deal: Int) -> Int? { nil }
}
