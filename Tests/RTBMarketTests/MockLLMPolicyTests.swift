import RTBCore
import RTBMarket
import Testing

/// Seed 000's mock LLM rules, each at its boundaries (integer micros, bounds inclusive).
@Test func theMockSellerAcceptsBidsFromTheFloorToOneAndAHalfFloors() {
    let floor = Micros(1_000_000)
    #expect(MockLLMPolicy.sellerAcceptsBid(Micros(1_000_000), floor: floor))
    #expect(!MockLLMPolicy.sellerAcceptsBid(Micros(999_999), floor: floor))
    #expect(MockLLMPolicy.sellerAcceptsBid(Micros(1_500_000), floor: floor))
    #expect(!MockLLMPolicy.sellerAcceptsBid(Micros(1_500_001), floor: floor))
    // An odd floor: 1.5 f = 1,500,001.5 micros.
    let odd = Micros(1_000_001)
    #expect(MockLLMPolicy.sellerAcceptsBid(Micros(1_500_001), floor: odd))
    #expect(!MockLLMPolicy.sellerAcceptsBid(Micros(1_500_002), floor: odd))
}

@Test func theMockBuyerAcceptsPricesUpTo115PercentOfItsTarget() {
    #expect(MockLLMPolicy.buyerAccepts(Micros(11_500_000), targetCPM: Micros(10_000_000)))
    #expect(!MockLLMPolicy.buyerAccepts(Micros(11_500_001), targetCPM: Micros(10_000_000)))
    // 1.15 x 3 = 3.45 micros: 3 is inside, 4 is not.
    #expect(MockLLMPolicy.buyerAccepts(Micros(3), targetCPM: Micros(3)))
    #expect(!MockLLMPolicy.buyerAccepts(Micros(4), targetCPM: Micros(3)))
    // The policy's threshold is exactly the largest accepted price.
    let market = Market(config: MarketConfig())
    for campaign in market.campaigns {
        let threshold = MockLLMPolicy().acceptThreshold(campaign: campaign, memory: AgentMemory())
        #expect(MockLLMPolicy.buyerAccepts(threshold, targetCPM: campaign.targetCPM))
        #expect(!MockLLMPolicy.buyerAccepts(threshold + Micros(1), targetCPM: campaign.targetCPM))
    }
}

@Test func theMockSellerAcceptsPricesFrom85PercentOfItsAsk() {
    #expect(MockLLMPolicy.sellerAccepts(Micros(8_500_000), ask: Micros(10_000_000)))
    #expect(!MockLLMPolicy.sellerAccepts(Micros(8_499_999), ask: Micros(10_000_000)))
    // 0.85 x 7 = 5.95 micros: 6 is inside, 5 is not.
    #expect(MockLLMPolicy.sellerAccepts(Micros(6), ask: Micros(7)))
    #expect(!MockLLMPolicy.sellerAccepts(Micros(5), ask: Micros(7)))
    // In the engine the floor binds too (the bid rule's lower bound).
    let market = Market(config: MarketConfig())
    for product in market.products {
        let policy = MockLLMPolicy()
        #expect(policy.acceptsCounter(product: product, cpm: product.floorCPM))
        #expect(!policy.acceptsCounter(product: product, cpm: product.floorCPM - Micros(1)))
    }
}

@Test func mockCampaignsTakeProductsRoundRobinInIdOrder() {
    let market = Market(config: MarketConfig())
    let candidates = [5, 2, 9, 1].map { market.products[$0] }
    let policy = MockLLMPolicy()
    func targets(_ campaign: Int) -> [Int] {
        policy.rfpTargets(
            campaign: market.campaigns[campaign], candidates: candidates, memory: AgentMemory())
    }
    #expect(targets(0) == [1, 2, 5])
    #expect(targets(3) == [9, 1, 2])
    #expect(targets(6) == [5, 9, 1])
    #expect(
        policy.rfpTargets(
            campaign: market.campaigns[0], candidates: [market.products[4]], memory: AgentMemory())
            == [4])
}

/// In scenario A every bid a mock-LLM campaign enters lies in [floor, 1.5 floor], and a bid the
/// rules would make outside it is withheld.
@Test func mockAuctionBidsStayWithinTheSellersBounds() {
    let market = Market(config: MarketConfig())
    let mock = MockLLMPolicy()
    let rules = RuleBasedPolicy()
    var entered = 0
    var withheld = 0
    for campaign in market.campaigns {
        for product in market.products {
            for bits: UInt64 in [0, 17, 60] {
                let ruled = rules.auctionBid(campaign: campaign, product: product, randomBits: bits)
                let bid = mock.auctionBid(campaign: campaign, product: product, randomBits: bits)
                if let bid {
                    entered += 1
                    #expect(bid == ruled)
                    #expect(bid >= product.floorCPM && 2 * bid.raw <= 3 * product.floorCPM.raw)
                } else if ruled != nil {
                    withheld += 1
                }
            }
        }
    }
    #expect(entered > 0 && withheld > 0, "entered \(entered), withheld \(withheld)")
}
