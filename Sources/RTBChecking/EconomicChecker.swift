import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// Recomputes the market's rules from its events alone, independently of the engine's
/// bookkeeping: it reuses the config, the cost model, the rounding rule and, to rebuild an
/// agent's memory from the ledger, `AgentMemory.apply` (the ledger's own definition of memory).
/// Feed it every event in order; read `tally` and the metrics folded from the same events.
public final class EconomicChecker: ModelChecker {
    public let config: MarketConfig
    public internal(set) var tally = CheckTally(invariants: Invariant.infos)
    /// Metrics per scenario, folded from the checked events.
    public private(set) var metrics: [ScenarioMetrics] = []
    /// Counterfactual bids evaluated by the truthfulness probe.
    public internal(set) var counterfactuals: Int64 = 0
    /// Every `truthfulnessSampling`-th eligible open auction is probed.
    public let truthfulnessSampling: Int

    var scenario = Scenario.run
    var campaigns: [CampaignRegistered] = []
    var products: [ProductRegistered] = []
    var spend: [Int64] = []
    var deals: [DealRecord] = []
    var servedToday: [Int64] = []
    var auction = AuctionRecord()
    var previous: (kind: EventKind, size: Int)?
    var day = DayMoney()
    var openAuctionsSeen = 0
    /// Scenario C: agent memories as the ledger defines them, and what the fold needs.
    var ledgerMemories: [AgentMemory] = []
    /// C: the keys the last `ContextRot` or `AgentKilled` destroyed, and whose (the recovery
    /// that follows must state them as lost).
    var lastLoss: (agent: AgentRef, count: Int64)?
    var buyerCount = 0
    var negotiationCampaigns: [Int] = []
    var negotiationProducts: [Int] = []
    var registeredCampaigns: [CampaignSpec] = []
    var registeredProducts: [ProductSpec] = []
    var ledgerMarket: Market?
    /// References, numbering, time and totals (EconomicChecker+Integrity.swift).
    var integrity = IntegrityState()

    struct DealRecord {
        var campaign: Int
        var product: Int
        var impressions: Int64
        var buyerCPM: Micros
        var sellerCPM: Micros
        var served: Int64 = 0
    }

    struct AuctionRecord {
        var auction = -1
        var product = 0
        var batch: Int64 = 0
        var floor = Micros.zero
        var bids: [(campaign: Int, cpm: Micros)] = []
        var sold: Int64 = 0
        /// The BidRequest's sequence, and how many bids met the floor.
        var requestSequence: UInt64 = 0
        var eligibleBids = 0
        /// VCG: prices charged, checked once every winner is known.
        var uniformPrices: [(price: Micros, sequence: UInt64)] = []
    }

    /// Money flows of the current day, summed independently per side (clamped: recorded
    /// amounts may be forged to any size).
    struct DayMoney {
        var buyers: Int64 = 0
        var sellers: Int64 = 0
        var fees: Int64 = 0
        var ledger: Int64 = 0

        mutating func add(
            buyers paid: Micros = .zero, sellers got: Micros = .zero, fees fee: Micros = .zero
        ) {
            buyers = buyers.saturatingPlus(paid.raw)
            sellers = sellers.saturatingPlus(got.raw)
            fees = fees.saturatingPlus(fee.raw)
        }
    }

    /// False for the prefix an interrupted recording kept: its last event may be cut off
    /// from the shared-ledger entry that follows it.
    public let runFinished: Bool

    public init(config: MarketConfig, truthfulnessSampling: Int = 8, runFinished: Bool = true) {
        self.config = config
        self.truthfulnessSampling = max(1, truthfulnessSampling)
        self.runFinished = runFinished
    }

    /// The last auction, and (in a finished run) an event still waiting for its shared-ledger
    /// entry.
    public func finish() {
        finishAuction()
        if runFinished, let expected = integrity.expectedEntry {
            check(
                .ledgerEntriesComplete, false, expected.sequence,
                "event \(expected.sequence) has no shared-ledger entry after it (the ledger ends)")
        }
    }

    /// The metrics folded from the checked events, named as the engine names them.
    public var summaryMetrics: [NamedMetric] { ScenarioMetrics.named(metrics) }

    /// What the truthfulness probe sampled.
    public var notes: [String] {
        [
            "truthfulness: \(counterfactuals) counterfactual bids on "
                + (truthfulnessSampling == 1
                    ? "every open auction"
                    : "every \(CheckTally.ordinal(truthfulnessSampling)) open auction")
        ]
    }

