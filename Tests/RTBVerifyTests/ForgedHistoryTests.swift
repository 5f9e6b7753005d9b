import Testing
import RTBChecking
import RTBCore
import RTBEvents
import RTBMarket
import RTBModels
import RTBRunning
import RTBTrace

/// Each property the checker decides from events alone is proven by a forged history: a clean
/// run's events with one change that breaks it (as a consistently re-chained ledger would carry
/// it), on which the checker must report that invariant at the changed event.
enum Forgery {
    /// The events of a clean in-memory run of `config`.
    static func events(_ config: MarketConfig) throws -> [MarketEvent] {
        let store = MemoryFrameStore()
        _ = try Recording.run(RTBMarketModel.self, config: config, sink: store)
        return try store.allEvents()
    }

    static func tally(_ events: [MarketEvent], _ config: MarketConfig) -> CheckTally {
        let checker = EconomicChecker(config: config, truthfulnessSampling: 64)
        for (index, event) in events.enumerated() {
            checker.observe(event, sequence: UInt64(index), size: event.canonicalBytes.count)
        }
        checker.finish()
        return checker.tally
    }

    static let direct: MarketConfig = {
        var config = MarketConfig()
        config.scenarios = [.b, .c]
        config.days = 4
        config.seed = 3
        config.hallucinationRate = Rate.percent(30)
        config.volume = .small
        config.kills = [AgentKill(agent: .buyer(1), tick: SimTime.at(day: 3, hour: 12).tick)]
        return config
    }()

    static let exchange: MarketConfig = {
        var config = MarketConfig()
        config.scenarios = [.a]
        config.days = 2
        config.volume = .small
        return config
    }()

    static let directEvents = try! events(direct)
    static let exchangeEvents = try! events(exchange)
}

@Test func theForgeryBaselinesAreClean() {
    #expect(Forgery.tally(Forgery.directEvents, Forgery.direct).totalViolations == 0)
    #expect(Forgery.tally(Forgery.exchangeEvents, Forgery.exchange).totalViolations == 0)
}

/// One forgery: which history, which event to change and how, and the invariant that must
/// name it.
struct Forged: Sendable, CustomStringConvertible {
    var name: String
    var exchange: Bool
    var invariant: Invariant
    var pick: @Sendable (MarketEvent) -> Bool
    var change: @Sendable (inout MarketEvent) -> Void
    /// Where the finding must be: at the changed event (0) or a later one (+1: the event that
    /// should have followed).
    var offset = 0

    var description: String { name }
}

