import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// The context memory model (issue 18, item 4): keys cost their prompt line's tokens, the
/// context's fill sets the recall, and rot and false claims, buyers' included, follow it.
struct ContextMemoryTests {
    static let keys: [MemoryKey] = [
        .deal(
            DealNote(
                deal: 12, campaign: 3, product: 7, impressions: 250_000, cpm: .cents(1_234),
                counted: 1_200, endDay: 14)),
        .deal(
            DealNote(
                deal: 0, campaign: 0, product: 0, impressions: 0, cpm: .zero, counted: 0,
                endDay: 0)),
        .deal(
            DealNote(
                deal: 98_765, campaign: 4_999, product: 249, impressions: 9_876_543_210,
                cpm: .cents(100_005), counted: 123_456_789, endDay: 366)),
        .price(channel: 0, cpm: .cents(905)),
        .price(channel: 3, cpm: .cents(10_000)),
        .reputation(ReputationNote(product: 17, permille: 1_000)),
        .reputation(ReputationNote(product: 0, permille: 5)),
        .pending(PendingNote(negotiation: 4_321, campaign: 9, product: 44)),
    ]

    @Test func aKeyCostsItsPromptLineByTheReferenceRule() {
        for key in Self.keys {
            let line = ContextModel.line(of: key)
            #expect(ContextModel.lineBytes(of: key) == line.utf8.count, "\(line)")
            #expect(ContextModel.tokens(of: key) == min(50 + line.utf8.count / 4, 200))
        }
        #expect(
            ContextModel.line(of: Self.keys[0])
                == #"{"deal":12,"campaign":3,"product":7,"impressions":250000,"cpm":"12.34","counted":1200,"end_day":14}"#
        )
        #expect(ContextModel.line(of: Self.keys[3]) == #"{"channel":"display","last_cpm":"9.05"}"#)
        // 99 and 39 bytes: 50 + 24 and 50 + 9 tokens.
        #expect(ContextModel.tokens(of: Self.keys[0]) == 74)
        #expect(ContextModel.tokens(of: Self.keys[3]) == 59)
        var memory = AgentMemory()
        memory.deals = [Self.keys[0], Self.keys[2]].compactMap {
            if case .deal(let note) = $0 { return note } else { return nil }
        }
        memory.priceReferences[0] = .cents(905)
        memory.reputation = [ReputationNote(product: 17, permille: 1_000)]
        memory.pending = [PendingNote(negotiation: 4_321, campaign: 9, product: 44)]
        // The archive (the agent's books) is outside the context.
        memory.archive = memory.deals
        let expected = [Self.keys[0], Self.keys[2], Self.keys[3], Self.keys[5], Self.keys[7]]
            .map(ContextModel.tokens(of:)).reduce(0, +)
        #expect(ContextModel.tokens(of: memory) == expected)
    }

    @Test func recallFollowsThePressureTable() {
        let table: [(Double, Double)] = [
            (0, 0.98), (0.249, 0.98), (0.25, 0.90), (0.49, 0.90), (0.5, 0.75), (0.75, 0.50),
            (0.999, 0.50), (1, 0.10), (40, 0.10),
        ]
        for (fill, recall) in table { #expect(ContextModel.recall(fill: fill) == recall) }
        var memory = AgentMemory()
        memory.pending = (0..<40).map { PendingNote(negotiation: $0, campaign: 1, product: 2) }
        let held = ContextModel.tokens(of: memory)
        #expect(ContextModel.recall(of: memory, window: 200_000) == 0.98)
        #expect(ContextModel.recall(of: memory, window: 4_000 + held) == 0.10)
        #expect(ContextModel.recall(of: memory, window: 4_000 + 2 * held) == 0.75)
    }

    /// Of what a fault destroyed, only keys back with their old value count as restored.
    @Test func restorationCountsKeysBackWithTheirValue() {
        var before = AgentMemory()
        before.deals = [
            DealNote(
                deal: 1, campaign: 0, product: 0, impressions: 100, cpm: .cents(500), counted: 40,
                endDay: 5),
            DealNote(
                deal: 2, campaign: 0, product: 1, impressions: 100, cpm: .cents(500), counted: 10,
                endDay: 5),
        ]
        before.priceReferences[1] = .cents(700)
        before.pending = [PendingNote(negotiation: 9, campaign: 0, product: 3)]
        var damaged = before
        damaged.deals.removeAll()
        damaged.pending.removeAll()
        var after = damaged
        after.deals = [before.deals[0], before.deals[1]]
        after.deals[1].counted = 5  // a stale count: back, but not restored
        after.reputation = [ReputationNote(product: 4, permille: 900)]  // never lost
        let restoration = AgentMemory.restoration(before: before, damaged: damaged, after: after)
        #expect(restoration == Restoration(lost: 3, restored: 1))
        #expect(
            AgentMemory.restoration(before: before, damaged: damaged, after: before)
                == Restoration(lost: 3, restored: 3))
    }

    /// A's exchange gives back open orders, and a buyer in A has none (its auction deals
    /// settle at once): its prices and reputation are its own, so nothing is restored. B's
    /// private store gives yesterday's memory back (stale counts are not restored); C's ledger
    /// gives everything.
    @Test func recoveryIsMeasuredAgainstWhatWasLost() throws {
        var restored: [Scenario: (lost: Int64, restored: Int64, events: Int)] = [:]
        for scenario in Scenario.markets {
            let (_, events) = try runEngine(
                [scenario], days: 12, seed: 2,
                configure: {
                    $0.kills = (0..<5).map {
                        AgentKill(agent: .buyer($0), tick: SimTime.at(day: 6 + $0).tick + 3_600)
                    }
                })
            var total: (lost: Int64, restored: Int64, events: Int) = (0, 0, 0)
            var killed: Int64?
            for event in events {
                switch event.body {
                case .agentKilled(let kill): killed = kill.keysLost
                case .recovery(let recovery):
                    // A kill's recovery states the keys the kill destroyed as lost.
                    if recovery.trigger == .kill { #expect(recovery.keysLost == killed) }
                    total.lost += recovery.keysLost
                    total.restored += recovery.keysRecovered
                    total.events += 1
                default:
                    break
                }
            }
            restored[scenario] = total
        }
        let a = try #require(restored[.a])
        let b = try #require(restored[.b])
        let c = try #require(restored[.c])
        #expect(a.events >= 5 && b.events >= 5 && c.events >= 5)
        #expect(a.restored == 0 && a.lost > 0)
        #expect(b.restored < b.lost, "\(b)")
        #expect(c.restored == c.lost && c.lost > 0)
    }

    /// Shrinking the window fills the agents' contexts: more keys lost, more false claims,
    /// and buyers misstate delivery counts (B takes them, C catches them).
    @Test(arguments: [Scenario.b, .c])
    func aSmallerContextForgetsAndMisstatesMore(scenario: Scenario) throws {
        func run(window: Int) throws -> (ScenarioMetrics, [MarketEvent]) {
            let (metrics, events) = try runMarket(
                [scenario], days: 14, seed: 1,
                configure: {
                    $0.memoryModel = .context
                    $0.contextWindow = window
                })
            return (metrics[0], events)
        }
        let (roomy, roomyEvents) = try run(window: 200_000)
        let (small, smallEvents) = try run(window: 8_000)
        #expect(small.totals[.keysLost] > 2 * roomy.totals[.keysLost])
        let roomyShare =
            Double(roomy.totals[.hallucinatedClaims]) / Double(roomy.totals[.claims])
        let smallShare = Double(small.totals[.hallucinatedClaims]) / Double(small.totals[.claims])
        #expect(roomyShare > 0.01 && roomyShare < 0.03, "\(roomyShare)")
        #expect(smallShare > 2 * roomyShare, "\(smallShare) vs \(roomyShare)")
        for events in [roomyEvents, smallEvents] {
            var buyerClaims: [Int: Int64] = [:]
            var checked = 0
            for event in events {
                switch event.body {
                case .hallucination(let claim) where claim.agent.kind == .buyer:
                    #expect(claim.claim == .delivery && claim.claimedValue < claim.trueValue)
                    #expect(claim.caught == (scenario == .c))
                    buyerClaims[claim.subject] = claim.claimedValue
                case .delivery(let delivery):
                    if let claimed = buyerClaims.removeValue(forKey: delivery.deal) {
                        #expect(
                            delivery.buyerCounted
                                == (scenario == .c ? delivery.served : claimed))
                        checked += 1
                    }
                default:
                    break
                }
            }
            #expect(checked > 0)
        }
    }

    /// Every engine 0.4.0 config is written in format 4 (its recovery counts), the memory model
    /// and window at its end, and reads back whole; a format 3 config (engine 0.3.0's) reads as
    /// the flat model with the old recovery counts, so its ledgers still replay.
    @Test func configsAreFormat4AndFormat3ReadsAsEngine030() throws {
        let flat = MarketConfig()
        #expect(flat.canonicalBytes.first == 4)
        #expect(Array(flat.canonicalBytes.suffix(4)) == [0, 0xC0, 0x9A, 0x0C])
        var context = flat
        context.memoryModel = .context
        context.contextWindow = 32_000
        #expect(context.canonicalBytes.first == 4)
        #expect(try MarketConfig(canonical: context.canonicalBytes) == context)
        #expect(try MarketConfig(canonical: flat.canonicalBytes) == flat)
        var old = flat
        old.recoveryCountsRestoredKeys = false
        #expect(old.canonicalBytes.first == 3)
        #expect(try MarketConfig(canonical: old.canonicalBytes) == old)
        #expect(old.canonicalBytes == Array([3] + flat.canonicalBytes.dropFirst().dropLast(4)))
        var window = flat
        window.contextWindow = 32_000
        #expect(window.validate()?.description.contains("--context-window") == true)
        context.contextWindow = 100
        #expect(context.validate()?.description.contains("--context-window") == true)
        // The flat model's settings beside the context model are refused.
        context.contextWindow = 32_000
        context.rotEpisodeRate = .percent(5)
        #expect(context.validate()?.description.contains("--memory-model") == true)
    }
}
