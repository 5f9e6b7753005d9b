import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// Runs `scenarios` for `days` days in memory; returns the engine and the run's events.
func runEngine(
    _ scenarios: [Scenario], days: Int, seed: UInt64,
    configure: (inout MarketConfig) -> Void = { _ in }
) throws -> (MarketEngine, [MarketEvent]) {
    var config = MarketConfig()
    config.scenarios = scenarios
    config.days = days
    config.seed = seed
    configure(&config)
    let store = MemoryFrameStore()
    let engine = MarketEngine(config: config, store: store)
    try engine.run()
    return (engine, try store.allEvents())
}

/// Runs `scenarios` for `days` days and returns the engine's metrics of each scenario, in
/// order, and the run's events.
func runMarket(
    _ scenarios: [Scenario], days: Int = 14, seed: UInt64 = 1,
    configure: (inout MarketConfig) -> Void = { _ in }
) throws -> ([ScenarioMetrics], [MarketEvent]) {
    let (engine, events) = try runEngine(
        scenarios, days: days, seed: seed, configure: configure)
    return (engine.metrics.filter { $0.scenario != .run }, events)
}

/// Both sides' welfare recomputed from a scenario's events deal by deal, independently of
/// `ScenarioMetrics`: value delivered at the seller's CPM, value to the buyer at the campaign's
/// max CPM, and at settlement the part unpaid or overpaid.
struct DealBooks {
    var maxCPM: [Int: Micros] = [:]
    var goal: [Int: Int64] = [:]
    var campaignServed: [Int: Int64] = [:]
    var valueWithinGoal = Micros.zero
    var deals: [Int: (campaign: Int, sellerCPM: Micros, served: Int64)] = [:]
    var delivered = Micros.zero
    var buyerValue = Micros.zero
    var unpaid = Micros.zero
    var overpaid = Micros.zero

    init(_ events: [MarketEvent], scenario: Scenario) {
        for event in events where event.scenario == scenario {
            switch event.body {
            case .campaignRegistered(let campaign):
                maxCPM[campaign.campaign] = campaign.maxCPM
                goal[campaign.campaign] = campaign.goalImpressions
            case .dealAgreed(let deal):
                deals[deal.deal] = (deal.campaign, deal.sellerCPM, 0)
            case .delivery(let delivery):
                deals[delivery.deal]!.served += delivery.served
                campaignServed[deals[delivery.deal]!.campaign, default: 0] += delivery.served
            case .settlement(let settlement):
                let deal = deals[settlement.deal]!
                let value = Micros.cost(impressions: deal.served, cpm: deal.sellerCPM)
                unpaid += max(.zero, value - settlement.buyerPaid)
                overpaid += max(.zero, settlement.buyerPaid - value)
            default: break
            }
        }
        for deal in deals.values {  // determinism-ok: sums are order-free
            delivered += Micros.cost(impressions: deal.served, cpm: deal.sellerCPM)
            buyerValue += Micros.cost(impressions: deal.served, cpm: maxCPM[deal.campaign]!)
        }
        for (campaign, served) in campaignServed {  // determinism-ok: sums are order-free
            valueWithinGoal += Micros.cost(
                impressions: min(served, goal[campaign]!), cpm: maxCPM[campaign]!)
        }
    }
}

@Test func welfareCountersPriceEveryDealsDeliveries() throws {
    let (metrics, events) = try runMarket([.a, .b, .c])
    for scenario in metrics {
        let books = DealBooks(events, scenario: scenario.scenario)
        let totals = scenario.totals
        #expect(totals[.deals] > 0)
        #expect(totals[.sellerValueDelivered] == books.delivered.raw, "\(scenario.scenario)")
        #expect(totals[.buyerValue] == books.buyerValue.raw, "\(scenario.scenario)")
        #expect(totals[.deliveredUnpaid] == books.unpaid.raw, "\(scenario.scenario)")
        #expect(totals[.paidUndelivered] == books.overpaid.raw, "\(scenario.scenario)")
        #expect(
            totals[.buyerValueWithinGoal] == books.valueWithinGoal.raw, "\(scenario.scenario)")
        #expect(totals[.buyerValueWithinGoal] <= totals[.buyerValue])
    }
}

@Test func theExchangeAndTheSharedLedgerPayForEverythingDelivered() throws {
    let (metrics, _) = try runMarket([.a, .c])
    let a = metrics[0].totals
    let c = metrics[1].totals
    #expect(a[.sellerValueDelivered] == a[.buyerSpend])
    #expect(a[.sellerRevenue] + a[.fees] == a[.buyerSpend])
    #expect(a[.deliveredUnpaid] == 0 && a[.paidUndelivered] == 0)
    #expect(c[.deliveredUnpaid] == 0 && c[.paidUndelivered] == 0)
    #expect(c[.sellerValueDelivered] > 0)
}

@Test func privateMemoryLeavesDeliveredValueUnpaid() throws {
    // With rot, restarts and hallucinations, B's sellers bill from notes that forget deals and
    // disputes pay the lower figure: a large part of what they served goes unpaid. With perfect
    // memory only the counting discrepancy between the two sides' delivery counts remains.
    let (rotting, _) = try runMarket([.b], days: 30)
    let (perfect, _) = try runMarket([.b], days: 30) {
        $0.rotEpisodeRate = .zero
        $0.memoryDecayRate = .zero
        $0.hallucinationRate = .zero
        $0.restartRate = .zero
    }
    let rottingShare = try #require(ScenarioSummary(rotting[0]).deliveredUnpaidSharePpm)
    let perfectShare = try #require(ScenarioSummary(perfect[0]).deliveredUnpaidSharePpm)
    #expect(rottingShare > 100_000)
    #expect(perfectShare * 10 < rottingShare)
    #expect(perfect[0].totals[.reconciledUnresolvable] == 0)
}

@Test func moreRotCannotMakeBuyersBetterOffByLeavingDeliveriesUnpaid() throws {
    // With rot, B's buyers forget deals and pay less than they received, so value minus spend
    // rises with rot. Counting unpaid delivered value as a debt and impressions beyond a goal as
    // worth nothing, buyers with rot are worse off than without, on every seed.
    for seed in UInt64(1)...5 {
        var net: [Int64] = []
        for rate in [Rate.zero, Rate.percent(2)] {
            let (metrics, _) = try runMarket([.b], days: 30, seed: seed) {
                $0.rotEpisodeRate = rate
            }
            net.append(ScenarioSummary(metrics[0]).buyerNetSurplus.raw)
            if rate != .zero {
                // What the old measure shows: the rotting buyers look better off.
                #expect(ScenarioSummary(metrics[0]).buyerSurplus.raw > 0)
            }
        }
        #expect(net[1] < net[0], "seed \(seed): net surplus \(net) with rot 0% and 2%")
    }
}