let forgeries: [Forged] = [
    Forged(
        name: "a bid from an unregistered campaign", exchange: true,
        invariant: .referencesRegistered, pick: { if case .bid = $0.body { true } else { false } },
        change: { if case .bid(var bid) = $0.body { bid.campaign = 9_999; $0.body = .bid(bid) } }),
    Forged(
        name: "a delivery of a deal never agreed", exchange: false,
        invariant: .referencesRegistered,
        pick: { if case .delivery = $0.body { true } else { false } },
        change: {
            if case .delivery(var delivery) = $0.body {
                delivery.deal = 77_777
                $0.body = .delivery(delivery)
            }
        }),
    Forged(
        name: "a context-rot record of an agent that does not exist", exchange: false,
        invariant: .referencesRegistered,
        pick: { if case .contextRot = $0.body { true } else { false } },
        change: {
            if case .contextRot(var rot) = $0.body {
                rot.agent = .seller(99); $0.body = .contextRot(rot)
            }
        }),
    Forged(
        name: "a duplicate deal id", exchange: false, invariant: .identifiersSequential,
        pick: { if case .dealAgreed(let deal) = $0.body { deal.deal == 3 } else { false } },
        change: {
            if case .dealAgreed(var deal) = $0.body { deal.deal = 2; $0.body = .dealAgreed(deal) }
        }),
    Forged(
        name: "a campaign registered out of number", exchange: true,
        invariant: .identifiersSequential,
        pick: {
            if case .campaignRegistered(let campaign) = $0.body {
                campaign.campaign == 1
            } else {
                false
            }
        },
        change: {
            if case .campaignRegistered(var campaign) = $0.body {
                campaign.campaign = 5
                $0.body = .campaignRegistered(campaign)
            }
        }),
    Forged(
        name: "a ledger entry out of number", exchange: false, invariant: .identifiersSequential,
        pick: { if case .ledgerEntry(let entry) = $0.body { entry.entry == 10 } else { false } },
        change: {
            if case .ledgerEntry(var entry) = $0.body {
                entry.entry = 12; $0.body = .ledgerEntry(entry)
            }
        }),
    Forged(
        name: "a tick going backwards", exchange: false, invariant: .timeMonotone,
        pick: { if case .dayClosed(let closed) = $0.body { closed.day == 2 } else { false } },
        change: { $0.tick = 0 }),
    Forged(
        name: "traffic going back in time", exchange: true, invariant: .timeMonotone,
        pick: {
            if case .openAuction = $0.body { $0.tick >= SimTime.at(day: 2).tick } else { false }
        },
        change: { $0.tick = 0 }),
    Forged(
        name: "a day skipped", exchange: true, invariant: .timeMonotone,
        pick: { if case .dayStarted(let started) = $0.body { started.day == 2 } else { false } },
        change: { $0.body = .dayStarted(DayStarted(day: 3)) }),
    Forged(
        name: "a scenario total that is not its events' count", exchange: true,
        invariant: .totalsMatchEvents,
        pick: { if case .scenarioFinished = $0.body { true } else { false } },
        change: {
            if case .scenarioFinished(var finished) = $0.body {
                finished.events += 1
                $0.body = .scenarioFinished(finished)
            }
        }),
    Forged(
        name: "a reconciliation total that is not its deliveries'", exchange: false,
        invariant: .totalsMatchEvents,
        pick: {
            if case .reconciliation(let result) = $0.body {
                $0.scenario == .c && result.buyerTotal > .zero
            } else {
                false
            }
        },
        change: {
            if case .reconciliation(var result) = $0.body {
                result.buyerTotal += Micros(1)
                result.sellerTotal += Micros(1)
                $0.body = .reconciliation(result)
            }
        }),
    Forged(
        name: "a negotiated deal paying the seller nothing", exchange: false,
        invariant: .pricesAboveFloor,
        pick: {
            if case .dealAgreed(let deal) = $0.body { deal.origin == .negotiation } else { false }
        },
        change: {
            if case .dealAgreed(var deal) = $0.body {
                deal.sellerCPM = .zero; $0.body = .dealAgreed(deal)
            }
        }),
    Forged(
        name: "a direct purchase below the floor", exchange: false, invariant: .pricesAboveFloor,
        pick: { if case .directOffer(let offer) = $0.body { offer.accepted } else { false } },
        change: {
            if case .directOffer(var offer) = $0.body {
                offer.cpmCents = 1; $0.body = .directOffer(offer)
            }
        }),
    Forged(
        name: "a B hallucination flagged as caught", exchange: false,
        invariant: .hallucinationsConsistent,
        pick: {
            $0.scenario == .b && { if case .hallucination = $0.body { true } else { false } }($0)
        },
        change: {
            if case .hallucination(var claim) = $0.body {
                claim.caught = true; $0.body = .hallucination(claim)
            }
        }),
    Forged(
        name: "a price claim the offer does not state", exchange: false,
        invariant: .hallucinationsConsistent,
        pick: {
            if case .hallucination(let claim) = $0.body { claim.claim == .price } else { false }
        },
        change: {
            if case .hallucination(var claim) = $0.body {
                claim.claimedValue += 10_000
                $0.body = .hallucination(claim)
            }
        }, offset: 1),
    Forged(
        name: "a snapshot that disagrees with the history before it", exchange: false,
        invariant: .snapshotsMatchHistory,
        pick: {
            guard case .agentSnapshot(let snapshot) = $0.body else { return false }
            var reader = CanonicalReader(snapshot.state)
            return (try? AgentMemory(from: &reader))?.deals.isEmpty == false
        },
        change: {
            guard case .agentSnapshot(var snapshot) = $0.body else { return }
            var reader = CanonicalReader(snapshot.state)
            guard var memory = try? AgentMemory(from: &reader) else { return }
            memory.deals.removeFirst()
            snapshot.state = memory.canonicalBytes
            $0.body = .agentSnapshot(snapshot)
        }),
    Forged(
        name: "a ledger entry paid by the wrong agent", exchange: false,
        invariant: .ledgerEntriesComplete,
        pick: {
            if case .ledgerEntry(let entry) = $0.body { entry.payer.kind == .buyer } else { false }
        },
        change: {
            if case .ledgerEntry(var entry) = $0.body {
                entry.payer = .seller(0); $0.body = .ledgerEntry(entry)
            }
        }),
    Forged(
        name: "an open auction left unsold despite a bid over its floor", exchange: true,
        invariant: .auctionsSoldWhenBid,
        pick: { if case .openAuction(let open) = $0.body { open.winner > 0 } else { false } },
        change: {
            if case .openAuction(var open) = $0.body {
                open.winner = 0
                open.priceCents = 0
                open.fee = .zero
                $0.body = .openAuction(open)
            }
        }),
]