    func check(
        _ invariant: Invariant, _ holds: Bool, _ sequence: UInt64,
        _ witness: @autoclosure () -> String
    ) {
        tally.count(invariant.rawValue, holds: holds, at: sequence, witness: witness())
    }

    /// Checks one event; `size` is its canonical size in bytes.
    public func observe(_ event: MarketEvent, sequence: UInt64, size: Int) {
        if case .scenarioStarted = event.body { startScenario(event.scenario) }
        observeIntegrity(event, sequence)
        if metrics.isEmpty || metrics[metrics.count - 1].scenario != event.scenario {
            metrics.append(ScenarioMetrics(scenario: event.scenario, config: config))
        }
        metrics[metrics.count - 1].observe(event)
        switch event.body {
        case .campaignRegistered(let campaign):
            campaigns.setDense(campaign.campaign, campaign)
            if spend.count < campaigns.count { spend.append(0) }
        case .productRegistered(let product):
            products.setDense(product.product, product)
            if servedToday.count < products.count { servedToday.append(0) }
        case .dayStarted:
            day = DayMoney()
            for index in servedToday.indices { servedToday[index] = 0 }
        case .dayClosed(let closed):
            finishAuction()
            check(
                .moneyConservedPerDay,
                day.buyers == day.sellers.saturatingPlus(day.fees).saturatingPlus(day.ledger),
                sequence,
                "day \(closed.day): buyers paid \(Micros(day.buyers)), sellers got \(Micros(day.sellers)) + fees \(Micros(day.fees)) + ledger \(Micros(day.ledger))"
            )
        case .bidRequest(let request):
            finishAuction()
            auction = AuctionRecord(
                auction: request.auction, product: request.product, batch: request.impressions,
                floor: request.floorCPM, requestSequence: sequence)
        case .bid(let bid): observeBid(bid, sequence)
        case .auctionCleared(let cleared): observeClearing(cleared, sequence)
        case .dealAgreed(let deal): observeDeal(deal, sequence)
        case .delivery(let delivery): observeDelivery(delivery, sequence)
        case .settlement(let settlement): observeSettlement(settlement, sequence)
        case .openAuction(let open): observeOpenAuction(open, sequence, tick: event.tick)
        case .directOffer(let offer): observeDirectOffer(offer, sequence)
        case .ledgerEntry(let entry): observeLedgerEntry(entry, sequence)
        case .recovery(let recovery)
        where TradingRules.of(event.scenario)?.memorySource == .sharedLedger:
            check(
                .ledgerRecoveryExact, recovery.source == .ledger, sequence,
                "\(recovery.agent) recovered from \(recovery.source), not the ledger")
        case .reconciliation(let result):
            observeReconciliation(result, sequence, scenario: event.scenario)
        default: break
        }
        if TradingRules.of(event.scenario)?.memorySource == .sharedLedger {
            followLedgerMemory(event, sequence)
        }
        previous = (event.kind, size)
    }

    func startScenario(_ scenario: Scenario) {
        self.scenario = scenario
        campaigns = []
        products = []
        spend = []
        deals = []
        servedToday = []
        day = DayMoney()
        registeredCampaigns = []
        registeredProducts = []
        ledgerMarket = nil
    }

    func pay(_ campaign: Int, _ amount: Micros, _ sequence: UInt64) {
        guard campaign < campaigns.count else { return }
        spend[campaign] = spend[campaign].saturatingPlus(amount.raw)
        check(
            .budgetNeverOverspent, spend[campaign] <= campaigns[campaign].budget.raw, sequence,
            "campaign \(campaign) has paid \(Micros(spend[campaign])) of a \(campaigns[campaign].budget) budget"
        )
    }

    func observeBid(_ bid: Bid, _ sequence: UInt64) {
        auction.bids.append((bid.campaign, bid.cpm))
        if bid.cpm >= auction.floor { auction.eligibleBids += 1 }
        if bid.campaign < campaigns.count {
            check(
                .pricesWithinMaxCPM, bid.cpm <= campaigns[bid.campaign].maxCPM, sequence,
                "campaign \(bid.campaign) bids \(bid.cpm) above its max \(campaigns[bid.campaign].maxCPM)"
            )
        }
    }

