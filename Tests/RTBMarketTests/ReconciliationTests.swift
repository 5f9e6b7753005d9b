import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

@Test func ladderThresholds() {
    var random = RandomStream(seed: 1, key: StreamKey("ladder"))
    #expect(
        ReconciliationLadder.classify(discrepancyPpm: 0, random: &random) == (
            .accepted, 1, .sellerFigure
        ))
    #expect(ReconciliationLadder.classify(discrepancyPpm: 29_999, random: &random).0 == .accepted)
    for _ in 0..<50 {
        let negotiated = ReconciliationLadder.classify(discrepancyPpm: 30_000, random: &random)
        #expect(
            negotiated.0 == .negotiated && (7...21).contains(negotiated.1)
                && negotiated.2 == .average)
        let disputed = ReconciliationLadder.classify(discrepancyPpm: 149_999, random: &random)
        #expect(disputed.0 == .disputed && (30...60).contains(disputed.1))
        let late = ReconciliationLadder.classify(discrepancyPpm: 150_000, random: &random)
        #expect(
            late == (.unresolvable, 90, .lowerFigure)
                || (late.0 == .disputed && (45...90).contains(late.1)))
        #expect(
            ReconciliationLadder.classify(discrepancyPpm: 200_000, random: &random) == (
                .unresolvable, 90, .lowerFigure
            ))
    }
}

@Test func settlementRules() {
    #expect(
        SettlementRule.sellerFigure.amount(buyer: Micros(90), seller: Micros(100)) == Micros(100))
    #expect(SettlementRule.average.amount(buyer: Micros(90), seller: Micros(101)) == Micros(96))  // 95.5, ties to even
    #expect(SettlementRule.lowerFigure.amount(buyer: Micros(90), seller: Micros(100)) == Micros(90))
}

@Test func cAndAReconcileAtOnceWhileBDisputes() throws {
    var config = MarketConfig()
    config.days = 10
    let store = MemoryFrameStore()
    let engine = MarketEngine(config: config, store: store)
    try engine.run()
    var outcomes: [Scenario: [ReconciliationOutcome]] = [:]
    for event in try store.allEvents() {
        if case .reconciliation(let result) = event.body {
            outcomes[event.scenario, default: []].append(result.outcome)
            if event.scenario != .b {
                #expect(result.resolutionDays == 0 && result.buyerTotal == result.sellerTotal)
            }
        }
    }
    #expect(outcomes[.a]?.count == 50 && outcomes[.c]?.count == 50 && outcomes[.b]?.count == 50)
    #expect(
        outcomes[.a]!.allSatisfy { $0 == .accepted } && outcomes[.c]!.allSatisfy { $0 == .accepted }
    )
    #expect(outcomes[.b]!.contains { $0 != .accepted })
}
