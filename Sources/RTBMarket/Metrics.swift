import RTBCore
import RTBEvents
import RTBTrace

/// The counters every scenario reports, each a count or sum over events that happened.
///
/// Welfare, both sides: `buyerValue` is what the served impressions were worth to their buyers
/// (served x the campaign's max CPM, the most it would pay); `sellerValueDelivered` is the
/// contract value of what sellers served (served x the deal's seller CPM, the clearing price in
/// A); at settlement, `deliveredUnpaid` is the part of a deal's delivered value its buyer did not
/// pay and `paidUndelivered` what a buyer paid beyond it. A deal's values are its cumulative
/// served impressions priced once, so many deliveries round as one. `buyerValueWithinGoal`
/// prices only the impressions up to each campaign's goal (those beyond it are worth nothing to
/// the campaign), on the campaign's cumulative served count.
public enum Counter: Int, CaseIterable, Sendable {
    case events, deals, impressions, buyerSpend, sellerRevenue, fees, ledgerCosts, ledgerEntries
    case auctions, auctionsSold, openAuctions, openAuctionsSold, directOffers, directOffersAccepted
    case negotiations, counterOffers, deliveries, discrepantDeliveries
    case contextRotEvents, keysLost, restarts, recoveries, recoveriesMatching, keysRecovered, kills
    case claims, hallucinatedClaims, hallucinationsCaught
    case reconciledAccepted, reconciledNegotiated, reconciledDisputed, reconciledUnresolvable
    case disputedSpend, unresolvedSpend, resolutionDays
    case buyerValue, sellerValueDelivered, deliveredUnpaid, paidUndelivered
    case buyerValueWithinGoal

    /// The welfare counters: four added by engine 0.2.0, one by 0.3.0 (absent from older
    /// results files).
    public var isWelfare: Bool {
        switch self {
        case .buyerValue, .sellerValueDelivered, .deliveredUnpaid, .paidUndelivered,
            .buyerValueWithinGoal:
            return true
        case .events, .deals, .impressions, .buyerSpend, .sellerRevenue, .fees, .ledgerCosts,
            .ledgerEntries, .auctions, .auctionsSold, .openAuctions, .openAuctionsSold,
            .directOffers, .directOffersAccepted, .negotiations, .counterOffers, .deliveries,
            .discrepantDeliveries, .contextRotEvents, .keysLost, .restarts, .recoveries,
            .recoveriesMatching, .keysRecovered, .kills, .claims, .hallucinatedClaims,
            .hallucinationsCaught, .reconciledAccepted, .reconciledNegotiated,
            .reconciledDisputed, .reconciledUnresolvable, .disputedSpend, .unresolvedSpend,
            .resolutionDays:
            return false
        }
    }

    /// The JSON and table name.
    public var name: String {
        switch self {
        case .events: return "events"
        case .deals: return "deals"
        case .impressions: return "impressions"
        case .buyerSpend: return "buyer_spend_micros"
        case .sellerRevenue: return "seller_revenue_micros"
        case .fees: return "intermediary_fees_micros"
        case .ledgerCosts: return "ledger_costs_micros"
        case .ledgerEntries: return "ledger_entries"
        case .auctions: return "auctions"
        case .auctionsSold: return "auctions_sold"
        case .openAuctions: return "open_auctions"
        case .openAuctionsSold: return "open_auctions_sold"
        case .directOffers: return "direct_offers"
        case .directOffersAccepted: return "direct_offers_accepted"
        case .negotiations: return "negotiations"
        case .counterOffers: return "counter_offers"
        case .deliveries: return "deliveries"
        case .discrepantDeliveries: return "discrepant_deliveries"
        case .contextRotEvents: return "context_rot_events"
        case .keysLost: return "keys_lost"
        case .restarts: return "restarts"
        case .recoveries: return "recoveries"
        case .recoveriesMatching: return "recoveries_matching"
        case .keysRecovered: return "keys_recovered"
        case .kills: return "kills"
        case .claims: return "claims"
        case .hallucinatedClaims: return "hallucinated_claims"
        case .hallucinationsCaught: return "hallucinations_caught"
        case .reconciledAccepted: return "campaigns_accepted"
        case .reconciledNegotiated: return "campaigns_negotiated"
        case .reconciledDisputed: return "campaigns_disputed"
        case .reconciledUnresolvable: return "campaigns_unresolvable"
        case .disputedSpend: return "disputed_spend_micros"
        case .unresolvedSpend: return "unresolved_spend_micros"
        case .resolutionDays: return "resolution_days_total"
        case .buyerValue: return "buyer_value_micros"
        case .sellerValueDelivered: return "seller_value_delivered_micros"
        case .deliveredUnpaid: return "delivered_unpaid_micros"
        case .paidUndelivered: return "paid_undelivered_micros"
        case .buyerValueWithinGoal: return "buyer_value_within_goal_micros"
        }
    }
}

