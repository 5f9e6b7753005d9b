import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// Builds a scenario engine and runs it until `tick`.
func engine(
    _ scenario: Scenario, days: Int = 6, seed: UInt64 = 3, until tick: Int64,
    configure: (inout MarketConfig) -> Void = { _ in }
) throws -> (MarketEngine, MemoryFrameStore) {
    var config = MarketConfig()
    config.scenarios = [scenario]
    config.days = days
    config.seed = seed
    configure(&config)
    let store = MemoryFrameStore()
    let engine = MarketEngine(config: config, store: store)
    while engine.state.now < tick, try engine.step() {}
    return (engine, store)
}

func eventsAfter(_ sequence: UInt64, in store: MemoryFrameStore, engine: MarketEngine) throws
    -> [MarketEvent]
{
    try engine.run()
    var events: [MarketEvent] = []
    var position: UInt64 = 0
    for frame in store.frames {
        for event in try MarketEvent.decodeAll(frame.bytes) {
            if position >= sequence { events.append(event) }
            position += 1
        }
    }
    return events
}

@Test func aSellerThatForgetsAnOrderStopsDeliveringIt() throws {
    let (engine, store) = try engine(
        .b, until: SimTime.at(day: 2).tick,
        configure: {
            $0.rotEpisodeRate = .zero; $0.restartRate = .zero
        })
    let deal = try #require(engine.state.deals.first { $0.endDay > 3 })
    let seller = engine.config.buyers + engine.market.products[deal.product].seller
    engine.state.memories[seller].deals.removeAll { $0.deal == deal.id }
    let mark = engine.log.nextSequence
    let later = try eventsAfter(mark, in: store, engine: engine)
    let deliveries = later.filter {
        if case .delivery(let delivery) = $0.body {
            return delivery.deal == deal.id
        } else {
            return false
        }
    }
    #expect(deliveries.isEmpty)
    // Control: the same deal is delivered when the seller remembers it.
    let (control, controlStore) = try MemoryEffectTests.control(until: SimTime.at(day: 2).tick)
    let controlLater = try eventsAfter(control.log.nextSequence, in: controlStore, engine: control)
    #expect(
        controlLater.contains {
            if case .delivery(let delivery) = $0.body {
                return delivery.deal == deal.id
            } else {
                return false
            }
        })
}

@Test func aBuyerThatForgetsAnOrderOrdersAgain() throws {
    let start = SimTime.at(day: 2).tick
    let (engine, store) = try engine(
        .b, until: start,
        configure: {
            $0.rotEpisodeRate = .zero; $0.restartRate = .zero
        })
    let deal = try #require(engine.state.deals.first { $0.endDay >= 5 })
    let buyer = engine.market.campaigns[deal.campaign].buyer
    engine.state.memories[buyer].deals.removeAll { $0.deal == deal.id }
    let later = try eventsAfter(engine.log.nextSequence, in: store, engine: engine)
    let (control, controlStore) = try MemoryEffectTests.control(until: start)
    let controlLater = try eventsAfter(control.log.nextSequence, in: controlStore, engine: control)
    func requests(_ events: [MarketEvent]) -> Int {
        events.filter {
            if case .rfp(let rfp) = $0.body {
                return rfp.campaign == deal.campaign
            } else {
                return false
            }
        }.count
    }
    #expect(requests(later) > requests(controlLater))
}

@Test func aBuyerWithoutPriceMemoryPaysMore() throws {
    // Same market, same offers: one buyer remembers cheap prices, the other forgot them.
    let buyerCampaign = campaign(target: .dollars(14))
    var remembers = AgentMemory()
    remembers.priceReferences[Int(Channel.display.rawValue)] = .dollars(9)
    let forgot = AgentMemory()
    let offer = Micros.cents(1_200)
    #expect(offer > policy.acceptThreshold(campaign: buyerCampaign, memory: remembers))  // counters
    #expect(offer <= policy.acceptThreshold(campaign: buyerCampaign, memory: forgot))  // accepts
}

@Test func hallucinatedPricesSplitTheBooksInBButNeverInC() throws {
    for scenario in [Scenario.b, .c] {
        let (engine, store) = try engine(
            scenario, until: 0, configure: { $0.hallucinationRate = .percent(50) })
        try engine.run()
        var split = 0
        var hallucinations = 0
        var caught = 0
        for event in try store.allEvents() {
            if case .dealAgreed(let deal) = event.body, deal.buyerCPM != deal.sellerCPM {
                split += 1
            }
            if case .hallucination(let claim) = event.body {
                hallucinations += 1
                if claim.caught { caught += 1 }
            }
        }
        #expect(hallucinations > 0)
        if scenario == .b {
            #expect(split > 0)
            #expect(caught == 0)
        } else {
            #expect(split == 0)
            #expect(caught == hallucinations)
        }
    }
}

@Test func inflatedDeliveryClaimsPushCampaignsIntoDispute() throws {
    func disputed(rate: Rate) throws -> Int {
        let (engine, store) = try engine(
            .b, days: 5, until: 0,
            configure: {
                $0.hallucinationRate = rate
                $0.rotEpisodeRate = .zero
                $0.restartRate = .zero
            })
        try engine.run()
        return try store.allEvents().filter {
            if case .reconciliation(let result) = $0.body {
                return result.outcome != .accepted
            } else {
                return false
            }
        }.count
    }
    #expect(try disputed(rate: .zero) < disputed(rate: .percent(100)))
}

@Test func ledgerRecoveryInCRestoresMemoryExactly() throws {
    let (engine, store) = try engine(
        .c, days: 12, until: 0, configure: { $0.rotEpisodeRate = Rate(ppm: 200_000) })
    try engine.run()
    let recoveries = try store.allEvents().compactMap { event -> Recovery? in
        if case .recovery(let recovery) = event.body { return recovery } else { return nil }
    }
    #expect(recoveries.count > 5)
    #expect(recoveries.allSatisfy { $0.matches && $0.source == .ledger })
}

enum MemoryEffectTests {
    static func control(until tick: Int64) throws -> (MarketEngine, MemoryFrameStore) {
        try engine(
            .b, until: tick,
            configure: {
                $0.rotEpisodeRate = .zero; $0.restartRate = .zero
            })
    }
}
