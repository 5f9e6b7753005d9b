import RTBCore
import RTBEvents
import RTBTrace

/// A deal as one agent's book records it.
public struct DealNote: Hashable, Sendable {
    public var deal: Int
    public var campaign: Int
    public var product: Int
    public var impressions: Int64
    /// The price this agent's book holds.
    public var cpm: Micros
    /// Impressions this agent's book has counted.
    public var counted: Int64
    /// Last day of delivery.
    public var endDay: Int
}

/// A negotiation the buyer is waiting on.
public struct PendingNote: Hashable, Sendable {
    public var negotiation: Int
    public var campaign: Int
    public var product: Int
}

/// What a buyer knows of a product's delivery reliability, per mille.
public struct ReputationNote: Hashable, Sendable {
    public var product: Int
    public var permille: Int64
}

/// How a buyer treats the claims of the offers it receives.
public enum ClaimHandling: Sendable {
    /// B: every claim as stated.
    case trusted
    /// C (engine 0.3.0): claims checked against the shared ledger; a history claim is taken as
    /// stated when true, as the ledger's figure when caught false.
    case checked
    /// C in engines 0.1.0 and 0.2.0 (`MarketConfig.checkedHistoryClaims` off): claims checked,
    /// history claims never taken into reputation.
    case checkedIgnoringHistory
}

/// An agent's volatile memory: the keys context rot destroys and recovery rebuilds.
///
/// It changes only through `apply(_:)` of factual market events, so a ledger snapshot plus the
/// events after it rebuild it exactly (scenario C). Rot removes keys directly.
public struct AgentMemory: Equatable, Sendable {
    /// Open orders in working memory, ascending by deal number (subject to rot).
    public var deals: [DealNote] = []
    /// Orders whose term ended, written to the agent's books (persistent: rot, kills and
    /// restarts do not touch them), ascending by deal number.
    public var archive: [DealNote] = []
    /// Buyers only: last agreed price per channel (0 = unknown).
    public var priceReferences: [Micros] = [Micros](repeating: .zero, count: Channel.allCases.count)
    /// Buyers only: reputation per product, ascending by product.
    public var reputation: [ReputationNote] = []
    /// Buyers only: negotiations awaiting a decision, ascending.
    public var pending: [PendingNote] = []
    /// Buyers in C only: the true delivery history of the negotiation whose offer is about to
    /// arrive with a history claim the buyer caught as false (set by the `Hallucination` event,
    /// consumed by the `Offer` that follows it in the same engine step, so never held between
    /// steps and never encoded).
    var caughtHistory: (negotiation: Int, truth: Int64)?

    public init() {}

    /// Equal when every encoded part is (the transient `caughtHistory` is not part of the
    /// memory).
    public static func == (lhs: AgentMemory, rhs: AgentMemory) -> Bool {
        lhs.deals == rhs.deals && lhs.archive == rhs.archive
            && lhs.priceReferences == rhs.priceReferences && lhs.reputation == rhs.reputation
            && lhs.pending == rhs.pending
    }

    /// Volatile keys held: open orders, known prices, reputation entries and pending negotiations.
    public var keyCount: Int { volatileKeys.count }

    /// The note of `deal`, open or archived, if known.
    public func note(of deal: Int) -> DealNote? {
        if let index = Self.index(of: deal, in: deals) { return deals[index] }
        if let index = Self.index(of: deal, in: archive) { return archive[index] }
        return nil
    }

    /// Every note (open and archived) of a campaign.
    public func notes(ofCampaign campaign: Int) -> [DealNote] {
        (archive + deals).filter { $0.campaign == campaign }
    }

    /// What remains of working memory after a kill or restart: only the archive.
    public var persistentPart: AgentMemory {
        var memory = AgentMemory()
        memory.archive = archive
        return memory
    }

    func indexOfDeal(_ deal: Int) -> Int? { Self.index(of: deal, in: deals) }

