import RTBCore
import RTBEvents
import RTBTrace

/// A seller's answer to an RFP, before any hallucination is injected.
public struct Quote: Equatable, Sendable {
    public var cpm: Micros
    public var impressions: Int64
    public var dealType: DealType

    public init(cpm: Micros, impressions: Int64, dealType: DealType) {
        self.cpm = cpm
        self.impressions = impressions
        self.dealType = dealType
    }
}

/// An offer as the buyer sees it (claimed values in B, verified values in C).
public struct OfferView: Equatable, Sendable {
    public var negotiation: Int
    public var product: Int
    public var cpm: Micros
    public var impressions: Int64

    public init(negotiation: Int, product: Int, cpm: Micros, impressions: Int64) {
        self.negotiation = negotiation
        self.product = product
        self.cpm = cpm
        self.impressions = impressions
    }
}

/// Every decision an agent makes goes through this interface. The config names the policy
/// (`PolicyKind`), so replay builds the same one. A model-backed policy added later must make
/// its answers replayable (record them as events and read them back on replay); only the
/// deterministic rule-based policy exists today.
public protocol TradingPolicy: Sendable {
    /// Scenario A: the bid (CPM) of a campaign for a batch of a product, or nil to abstain.
    func auctionBid(campaign: CampaignSpec, product: ProductSpec, randomBits: UInt64) -> Micros?
    /// Open traffic: a campaign's bid in cents for one impression with user segment `segment`.
    func openBidCents(
        campaign: CampaignSpec, product: ProductSpec, segment: Int, randomBits: UInt64
    ) -> Int64
    /// B and C: the products a campaign sends RFPs to, best first.
    func rfpTargets(campaign: CampaignSpec, candidates: [ProductSpec], memory: AgentMemory) -> [Int]
    /// B and C: a seller's quote for an RFP given the truly available impressions, or nil to reject.
    func quote(product: ProductSpec, requested: Int64, maxCPM: Micros, available: Int64) -> Quote?
    /// B and C: the order in which a buyer considers offers.
    func rankOffers(campaign: CampaignSpec, offers: [OfferView]) -> [OfferView]
    /// B and C: the highest price a buyer accepts without countering.
    func acceptThreshold(campaign: CampaignSpec, memory: AgentMemory) -> Micros
    /// B and C: whether a seller accepts a buyer's counter price.
    func acceptsCounter(product: ProductSpec, cpm: Micros) -> Bool
    /// B and C open traffic: a seller's asking price (cents) for one impression.
    func directAskCents(product: ProductSpec) -> Int64
}

/// The policies a config can name (recorded in the ledger header with the config).
public enum PolicyKind: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// The rules, applied inside the engine.
    case ruleBased = 0
    /// The same rules asked of a service outside the engine (`RuleBasedService`), every
    /// decision recorded as a `Decision` event.
    case ruleBasedService = 1
    /// Seed 000's mock LLM rules (`MockLLMPolicy`), inside the engine.
    case mockLLM = 2
    /// A language model behind an API answers every decision (`RTBLLM`), each recorded as a
    /// `Decision` event; invalid replies fall back to the rule-based answer.
    case llm = 3

    public var description: String {
        switch self {
        case .ruleBased: return "rule-based"
        case .ruleBasedService: return "rule-based-service"
        case .mockLLM: return "mock-llm"
        case .llm: return "llm"
        }
    }

    /// Whether decisions are asked outside the engine (and recorded).
    public var asksOutside: Bool {
        switch self {
        case .ruleBased, .mockLLM: return false
        case .ruleBasedService, .llm: return true
        }
    }

    /// The policy that answers inside the engine, with the config's seller pricing.
    public func make(_ config: MarketConfig) -> any TradingPolicy {
        let rules = RuleBasedPolicy(sellerPricing: config.sellerPricing)
        switch self {
        case .ruleBased, .ruleBasedService, .llm: return rules
        case .mockLLM: return MockLLMPolicy(rules: rules)
        }
    }
}

/// The deterministic rule-based policy (the seed's "mock LLM"), with the public
/// implementation's rules: seller quotes by `sellerPricing` (the reference's: min(1.1 x floor,
/// buyer max)); buyers filter offers at their max CPM and rank them by strategy (target CPM:
/// closest to target; maximize reach: most impressions; floor plus: cheapest).
public struct RuleBasedPolicy: TradingPolicy {
    public let sellerPricing: SellerPricing

