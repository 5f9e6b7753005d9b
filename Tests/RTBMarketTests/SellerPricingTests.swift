import Testing
import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

@Test func sellerAsksFollowTheirPricingRule() {
    let floor = Micros(7_654_321)
    // The reference's markup: 1.1 x floor in whole cents, capped at the buyer's max.
    #expect(SellerPricing.markup.ask(floor: floor, maxCPM: .dollars(20)) == .cents(842))
    #expect(SellerPricing.markup.ask(floor: floor, maxCPM: .dollars(8)) == .dollars(8))
    // Split: the midpoint of floor and max, up to whole cents, within [floor, max].
    #expect(SellerPricing.split.ask(floor: floor, maxCPM: .dollars(20)) == .cents(1_383))
    #expect(SellerPricing.split.ask(floor: floor, maxCPM: .dollars(12)) == .cents(983))
    #expect(SellerPricing.split.ask(floor: .dollars(5), maxCPM: .dollars(5)) == .dollars(5))
    #expect(SellerPricing.split.ask(floor: floor, maxCPM: Micros(7_654_322)) == Micros(7_654_322))
    // The same product asks more of a buyer who would pay more (the markup ignores the buyer).
    let low = SellerPricing.split.ask(floor: floor, maxCPM: .dollars(10))
    let high = SellerPricing.split.ask(floor: floor, maxCPM: .dollars(30))
    #expect(low < high)
    #expect(
        SellerPricing.markup.ask(floor: floor, maxCPM: .dollars(10))
            == SellerPricing.markup.ask(floor: floor, maxCPM: .dollars(30)))
}

@Test func splitPricingPaysSellersMoreOfTheValueTheyDeliver() throws {
    // Pricing against the buyer's max CPM moves B's and C's prices from the floor toward what
    // buyers are willing to pay: a larger share of the value delivered goes to the seller.
    for scenario in [Scenario.b, .c] {
        let (split, _) = try runMarket([scenario], days: 14)
        let (markup, _) = try runMarket([scenario], days: 14) { $0.sellerPricing = .markup }
        func sellerShare(_ totals: ScenarioMetrics) -> Double {
            Double(totals.totals[.sellerValueDelivered]) / Double(totals.totals[.buyerValue])
        }
        #expect(split[0].totals[.deals] > 0 && markup[0].totals[.deals] > 0)
        #expect(sellerShare(split[0]) > sellerShare(markup[0]) + 0.05, "\(scenario)")
    }
}

@Test func tradableGenerationGivesEveryCampaignInventoryAndNativeDemand() {
    var untradableInReference = 0
    for seed in UInt64(1)...10 {
        var config = MarketConfig()
        config.seed = seed
        config.marketGeneration = .tradable
        let market = Market(config: config)
        for campaign in market.campaigns {
            #expect(
                market.products.contains {
                    $0.channel == campaign.channel && $0.floorCPM <= campaign.maxCPM
                }, "seed \(seed): campaign \(campaign.index) can pay no floor")
            #expect((1_000...2_500).contains(campaign.targetCPM.raw / 10_000))
        }
        #expect(market.campaigns.contains { $0.channel == .native })
        config.marketGeneration = .reference
        let reference = Market(config: config)
        // The products are the reference's; only the campaigns are drawn differently.
        #expect(reference.products == market.products)
        #expect(!reference.campaigns.contains { $0.channel == .native })
        untradableInReference +=
            reference.campaigns.filter { campaign in
                !reference.products.contains {
                    $0.channel == campaign.channel && $0.floorCPM <= campaign.maxCPM
                }
            }.count
    }
    // The reference's draws leave campaigns without any inventory they can pay for.
    #expect(untradableInReference > 10)
}

@Test func configFormatThreeHoldsSellerPricingAndGeneration() throws {
    var config = MarketConfig()
    // The config an engine 0.3.0 default run wrote: its recovery counts and second price.
    config.recoveryCountsRestoredKeys = false
    config.mechanism = .secondPrice
    config.bidShading = false
    #expect(config.sellerPricing == .split && config.marketGeneration == .reference)
    let bytes = config.canonicalBytes
    #expect(bytes.first == 3 && Array(bytes.suffix(5)) == [0, 0, 1, 0, 2])
    #expect(try MarketConfig(canonical: bytes) == config)
    config.marketGeneration = .tradable
    #expect(try MarketConfig(canonical: config.canonicalBytes) == config)
    config.bookDrift = false
    #expect(config.canonicalBytes.last == 3)
    #expect(try MarketConfig(canonical: config.canonicalBytes) == config)
    config.bookDrift = true
    // Versions 1 and 2 read as the reference's markup and generation.
    config.sellerPricing = .markup
    config.marketGeneration = .reference
    config.checkedHistoryClaims = false
    let version1 = config.canonicalBytes
    #expect(version1.first == 1)
    let decoded = try MarketConfig(canonical: version1)
    #expect(decoded.sellerPricing == .markup && decoded.marketGeneration == .reference)
    #expect(!decoded.checkedHistoryClaims && decoded.bookDrift)
    // A version 3 config holding only reference choices, or unknown codes, is refused.
    let head = Array(bytes.dropLast(3))
    for tail: [UInt8] in [[0, 0, 0], [2, 0, 0], [1, 2, 0], [1, 0, 4]] {
        #expect(throws: ConfigError.self) { _ = try MarketConfig(canonical: head + tail) }
    }
}