    static func index(of deal: Int, in notes: [DealNote]) -> Int? {
        var low = 0
        var high = notes.count
        while low < high {
            let middle = (low + high) / 2
            if notes[middle].deal < deal { low = middle + 1 } else { high = middle }
        }
        return low < notes.count && notes[low].deal == deal ? low : nil
    }

    /// Reputation of `product`, if known.
    public func reputation(of product: Int) -> Int64? {
        reputation.first { $0.product == product }?.permille
    }

    mutating func setReputation(_ product: Int, _ permille: Int64) {
        if let index = reputation.firstIndex(where: { $0.product == product }) {
            reputation[index].permille = permille
        } else {
            let index = reputation.firstIndex { $0.product > product } ?? reputation.count
            reputation.insert(ReputationNote(product: product, permille: permille), at: index)
        }
    }

    /// True when `negotiation` is awaited.
    public func isPending(_ negotiation: Int) -> Bool {
        pending.contains { $0.negotiation == negotiation }
    }

    /// Applies a factual event to the memory of `agent`, whose buyer treats offers' claims as
    /// `claims` says. The checker applies recorded events, so a campaign or product the market
    /// does not have is ignored and sums clamp instead of trapping (a run never has either).
    public mutating func apply(
        _ event: MarketEvent, agent: AgentRef, market: Market, claims: ClaimHandling
    ) {
        switch event.body {
        case .rfp(let rfp):
            guard agent.kind == .buyer, market.campaigns.indices.contains(rfp.campaign),
                market.campaigns[rfp.campaign].buyer == agent.index
            else { return }
            pending.append(
                PendingNote(
                    negotiation: rfp.negotiation, campaign: rfp.campaign, product: rfp.product))
        case .hallucination(let claim):
            // C's buyer checked the history claim against the ledger's delivery records.
            guard claims == .checked, claim.claim == .history, claim.caught, agent.kind == .buyer,
                pending.contains(where: { $0.negotiation == claim.subject })
            else { return }
            caughtHistory = (claim.subject, claim.trueValue)
        case .offer(let offer):
            // B's buyer takes the seller's history claim as stated; C's takes it once checked
            // against the ledger: as stated when true, the ledger's figure when caught false.
            let caught = caughtHistory.flatMap {
                $0.negotiation == offer.negotiation ? $0.truth : nil
            }
            caughtHistory = nil
            guard agent.kind == .buyer,
                let note = pending.first(where: { $0.negotiation == offer.negotiation })
            else { return }
            let history: Int64
            switch claims {
            case .trusted: history = offer.historyPermille
            case .checked: history = caught ?? offer.historyPermille
            case .checkedIgnoringHistory: return
            }
            let known = reputation(of: note.product)
            setReputation(
                note.product, known.map { $0.saturatingPlus(history) / 2 } ?? history)
        case .negotiationClosed(let closed):
            if closed.outcome == .rejected,
                let note = pending.first(where: { $0.negotiation == closed.negotiation })
            {
                // A rejection halves what the buyer expects of the product, so it asks elsewhere.
                setReputation(note.product, (reputation(of: note.product) ?? 900) / 2)
            }
            pending.removeAll { $0.negotiation == closed.negotiation }
        case .dealAgreed(let deal):
            guard market.campaigns.indices.contains(deal.campaign),
                market.products.indices.contains(deal.product)
            else { return }
            let campaign = market.campaigns[deal.campaign]
            let product = market.products[deal.product]
            if agent.kind == .buyer && campaign.buyer == agent.index {
                deals.append(
                    DealNote(
                        deal: deal.deal, campaign: deal.campaign, product: deal.product,
                        impressions: deal.impressions, cpm: deal.buyerCPM, counted: 0,
                        endDay: deal.endDay))
                priceReferences[Int(campaign.channel.rawValue)] = deal.buyerCPM
            } else if agent.kind == .seller && product.seller == agent.index {
                deals.append(
                    DealNote(
                        deal: deal.deal, campaign: deal.campaign, product: deal.product,
                        impressions: deal.impressions, cpm: deal.sellerCPM, counted: 0,
                        endDay: deal.endDay))
            }
        case .delivery(let delivery):
            guard let index = indexOfDeal(delivery.deal) else { return }
            if agent.kind == .buyer {
                deals[index].counted = deals[index].counted.saturatingPlus(delivery.buyerCounted)
                let ratio =
                    delivery.planned == 0
                    ? 1_000
                    : min(1_000, delivery.buyerCounted.saturatingTimes(1_000) / delivery.planned)
                let product = deals[index].product
                setReputation(
                    product,
                    reputation(of: product).map { $0.saturatingTimes(9).saturatingPlus(ratio) / 10 }
                        ?? ratio)
            } else {
                deals[index].counted = deals[index].counted.saturatingPlus(delivery.sellerCounted)
            }
        case .settlement(let settlement):
            if let index = indexOfDeal(settlement.deal) { deals.remove(at: index) }
            if let index = Self.index(of: settlement.deal, in: archive) {
                archive.remove(at: index)
            }
        case .dayStarted(let started):
            // Orders whose term ended move to the books.
            let ended = deals.filter { $0.endDay < started.day }
            guard !ended.isEmpty else { return }
            deals.removeAll { $0.endDay < started.day }
            archive = (archive + ended).sorted { $0.deal < $1.deal }
        default:
            return
        }
    }

