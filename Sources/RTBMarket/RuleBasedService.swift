import RTBCore
import RTBEvents
import RTBTrace

/// The rule-based policy as a service outside the engine: it answers `TradingQuestion`s with
/// the same rules as `RuleBasedPolicy`, from the question's contents and the generated market
/// alone. The `rule-based-service` policy asks it every decision, so each one is recorded as a
/// `Decision` event: the path a model-backed policy takes, at a known price and with answers
/// equal to the in-engine rules.
public final class RuleBasedService: DecisionSource {
    public let name = "rule-based-service"
    let market: Market
    let rules: RuleBasedPolicy

    public init(config: MarketConfig) {
        market = Market(config: config)
        rules = RuleBasedPolicy(sellerPricing: config.sellerPricing)
    }

    public func answer(_ question: [UInt8]) throws -> [UInt8] {
        var reader = CanonicalReader(question)
        let decoded = try TradingQuestion(from: &reader)
        try reader.expectEnd()
        return try answer(decoded).canonicalBytes
    }

    func answer(_ question: TradingQuestion) throws -> TradingAnswer {
        switch question {
        case .auctionBid(let campaign, let product, let bits):
            return .bid(
                rules.auctionBid(
                    campaign: try self.campaign(campaign), product: try self.product(product),
                    randomBits: bits))
        case .openBid(let campaign, let product, let segment, let bits):
            return .cents(
                rules.openBidCents(
                    campaign: try self.campaign(campaign), product: try self.product(product),
                    segment: segment, randomBits: bits))
        case .rfpTargets(let campaign, let candidates, let reputations):
            var memory = AgentMemory()
            for (product, permille) in zip(candidates, reputations) where permille >= 0 {
                memory.setReputation(product, permille)
            }
            return .indexes(
                rules.rfpTargets(
                    campaign: try self.campaign(campaign),
                    candidates: try candidates.map { try self.product($0) }, memory: memory))
        case .quote(let product, let requested, let maxCPM, let available):
            return .quote(
                rules.quote(
                    product: try self.product(product), requested: requested, maxCPM: maxCPM,
                    available: available))
        case .rankOffers(let campaign, let offers):
            return .indexes(
                rules.rankOffers(campaign: try self.campaign(campaign), offers: offers).map(
                    \.negotiation))
        case .acceptThreshold(let campaign, let reference):
            let spec = try self.campaign(campaign)
            var memory = AgentMemory()
            memory.priceReferences[Int(spec.channel.rawValue)] = reference
            return .price(rules.acceptThreshold(campaign: spec, memory: memory))
        case .acceptsCounter(let product, let cpm):
            return .accepts(rules.acceptsCounter(product: try self.product(product), cpm: cpm))
        case .directAsk(let product):
            return .cents(rules.directAskCents(product: try self.product(product)))
        }
    }

    func campaign(_ index: Int) throws -> CampaignSpec {
        guard market.campaigns.indices.contains(index) else {
            throw ConfigError.invalid("question", "a campaign of this market (got \(index))")
        }
        return market.campaigns[index]
    }

    func product(_ index: Int) throws -> ProductSpec {
        guard market.products.indices.contains(index) else {
            throw ConfigError.invalid("question", "a product of this market (got \(index))")
        }
        return market.products[index]
    }
}