/// A fixed vector of counters.
public struct Counters: Equatable, Sendable {
    public var counts = [Int64](repeating: 0, count: Counter.allCases.count)

    public init() {}

    @inlinable
    public subscript(_ counter: Counter) -> Int64 {
        get { counts[counter.rawValue] }
        set { counts[counter.rawValue] = newValue }
    }
}

/// Metrics of one scenario: totals, per-day counters and per-campaign delivery, folded from
/// the event stream. The engine folds its own events; the checker folds decoded ledger events
/// with the same code and must get the same numbers.
public struct ScenarioMetrics: Equatable, Sendable {
    public var scenario: Scenario
    public var totals = Counters()
    public var days: [Counters] = []
    /// Goal and served impressions per campaign (from registration and delivery events).
    public var campaignGoals: [Int64] = []
    public var campaignServed: [Int64] = []
    var currentDay = 0
    /// Whether buyers state their delivery counts as claims (the context memory model): then a
    /// direct delivery carries two claims. Set from the config, never encoded.
    public var buyersStateCounts = false
    /// Whether a kill's keys count as lost (engine 0.4.0 configs, whose recoveries count the
    /// keys restored; so keys recovered never exceed keys lost). Set from the config.
    public var countsKilledKeys = false

    /// The metrics of `scenario` for runs of `config` (nil: set later with `adopt`).
    public init(scenario: Scenario, config: MarketConfig?) {
        self.scenario = scenario
        if let config { adopt(config) }
    }

    /// Takes the counting rules of `config` (they are not encoded).
    public mutating func adopt(_ config: MarketConfig) {
        buyersStateCounts = config.memoryModel == .context
        countsKilledKeys = config.recoveryCountsRestoredKeys
    }

    /// Counters clamp instead of trapping: the checker folds recorded values with this code,
    /// and a forged ledger may hold any amount (a real run stays far inside Int64).
    mutating func add(_ counter: Counter, _ amount: Int64) {
        totals[counter] = totals[counter].saturatingPlus(amount)
        if currentDay > 0 {
            days[currentDay - 1][counter] = days[currentDay - 1][counter].saturatingPlus(amount)
        }
    }