    /// Canonical bytes: open orders, archive, price references, reputation, pending
    /// (docs/ledger-format.md).
    public func encode(into writer: inout CanonicalWriter) {
        Self.encode(deals, into: &writer)
        Self.encode(archive, into: &writer)
        for price in priceReferences { writer.varint(UInt64(price.raw)) }
        writer.varint(reputation.count)
        for note in reputation {
            writer.varint(note.product)
            writer.varint(UInt64(note.permille))
        }
        writer.varint(pending.count)
        for note in pending {
            writer.varint(note.negotiation)
            writer.varint(note.campaign)
            writer.varint(note.product)
        }
    }

    static func encode(_ notes: [DealNote], into writer: inout CanonicalWriter) {
        writer.varint(notes.count)
        for note in notes {
            writer.varint(note.deal)
            writer.varint(note.campaign)
            writer.varint(note.product)
            writer.varint(UInt64(note.impressions))
            writer.varint(UInt64(note.cpm.raw))
            writer.varint(UInt64(note.counted))
            writer.varint(note.endDay)
        }
    }

    /// Reads canonical memory bytes.
    public init(from reader: inout CanonicalReader) throws(CanonicalError) {
        deals = try Self.decodeNotes(from: &reader)
        archive = try Self.decodeNotes(from: &reader)
        for index in priceReferences.indices { priceReferences[index] = Micros(try reader.int64()) }
        let reputationCount = try reader.count()
        for _ in 0..<reputationCount {
            reputation.append(
                ReputationNote(product: try reader.int(), permille: try reader.int64()))
        }
        let pendingCount = try reader.count()
        for _ in 0..<pendingCount {
            pending.append(
                PendingNote(
                    negotiation: try reader.int(), campaign: try reader.int(),
                    product: try reader.int()))
        }
    }

    static func decodeNotes(from reader: inout CanonicalReader) throws(CanonicalError) -> [DealNote]
    {
        var notes: [DealNote] = []
        for _ in 0..<(try reader.count()) {
            notes.append(
                DealNote(
                    deal: try reader.int(), campaign: try reader.int(), product: try reader.int(),
                    impressions: try reader.int64(), cpm: Micros(try reader.int64()),
                    counted: try reader.int64(), endDay: try reader.int()))
        }
        return notes
    }

    /// The canonical bytes.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// SHA-256 of the canonical bytes.
    public var digest: Digest32 { Sha256.hash(canonicalBytes) }
}
