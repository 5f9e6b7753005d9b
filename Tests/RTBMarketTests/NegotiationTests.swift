import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

let policy = RuleBasedPolicy()

func product(floor: Micros, tier: Tier = .standard, channel: Channel = .display) -> ProductSpec {
    ProductSpec(
        index: 0, seller: 0, channel: channel, tier: tier, floorCPM: floor, dailyAvails: 100_000,
        dealTypes: tier == .premium ? 7 : 14, segments: 1, reliabilityPermille: 1_000)
}

func campaign(target: Micros, strategy: BuyerStrategy = .targetCPM) -> CampaignSpec {
    CampaignSpec(
        index: 0, buyer: 0, budget: .dollars(10_000), targetCPM: target,
        maxCPM: target.scaled(by: 12, over: 10),
        goalImpressions: 1_000_000, channel: .display, segments: 1, startDay: 1, endDay: 30,
        strategy: strategy)
}

@Test func sellerQuotesTenPercentOverFloorCappedAtTheBuyersMax() {
    let quote = policy.quote(
        product: product(floor: .dollars(10)), requested: 50_000, maxCPM: .dollars(20),
        available: 30_000)
    #expect(quote == Quote(cpm: .dollars(11), impressions: 30_000, dealType: .preferredDeal))
    let capped = policy.quote(
        product: product(floor: .dollars(10)), requested: 50_000, maxCPM: Micros.cents(1_050),
        available: 90_000)
    #expect(capped?.cpm == Micros.cents(1_050))
    #expect(
        policy.quote(
            product: product(floor: .dollars(10)), requested: 1, maxCPM: .dollars(9),
            available: 90_000) == nil)
    let guaranteed = policy.quote(
        product: product(floor: .dollars(10), tier: .premium), requested: 2_000_000,
        maxCPM: .dollars(20), available: 5_000_000)
    #expect(guaranteed?.dealType == .programmaticGuaranteed)
}

@Test func buyersRankOffersByStrategy() {
    let offers = [
        OfferView(negotiation: 0, product: 0, cpm: .dollars(9), impressions: 10_000),
        OfferView(negotiation: 1, product: 1, cpm: .dollars(12), impressions: 90_000),
        OfferView(negotiation: 2, product: 2, cpm: .dollars(15), impressions: 50_000),
        OfferView(negotiation: 3, product: 3, cpm: .dollars(40), impressions: 900_000),
    ]
    let target = Micros.dollars(14)
    #expect(
        policy.rankOffers(campaign: campaign(target: target), offers: offers).map(\.negotiation)
            == [2, 1, 0])
    #expect(
        policy.rankOffers(
            campaign: campaign(target: target, strategy: .maximizeReach), offers: offers
        )
        .map(\.negotiation) == [1, 2, 0])
    #expect(
        policy.rankOffers(campaign: campaign(target: target, strategy: .floorPlus), offers: offers)
            .map(\.negotiation) == [0, 1, 2])
}

@Test func rememberedPricesLowerTheAcceptThresholdAndForgettingThemRaisesIt() {
    let buyerCampaign = campaign(target: .dollars(14))
    var memory = AgentMemory()
    #expect(policy.acceptThreshold(campaign: buyerCampaign, memory: memory) == .dollars(14))
    memory.priceReferences[Int(Channel.display.rawValue)] = .dollars(10)
    #expect(policy.acceptThreshold(campaign: buyerCampaign, memory: memory) == Micros.cents(1_050))
    memory.priceReferences[Int(Channel.display.rawValue)] = .zero  // context rot
    #expect(policy.acceptThreshold(campaign: buyerCampaign, memory: memory) == .dollars(14))
}

@Test func sellersAcceptCountersAtOrAboveTheirFloor() {
    #expect(policy.acceptsCounter(product: product(floor: .dollars(10)), cpm: .dollars(10)))
    #expect(!policy.acceptsCounter(product: product(floor: .dollars(10)), cpm: Micros(9_999_999)))
}

/// Runs scenario B for a week and collects its events.
func runB(days: Int = 7, seed: UInt64 = 3, configure: (inout MarketConfig) -> Void = { _ in })
    throws -> (MarketEngine, [MarketEvent])
{
    try runEngine([.b], days: days, seed: seed, configure: configure)
}

@Test func negotiationsFollowRequestOfferDecision() throws {
    let (_, events) = try runB()
    var rfps = Set<Int>()
    var offers = Set<Int>()
    var closed = Set<Int>()
    for event in events {
        switch event.body {
        case .rfp(let rfp): rfps.insert(rfp.negotiation)
        case .offer(let offer):
            #expect(rfps.contains(offer.negotiation))
            offers.insert(offer.negotiation)
        case .counterOffer(let counter): #expect(offers.contains(counter.negotiation))
        case .negotiationClosed(let close):
            #expect(rfps.contains(close.negotiation))
            #expect(!closed.contains(close.negotiation))
            closed.insert(close.negotiation)
        case .dealAgreed(let deal): #expect(closed.contains(deal.originID))
        default: break
        }
    }
    #expect(!rfps.isEmpty)
    #expect(closed == rfps)
}