    /// Folds one event.
    public mutating func observe(_ event: MarketEvent) {
        add(.events, 1)
        switch event.body {
        case .campaignRegistered(let registration):
            let campaign = registration.campaign
            if campaign == campaignServed.count { campaignServed.append(0) }
            campaignGoals.setDense(campaign, registration.goalImpressions)
            campaignMaxCPM.setDense(campaign, registration.maxCPM.raw)
        case .dayStarted(let started):
            // Days beyond the longest run a config allows are not counted per day.
            while days.count < min(started.day, MarketConfig.maxDays) { days.append(Counters()) }
            currentDay = started.day <= days.count ? started.day : 0
            if currentDay > 0 { days[currentDay - 1][.events] += 1 }
        case .auctionCleared(let cleared):
            add(.auctions, 1)
            if cleared.winner > 0 { add(.auctionsSold, 1) }
        case .rfp: add(.negotiations, 1)
        case .offer: add(.claims, 3)
        case .counterOffer: add(.counterOffers, 1)
        case .dealAgreed(let deal):
            add(.deals, 1)
            dealCampaigns.setDense(deal.deal, deal.campaign)
            dealSellerCPM.setDense(deal.deal, deal.sellerCPM.raw)
            dealServed.setDense(deal.deal, 0)
        case .delivery(let delivery):
            add(.deliveries, 1)
            add(.impressions, delivery.served)
            if delivery.deal >= 0 && delivery.deal < dealCampaigns.count {
                serve(campaign: dealCampaigns[delivery.deal], delivery.served)
                deliver(deal: delivery.deal, delivery.served)
            }
            if delivery.buyerCounted != delivery.sellerCounted { add(.discrepantDeliveries, 1) }
            if TradingRules.of(event.scenario)?.trading == .directNegotiation {
                add(.claims, buyersStateCounts ? 2 : 1)
            }
        case .settlement(let settlement):
            add(.buyerSpend, settlement.buyerPaid.raw)
            add(.sellerRevenue, settlement.sellerReceived.raw)
            add(.fees, settlement.fee.raw)
            if settlement.deal >= 0 && settlement.deal < dealServed.count {
                let delivered = Self.value(
                    dealServed[settlement.deal], settlement.deal, dealSellerCPM)
                let paid = settlement.buyerPaid.raw
                add(.deliveredUnpaid, max(0, delivered.saturatingMinus(paid)))
                add(.paidUndelivered, max(0, paid.saturatingMinus(delivered)))
            }
        case .reconciliation(let reconciliation):
            let counter: Counter = [
                .reconciledAccepted, .reconciledNegotiated, .reconciledDisputed,
                .reconciledUnresolvable,
            ][Int(reconciliation.outcome.rawValue)]
            add(counter, 1)
            add(.resolutionDays, Int64(reconciliation.resolutionDays))
            if reconciliation.outcome == .disputed || reconciliation.outcome == .unresolvable {
                add(
                    .disputedSpend,
                    reconciliation.buyerTotal.raw.saturatingDistance(
                        to: reconciliation.sellerTotal.raw))
            }
            add(.unresolvedSpend, reconciliation.disputed.raw)
        case .contextRot(let rot):
            add(.contextRotEvents, 1)
            add(.keysLost, rot.keysLost)
            if rot.cause == .restart { add(.restarts, 1) }
        case .recovery(let recovery):
            add(.recoveries, 1)
            if recovery.matches { add(.recoveriesMatching, 1) }
            add(.keysRecovered, recovery.keysRecovered)
        case .hallucination(let hallucination):
            add(.hallucinatedClaims, 1)
            if hallucination.caught { add(.hallucinationsCaught, 1) }
        case .agentKilled(let killed):
            add(.kills, 1)
            if countsKilledKeys { add(.keysLost, killed.keysLost) }
        case .ledgerEntry(let entry):
            add(.ledgerEntries, 1)
            add(.ledgerCosts, entry.cost.raw)
            if entry.payer.kind == .buyer {
                add(.buyerSpend, entry.cost.raw)
            } else {
                add(.sellerRevenue, -entry.cost.raw)
            }
        case .openAuction(let auction):
            let winner =
                auction.winner > 0 && auction.winner <= Int64(auction.bids.count)
                ? auction.bids[Int(auction.winner) - 1].campaign : nil
            observeOpenAuction(
                winnerCampaign: winner, priceCents: auction.priceCents, fee: auction.fee,
                countEvent: false)
        case .directOffer(let offer):
            observeDirectOffer(
                campaign: offer.campaign, cents: offer.cpmCents, accepted: offer.accepted,
                countEvent: false)
        default:
            break
        }
    }

    /// Folds an open auction (also called by the engine's fast path, which builds no event).
    public mutating func observeOpenAuction(
        winnerCampaign: Int?, priceCents: Int64, fee: Micros, countEvent: Bool = true
    ) {
        if countEvent { add(.events, 1) }
        add(.openAuctions, 1)
        guard let campaign = winnerCampaign else { return }
        let cost = Micros.saturatingImpression(cpmCents: priceCents).raw
        add(.openAuctionsSold, 1)
        add(.impressions, 1)
        add(.buyerSpend, cost)
        add(.sellerRevenue, cost.saturatingMinus(fee.raw))
        add(.fees, fee.raw)
        add(.sellerValueDelivered, cost)
        serve(campaign: campaign, 1)
        addBuyerValue(campaign: campaign, before: 0, after: 1)
    }

    /// Folds a direct offer (also the engine's fast path).
    public mutating func observeDirectOffer(
        campaign: Int, cents: Int64, accepted: Bool, countEvent: Bool = true
    ) {
        if countEvent { add(.events, 1) }
        add(.directOffers, 1)
        guard accepted else { return }
        add(.directOffersAccepted, 1)
        add(.impressions, 1)
        let cost = Micros.saturatingImpression(cpmCents: cents).raw
        add(.buyerSpend, cost)
        add(.sellerRevenue, cost)
        add(.sellerValueDelivered, cost)
        serve(campaign: campaign, 1)
        addBuyerValue(campaign: campaign, before: 0, after: 1)
    }

    /// Counts impressions served to a registered campaign (a recorded event may name another)
    /// and books their value within the campaign's goal.
    mutating func serve(campaign: Int, _ impressions: Int64) {
        guard campaignServed.indices.contains(campaign) else { return }
        let before = campaignServed[campaign]
        let after = before.saturatingPlus(impressions)
        campaignServed[campaign] = after
        let goal = campaignGoals.indices.contains(campaign) ? max(0, campaignGoals[campaign]) : 0
        add(
            .buyerValueWithinGoal,
            Self.value(min(after, goal), campaign, campaignMaxCPM).saturatingMinus(
                Self.value(min(before, goal), campaign, campaignMaxCPM)))
    }