@Test(arguments: forgeries)
func eachForgedHistoryIsCaughtAtItsEvent(forgery: Forged) throws {
    var events = forgery.exchange ? Forgery.exchangeEvents : Forgery.directEvents
    let config = forgery.exchange ? Forgery.exchange : Forgery.direct
    let index = try #require(events.firstIndex(where: forgery.pick), "\(forgery): nothing to forge")
    forgery.change(&events[index])
    let tally = Forgery.tally(events, config)
    let finding = try #require(tally.first[forgery.invariant.rawValue], "\(forgery): not caught")
    #expect(finding.sequence >= UInt64(index), "\(forgery): \(finding)")
    if forgery.offset == 0 { #expect(finding.sequence == UInt64(index), "\(forgery): \(finding)") }
}

/// A shared-ledger entry deleted from a C history: the event it belonged to is named.
@Test func aMissingLedgerEntryIsNamedByItsEvent() throws {
    var events = Forgery.directEvents
    let entry = try #require(
        events.firstIndex { if case .ledgerEntry = $0.body { $0.scenario == .c } else { false } })
    events.remove(at: entry)
    let tally = Forgery.tally(events, Forgery.direct)
    let finding = try #require(tally.first[Invariant.ledgerEntriesComplete.rawValue])
    #expect(finding.sequence == UInt64(entry - 1), "\(finding)")
}

/// Every winning lot of one exchange auction forged away: the auction is reported unsold at its
/// bid request, where its bids met the floor.
@Test func anExchangeAuctionLeftUnsoldIsNamedByItsRequest() throws {
    var events = Forgery.exchangeEvents
    var clearings: [Int: [Int]] = [:]
    var requests: [Int: Int] = [:]
    for (index, event) in events.enumerated() {
        if case .bidRequest(let request) = event.body { requests[request.auction] = index }
        if case .auctionCleared(let cleared) = event.body, cleared.winner > 0 {
            clearings[cleared.auction, default: []].append(index)
        }
    }
    let auction = try #require(clearings.keys.sorted().first)
    for index in clearings[auction]! {
        guard case .auctionCleared(var cleared) = events[index].body else { continue }
        cleared.winner = 0
        events[index].body = .auctionCleared(cleared)
    }
    let tally = Forgery.tally(events, Forgery.exchange)
    let finding = try #require(tally.first[Invariant.auctionsSoldWhenBid.rawValue])
    #expect(finding.sequence == UInt64(requests[auction]!), "\(finding)")
}
