import RTBCore
import RTBEvents
import RTBTrace

/// Seed 000's mock LLM ("Strategy A: deterministic responses based on input patterns"), its
/// three rules exactly, bounds inclusive, in integer micros:
/// - bid acceptance: a seller accepts a bid b on a product with floor f iff f <= b <= 1.5 f
///   (scenario A: a bid the seller would refuse is not entered; 2 b <= 3 f);
/// - deal negotiation: a buyer accepts a deal price p iff p <= 1.15 x its target CPM
///   (100 p <= 115 t, so the threshold is floor(115 t / 100)); a seller accepts a counter price
///   p iff p >= 0.85 x its ask (100 p >= 85 a), the ask being the rule-based quote, 1.1 x floor
///   rounded to cents, and p >= its floor: the bid rule's lower bound binds negotiation too
///   (0.85 x 1.1 f = 0.935 f would otherwise sell below the floor, which the checker's
///   prices-above-floor rejects; with the 1.1 f ask the floor is the binding bound);
/// - campaign allocation: campaigns take the available products round-robin in id order
///   (candidates sorted by product index, starting at campaign index mod count, up to three).
/// Every other decision (the bid amounts, quotes, offer ranking, open-traffic prices) is the
/// rule-based policy's.
public struct MockLLMPolicy: TradingPolicy {
    let rules: RuleBasedPolicy
    public static let rfpTargetCount = 3

    /// The mock rules over `rules` (their quotes follow its seller pricing; the counter rule's
    /// ask stays the seed's 1.1 x floor).
    public init(rules: RuleBasedPolicy = RuleBasedPolicy()) {
        self.rules = rules
    }

    /// The seller's bid rule: f <= b <= 1.5 f.
    public static func sellerAcceptsBid(_ bid: Micros, floor: Micros) -> Bool {
        bid >= floor && 2 * bid.raw <= 3 * floor.raw
    }

    /// The buyer's deal rule: p <= 1.15 t.
    public static func buyerAccepts(_ price: Micros, targetCPM: Micros) -> Bool {
        100 * price.raw <= 115 * targetCPM.raw
    }

    /// The seller's deal rule: p >= 0.85 a.
    public static func sellerAccepts(_ price: Micros, ask: Micros) -> Bool {
        100 * price.raw >= 85 * ask.raw
    }

    public func auctionBid(campaign: CampaignSpec, product: ProductSpec, randomBits: UInt64)
        -> Micros?
    {
        guard
            let bid = rules.auctionBid(
                campaign: campaign, product: product, randomBits: randomBits),
            Self.sellerAcceptsBid(bid, floor: product.floorCPM)
        else { return nil }
        return bid
    }

    public func openBidCents(
        campaign: CampaignSpec, product: ProductSpec, segment: Int, randomBits: UInt64
    ) -> Int64 {
        rules.openBidCents(
            campaign: campaign, product: product, segment: segment, randomBits: randomBits)
    }

    public func rfpTargets(campaign: CampaignSpec, candidates: [ProductSpec], memory: AgentMemory)
        -> [Int]
    {
        let ordered = candidates.map(\.index).sorted()
        guard !ordered.isEmpty else { return [] }
        let start = campaign.index % ordered.count
        return (0..<min(Self.rfpTargetCount, ordered.count)).map {
            ordered[(start + $0) % ordered.count]
        }
    }

    public func quote(product: ProductSpec, requested: Int64, maxCPM: Micros, available: Int64)
        -> Quote?
    {
        rules.quote(product: product, requested: requested, maxCPM: maxCPM, available: available)
    }

    public func rankOffers(campaign: CampaignSpec, offers: [OfferView]) -> [OfferView] {
        rules.rankOffers(campaign: campaign, offers: offers)
    }

    /// The highest price the buyer accepts: floor(115 t / 100).
    public func acceptThreshold(campaign: CampaignSpec, memory: AgentMemory) -> Micros {
        Micros(campaign.targetCPM.raw * 115 / 100)
    }

    public func acceptsCounter(product: ProductSpec, cpm: Micros) -> Bool {
        cpm >= product.floorCPM
            && Self.sellerAccepts(cpm, ask: Micros.cents(rules.directAskCents(product: product)))
    }

    public func directAskCents(product: ProductSpec) -> Int64 {
        rules.directAskCents(product: product)
    }
}