    func observeClearing(_ cleared: AuctionCleared, _ sequence: UInt64) {
        guard cleared.winner > 0 else { return }
        let winner = cleared.winner - 1
        let eligible = auction.bids.filter { $0.cpm >= auction.floor }
        guard let best = eligible.max(by: { $0.cpm < $1.cpm }),
            let first = eligible.firstIndex(where: { $0.cpm == best.cpm }),
            let position = auction.bids.firstIndex(where: { $0.campaign == winner })
        else {
            check(
                .efficientAllocation, false, sequence,
                "auction \(cleared.auction): winner \(winner) placed no bid")
            return
        }
        let winning = auction.bids[position].cpm
        check(
            .efficientAllocation, eligible[first].campaign == winner, sequence,
            "auction \(cleared.auction): campaign \(winner) won with \(winning), campaign \(eligible[first].campaign) bid \(best.cpm) first"
        )
        check(
            .winnerPaysAtMostBid, cleared.priceCPM <= winning, sequence,
            "auction \(cleared.auction): campaign \(winner) bid \(winning) and pays \(cleared.priceCPM)"
        )
        var others = eligible
        guard let winnerPosition = others.firstIndex(where: { $0.campaign == winner }) else {
            check(
                .paymentRule, false, sequence,
                "auction \(cleared.auction): campaign \(winner) won with a bid below the floor")
            return
        }
        others.remove(at: winnerPosition)
        switch config.mechanism {
        case .vcg:
            auction.uniformPrices.append((cleared.priceCPM, sequence))
        case .firstPrice, .secondPrice, .gsp:
            let expected =
                config.mechanism == .firstPrice
                ? winning : max(others.map(\.cpm).max() ?? .zero, auction.floor)
            check(
                .paymentRule, cleared.priceCPM == expected, sequence,
                "auction \(cleared.auction): \(config.mechanism) price should be \(expected), charged \(cleared.priceCPM)"
            )
        }
        auction.sold = auction.sold.saturatingPlus(cleared.impressions)
        check(
            .deliveryWithinInventory, auction.sold <= auction.batch, sequence,
            "auction \(cleared.auction) sold \(auction.sold) of a \(auction.batch)-impression batch"
        )
        auction.bids.remove(at: position)
    }

    /// VCG over lots: once every winner is known, each must have paid the highest losing bid
    /// (or the floor).
    func finishAuction() {
        if auction.auction >= 0 {
            check(
                .auctionsSoldWhenBid,
                auction.eligibleBids == 0 || auction.batch < TradingRules.minimumExchangeLot
                    || auction.sold > 0, auction.requestSequence,
                "auction \(auction.auction): \(auction.eligibleBids) bids at or above the floor \(auction.floor) for \(auction.batch) impressions, nothing sold"
            )
        }
        defer { auction.auction = -1 }
        guard !auction.uniformPrices.isEmpty else { return }
        let losing = auction.bids.filter { $0.cpm >= auction.floor }.map(\.cpm).max() ?? .zero
        let expected = max(losing, auction.floor)
        for (price, sequence) in auction.uniformPrices {
            check(
                .paymentRule, price == expected, sequence,
                "auction \(auction.auction): vcg price should be the highest losing bid or floor, \(expected); charged \(price)"
            )
        }
        auction.uniformPrices = []
    }

    func observeDeal(_ deal: DealAgreed, _ sequence: UInt64) {
        deals.setDense(
            deal.deal,
            DealRecord(
                campaign: deal.campaign, product: deal.product, impressions: deal.impressions,
                buyerCPM: deal.buyerCPM, sellerCPM: deal.sellerCPM))
        if deal.campaign < campaigns.count {
            check(
                .pricesWithinMaxCPM, deal.buyerCPM <= campaigns[deal.campaign].maxCPM, sequence,
                "deal \(deal.deal) at \(deal.buyerCPM) above campaign \(deal.campaign)'s max \(campaigns[deal.campaign].maxCPM)"
            )
        }
    }

    func observeDelivery(_ delivery: Delivery, _ sequence: UInt64) {
        guard delivery.deal < deals.count else { return }
        deals[delivery.deal].served = deals[delivery.deal].served.saturatingPlus(delivery.served)
        let record = deals[delivery.deal]
        check(
            .deliveryWithinDeal,
            delivery.served <= delivery.planned && record.served <= record.impressions, sequence,
            "deal \(delivery.deal) served \(delivery.served) of \(delivery.planned) planned, \(record.served) of \(record.impressions) contracted"
        )
        guard record.product < products.count else { return }
        servedToday[record.product] = servedToday[record.product].saturatingPlus(delivery.served)
        check(
            .deliveryWithinInventory,
            servedToday[record.product] <= products[record.product].dailyAvails, sequence,
            "product \(record.product) served \(servedToday[record.product]) today, avails \(products[record.product].dailyAvails)"
        )
    }

}
