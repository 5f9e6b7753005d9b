import RTBCore
import RTBEvents
import RTBTrace

/// A campaign's fixed terms, generated once per run and shared by every scenario.
public struct CampaignSpec: Equatable, Sendable {
    public var index: Int
    public var buyer: Int
    public var budget: Micros
    public var targetCPM: Micros
    public var maxCPM: Micros
    public var goalImpressions: Int64
    public var channel: Channel
    public var segments: UInt16
    public var startDay: Int
    public var endDay: Int
    public var strategy: BuyerStrategy

    /// A campaign as its registration event describes it.
    public init(_ event: CampaignRegistered) {
        self.init(
            index: event.campaign, buyer: event.buyer.index, budget: event.budget,
            targetCPM: event.targetCPM,
            maxCPM: event.maxCPM, goalImpressions: event.goalImpressions, channel: event.channel,
            segments: event.segments, startDay: event.startDay, endDay: event.endDay,
            strategy: event.strategy)
    }

    public init(
        index: Int, buyer: Int, budget: Micros, targetCPM: Micros, maxCPM: Micros,
        goalImpressions: Int64,
        channel: Channel, segments: UInt16, startDay: Int, endDay: Int, strategy: BuyerStrategy
    ) {
        self.index = index
        self.buyer = buyer
        self.budget = budget
        self.targetCPM = targetCPM
        self.maxCPM = maxCPM
        self.goalImpressions = goalImpressions
        self.channel = channel
        self.segments = segments
        self.startDay = startDay
        self.endDay = endDay
        self.strategy = strategy
    }

    /// The registration event of this campaign.
    public var registration: CampaignRegistered {
        CampaignRegistered(
            campaign: index, buyer: .buyer(buyer), budget: budget, targetCPM: targetCPM,
            maxCPM: maxCPM,
            goalImpressions: goalImpressions, channel: channel, segments: segments,
            startDay: startDay,
            endDay: endDay, strategy: strategy)
    }
}

/// A seller product's fixed terms.
public struct ProductSpec: Equatable, Sendable {
    public var index: Int
    public var seller: Int
    public var channel: Channel
    public var tier: Tier
    public var floorCPM: Micros
    public var dailyAvails: Int64
    public var dealTypes: UInt16
    public var segments: UInt16
    /// Share of planned impressions actually served, per mille (ground truth, never announced).
    public var reliabilityPermille: Int64

    /// A product as its registration event describes it (its reliability is never announced).
    public init(_ event: ProductRegistered) {
        self.init(
            index: event.product, seller: event.seller.index, channel: event.channel,
            tier: event.tier,
            floorCPM: event.floorCPM, dailyAvails: event.dailyAvails, dealTypes: event.dealTypes,
            segments: event.segments, reliabilityPermille: 0)
    }

    public init(
        index: Int, seller: Int, channel: Channel, tier: Tier, floorCPM: Micros, dailyAvails: Int64,
        dealTypes: UInt16, segments: UInt16, reliabilityPermille: Int64
    ) {
        self.index = index
        self.seller = seller
        self.channel = channel
        self.tier = tier
        self.floorCPM = floorCPM
        self.dailyAvails = dailyAvails
        self.dealTypes = dealTypes
        self.segments = segments
        self.reliabilityPermille = reliabilityPermille
    }

    /// True when the product can be sold with `type`.
    public func supports(_ type: DealType) -> Bool { dealTypes & UInt16(type.bit) != 0 }

    /// The registration event of this product.
    public var registration: ProductRegistered {
        ProductRegistered(
            product: index, seller: .seller(seller), channel: channel, tier: tier,
            floorCPM: floorCPM,
            dailyAvails: dailyAvails, dealTypes: dealTypes, segments: segments)
    }
}

/// The demand and supply of a run: identical for scenarios A, B and C.
public struct Market: Equatable, Sendable {
    public var campaigns: [CampaignSpec]
    public var products: [ProductSpec]
    /// Campaign indices per channel, ascending (the bidders an auction considers).
    public var campaignsByChannel: [[Int]]

    /// Generates the market from the config's seed with the public implementation's
    /// distributions (docs/scenarios.md), its bugs fixed, and the campaigns drawn as the
    /// config's `marketGeneration` says.
    public init(config: MarketConfig) {
        // Channels and tiers are dealt from balanced decks: every value is equally likely for
        // each campaign or product (the public distributions), but a market never ends up with,
        // say, no display inventory, so results vary less from seed to seed.
        var decks = RandomStream(seed: config.seed, key: StreamKey("market", "decks"))
        let generation = config.marketGeneration
        let campaignChannels = Self.balancedDeck(
            config.campaignCount, categories: generation.campaignChannels, &decks)
        let productChannels = Self.balancedDeck(config.productCount, categories: 4, &decks)
        let productTiers = Self.balancedDeck(config.productCount, categories: 3, &decks)
        var products: [ProductSpec] = []
        for seller in 0..<config.sellers {
            var stream = RandomStream(
                seed: config.seed, key: StreamKey("market", "seller").appending(seller))
            for number in 0..<config.productsPerSeller {
                let index = seller * config.productsPerSeller + number
                products.append(
                    Self.product(
                        index: index, seller: seller,
                        channel: Channel(rawValue: UInt8(productChannels[index]))!,
                        tier: Tier(rawValue: UInt8(productTiers[index]))!, &stream))
            }
        }
        // The lowest target (cents) each channel's campaigns are drawn from.
        let lowestTargetCents = Channel.allCases.map { channel -> Int64 in
            switch generation {
            case .reference: return Self.targetCentsRange.lowerBound
            case .tradable:
                let floors = products.filter { $0.channel == channel }.map(\.floorCPM.raw)
                guard let cheapest = floors.min() else { return Self.targetCentsRange.lowerBound }
                // max CPM = 12/10 x target: target >= floor x 10 / 12, in cents (10^4 micros).
                return max(Self.targetCentsRange.lowerBound, (cheapest + 11_999) / 12_000)
            }
        }
        self.products = products
        campaigns = []
        for buyer in 0..<config.buyers {
            var stream = RandomStream(
                seed: config.seed, key: StreamKey("market", "buyer").appending(buyer))
            for number in 0..<config.campaignsPerBuyer {
                let index = buyer * config.campaignsPerBuyer + number
                let channel = Channel(rawValue: UInt8(campaignChannels[index]))!
                campaigns.append(
                    Self.campaign(
                        index: index, buyer: buyer, days: config.days, channel: channel,
                        lowestTargetCents: lowestTargetCents[Int(channel.rawValue)], &stream))
            }
        }
        let allCampaigns = campaigns
        campaignsByChannel = Channel.allCases.map { channel in
            allCampaigns.filter { $0.channel == channel }.map(\.index)
        }
    }