    /// The rules with a seller pricing (the reference's markup unless told).
    public init(sellerPricing: SellerPricing = .markup) {
        self.sellerPricing = sellerPricing
    }

    public func auctionBid(campaign: CampaignSpec, product: ProductSpec, randomBits: UInt64)
        -> Micros?
    {
        let overlap = Int64(Segments.overlap(campaign.segments, product.segments))
        let value = campaign.targetCPM.scaled(by: 1_000 + 50 * overlap, over: 1_000)
        // Jitter of -3%..+3% in 0.1% steps from the campaign's own bits.
        let jitter = Int64(randomBits % 61) - 30
        var bid: Micros
        switch campaign.strategy {
        case .targetCPM: bid = value.scaled(by: 1_000 + jitter, over: 1_000)
        case .maximizeReach: bid = campaign.maxCPM.scaled(by: 1_000 - 30 + jitter, over: 1_000)
        case .floorPlus: bid = product.floorCPM.scaled(by: 1_050 + jitter + 30, over: 1_000)
        }
        // Bids are whole cents: round, then cap at the max CPM rounded down to cents.
        bid = Micros.cents(
            min(RoundingRule.mulDiv(bid.raw, 1, 10_000), campaign.maxCPM.raw / 10_000))
        return bid >= product.floorCPM ? bid : nil
    }

    public func openBidCents(
        campaign: CampaignSpec, product: ProductSpec, segment: Int, randomBits: UInt64
    ) -> Int64 {
        let targetCents = campaign.targetCPM.raw / 10_000
        let matches = campaign.segments & (1 << UInt16(segment)) != 0
        let jitter = Int64(randomBits % 101) - 50  // -5%..+5%
        let cents = targetCents * (1_000 + (matches ? 100 : 0) + jitter) / 1_000
        return min(cents, campaign.maxCPM.raw / 10_000)
    }

    public func rfpTargets(campaign: CampaignSpec, candidates: [ProductSpec], memory: AgentMemory)
        -> [Int]
    {
        let scored = candidates.map { product -> (score: Int64, index: Int) in
            let reputation = memory.reputation(of: product.index) ?? 900
            return (
                reputation + 50 * Int64(Segments.overlap(campaign.segments, product.segments)),
                product.index
            )
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
            .prefix(3).map(\.index)
    }

    public func quote(product: ProductSpec, requested: Int64, maxCPM: Micros, available: Int64)
        -> Quote?
    {
        guard maxCPM >= product.floorCPM, available > 0 else { return nil }
        let dealType: DealType =
            product.supports(.programmaticGuaranteed) && requested >= 1_000_000
            ? .programmaticGuaranteed : .preferredDeal
        return Quote(
            cpm: sellerPricing.ask(floor: product.floorCPM, maxCPM: maxCPM),
            impressions: min(requested, available), dealType: dealType)
    }

    public func rankOffers(campaign: CampaignSpec, offers: [OfferView]) -> [OfferView] {
        let acceptable = offers.filter { $0.cpm <= campaign.maxCPM }
        return acceptable.sorted { lhs, rhs in
            let keys: (Int64, Int64)
            switch campaign.strategy {
            case .targetCPM:
                keys = (
                    (lhs.cpm.raw - campaign.targetCPM.raw).magnitude.clampedToInt64,
                    (rhs.cpm.raw - campaign.targetCPM.raw).magnitude.clampedToInt64
                )
            case .maximizeReach: keys = (-lhs.impressions, -rhs.impressions)
            case .floorPlus: keys = (lhs.cpm.raw, rhs.cpm.raw)
            }
            return keys.0 != keys.1 ? keys.0 < keys.1 : lhs.negotiation < rhs.negotiation
        }
    }

    public func acceptThreshold(campaign: CampaignSpec, memory: AgentMemory) -> Micros {
        let reference = memory.priceReferences[Int(campaign.channel.rawValue)]
        guard reference != .zero else { return campaign.targetCPM }
        return min(campaign.targetCPM, reference.scaled(by: 105, over: 100))
    }

    public func acceptsCounter(product: ProductSpec, cpm: Micros) -> Bool {
        cpm >= product.floorCPM
    }

    public func directAskCents(product: ProductSpec) -> Int64 {
        RoundingRule.mulDiv(product.floorCPM.raw, 11, 100_000)
    }
}