    /// Campaign of each deal by deal number (attributes deliveries).
    public var dealCampaigns: [Int] = []
    /// Each deal's seller CPM and impressions served so far, by deal number.
    var dealSellerCPM: [Int64] = []
    var dealServed: [Int64] = []
    /// Each campaign's max CPM (its value of an impression), by campaign.
    var campaignMaxCPM: [Int64] = []

    /// `impressions` priced at `cpms[index]` (0 for an unknown index; saturating, as recorded
    /// values may be forged).
    static func value(_ impressions: Int64, _ index: Int, _ cpms: [Int64]) -> Int64 {
        guard index >= 0 && index < cpms.count else { return 0 }
        return Micros.saturatingCost(impressions: impressions, cpm: Micros(cpms[index])).raw
    }

    /// Books a delivery's value to the seller (contract) and to the buyer (max CPM): the deal's
    /// cumulative served impressions are priced before and after, so the values telescope.
    mutating func deliver(deal: Int, _ served: Int64) {
        let before = dealServed[deal]
        let after = before.saturatingPlus(served)
        dealServed[deal] = after
        add(
            .sellerValueDelivered,
            Self.value(after, deal, dealSellerCPM).saturatingMinus(
                Self.value(before, deal, dealSellerCPM)))
        addBuyerValue(campaign: dealCampaigns[deal], before: before, after: after)
    }

    /// Adds the value to a campaign of going from `before` to `after` impressions.
    mutating func addBuyerValue(campaign: Int, before: Int64, after: Int64) {
        add(
            .buyerValue,
            Self.value(after, campaign, campaignMaxCPM).saturatingMinus(
                Self.value(before, campaign, campaignMaxCPM)))
    }

    /// Canonical bytes for checkpoints.
    func encode(into writer: inout CanonicalWriter) {
        writer.u8(scenario.rawValue)
        writer.varint(currentDay)
        func list(_ values: [Int64]) {
            writer.varint(values.count)
            for value in values { writer.signedVarint(value) }
        }
        list(totals.counts)
        writer.varint(days.count)
        for day in days { list(day.counts) }
        list(campaignGoals)
        list(campaignServed)
        writer.varint(dealCampaigns.count)
        for campaign in dealCampaigns { writer.signedVarint(Int64(campaign)) }
        list(dealSellerCPM)
        list(dealServed)
        list(campaignMaxCPM)
    }

    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> ScenarioMetrics
    {
        guard let scenario = Scenario(rawValue: try reader.u8()) else {
            throw .invalidTag(offset: reader.offset - 1, tag: 0, type: "scenario")
        }
        // The counting rules come from the config: the engine adopts it after decoding.
        var metrics = ScenarioMetrics(scenario: scenario, config: nil)
        metrics.currentDay = try reader.int()
        func list() throws(CanonicalError) -> [Int64] {
            let count = try reader.elementCount()
            var values: [Int64] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try reader.signedVarint()) }
            return values
        }
        func counters() throws(CanonicalError) -> Counters {
            let start = reader.offset
            var counters = Counters()
            counters.counts = try list()
            guard counters.counts.count == Counter.allCases.count else {
                throw .wrongCount(
                    offset: start, count: counters.counts.count,
                    expected: Counter.allCases.count, what: "counters")
            }
            return counters
        }
        metrics.totals = try counters()
        let dayCount = try reader.elementCount()
        for _ in 0..<dayCount { metrics.days.append(try counters()) }
        metrics.campaignGoals = try list()
        metrics.campaignServed = try list()
        metrics.dealCampaigns = try list().map { Int($0) }
        metrics.dealSellerCPM = try list()
        metrics.dealServed = try list()
        metrics.campaignMaxCPM = try list()
        for (list, name) in [
            (metrics.dealSellerCPM, "deal seller CPMs"), (metrics.dealServed, "deal served counts"),
        ] where list.count != metrics.dealCampaigns.count {
            throw .wrongCount(
                offset: reader.offset, count: list.count,
                expected: metrics.dealCampaigns.count, what: name)
        }
        guard (0...metrics.days.count).contains(metrics.currentDay) else {
            throw .wrongCount(
                offset: reader.offset, count: metrics.days.count, expected: metrics.currentDay,
                what: "daily counter sets for the current day")
        }
        return metrics
    }
}