    /// A market from given campaigns and products (e.g. rebuilt from registration events).
    public init(campaigns: [CampaignSpec], products: [ProductSpec]) {
        self.campaigns = campaigns
        self.products = products
        campaignsByChannel = Channel.allCases.map { channel in
            campaigns.filter { $0.channel == channel }.map(\.index)
        }
    }

    static let budgetsDollars: [Int64] = [10_000, 25_000, 50_000, 100_000]

    /// `count` values in 0..<categories, each category appearing count/categories times (the
    /// remainder spread at random), in random order (Fisher-Yates).
    static func balancedDeck(_ count: Int, categories: Int, _ stream: inout RandomStream) -> [Int] {
        var deck = (0..<count).map { $0 % categories }
        let extras = stream.distinctIndices(count % categories, of: categories)
        for (offset, category) in extras.enumerated() {
            deck[count - count % categories + offset] = category
        }
        for index in stride(from: count - 1, to: 0, by: -1) {
            deck.swapAt(index, Int(stream.next(below: UInt64(index + 1))))
        }
        return deck
    }

    /// Target CPMs in cents: $10-25 (the reference's range for every channel).
    static let targetCentsRange: ClosedRange<Int64> = 1_000...2_500

    /// A campaign whose target CPM is drawn uniformly from `lowestTargetCents` (at least the
    /// reference's $10) to $25 (`MarketGeneration`); with the reference's bound the draws are
    /// the reference's.
    static func campaign(
        index: Int, buyer: Int, days: Int, channel: Channel, lowestTargetCents: Int64,
        _ stream: inout RandomStream
    ) -> CampaignSpec {
        let budget = Micros.dollars(stream.pick(budgetsDollars))
        let high = targetCentsRange.upperBound
        let drawn = stream.int(in: min(lowestTargetCents, high)...high)
        let targetCPM = Micros.cents(max(drawn, lowestTargetCents))
        let maxCPM = targetCPM.scaled(by: 12, over: 10)
        let segmentCount = stream.int(in: 1...3)
        var segments: UInt16 = 0
        for segment in stream.distinctIndices(segmentCount, of: Segments.names.count) {
            segments |= 1 << segment
        }
        let strategy = BuyerStrategy(rawValue: UInt8(stream.next(below: 3)))!
        return CampaignSpec(
            index: index, buyer: buyer, budget: budget, targetCPM: targetCPM, maxCPM: maxCPM,
            goalImpressions: RoundingRule.mulDiv(budget.raw, 1_000, targetCPM.raw),
            channel: channel,
            segments: segments, startDay: 1, endDay: days, strategy: strategy)
    }

    /// Base CPM ranges in cents per channel: display 5-15, video 15-35, CTV 25-55, native 8-20.
    static let baseCentsRange: [ClosedRange<Int64>] = [
        500...1_500, 1_500...3_500, 2_500...5_500, 800...2_000,
    ]
    /// Daily impressions per tier: premium 50k-200k, standard 200k-1M, performance 500k-5M.
    static let dailyAvailsRange: [ClosedRange<Int64>] = [
        50_000...200_000, 200_000...1_000_000, 500_000...5_000_000,
    ]
    /// Delivery reliability per tier, per mille.
    static let reliabilityRange: [ClosedRange<Int64>] = [980...1_000, 940...990, 900...970]

    static func product(
        index: Int, seller: Int, channel: Channel, tier: Tier, _ stream: inout RandomStream
    ) -> ProductSpec {
        let baseCPM = Micros.cents(stream.int(in: baseCentsRange[Int(channel.rawValue)]))
        let floorCPM = baseCPM.scaled(
            by: stream.int(in: 600_000...800_000 as ClosedRange<Int64>), over: 1_000_000)
        let dailyAvails = stream.int(in: dailyAvailsRange[Int(tier.rawValue)])
        let types: [DealType] =
            tier == .premium
            ? [.programmaticGuaranteed, .preferredDeal, .privateAuction]
            : [.preferredDeal, .privateAuction, .openAuction]
        let segmentCount = stream.int(in: 2...5)
        var segments: UInt16 = 0
        for segment in stream.distinctIndices(segmentCount, of: Segments.names.count) {
            segments |= 1 << segment
        }
        return ProductSpec(
            index: index, seller: seller, channel: channel, tier: tier, floorCPM: floorCPM,
            dailyAvails: dailyAvails, dealTypes: types.reduce(0) { $0 | UInt16($1.bit) },
            segments: segments,
            reliabilityPermille: stream.int(in: reliabilityRange[Int(tier.rawValue)]))
    }
}
