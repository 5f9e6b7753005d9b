import Foundation
import Testing
import RTBCore
import RTBLedger
import RTBTrace
import RTBEvents
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// Each canary (a deliberately broken behaviour) must be flagged by its invariant on every one
/// of 10 seeds: the checker can fail.
@Test(arguments: Canary.allCases)
func everyCanaryIsCaughtOnEverySeed(canary: Canary) throws {
    let expected: Invariant =
        switch canary {
        case .overspend: .budgetNeverOverspent
        case .chargeAboveBid: .winnerPaysAtMostBid
        case .feeRounding: .feeRule
        case .dropEvent: .paidForDelivered
        case .flipTieBreak: .efficientAllocation
        case .brokenRecovery: .ledgerRecoveryExact
        case .floorAsReserve, .frozenFloors: .reserveRule
        case .markupQuotes: .sellerPricing
        case .buyerCountsTrusted: .hallucinationsConsistent
        }
    let directory = TestSupport.temporaryDirectory()
    for seed in UInt64(1)...10 {
        var config = MarketConfig()
        config.scenarios =
            switch canary {
            case .brokenRecovery, .buyerCountsTrusted: [.c]
            case .markupQuotes: [.b, .c]
            case .overspend, .chargeAboveBid, .feeRounding, .dropEvent, .flipTieBreak,
                .floorAsReserve, .frozenFloors:
                [.a]
            }
        config.days = canary == .brokenRecovery ? 12 : 2
        config.seed = seed
        config.volume = canary == .brokenRecovery ? .none : .small
        if canary == .buyerCountsTrusted {
            // A window of 6,000 tokens fills quickly: buyers misstate counts within two days.
            config.memoryModel = .context
            config.contextWindow = 6_000
        } else {
            config.rotEpisodeRate = Rate.percent(10)
        }
        config.feeAwareReserve = canary == .floorAsReserve
        config.adaptiveFloors = canary == .frozenFloors
        let path = directory + "/\(canary)-\(seed).ledger"
        try recordMarket(config, path: path, canary: canary)
        let outcome = try LedgerChecker.check(path: path)
        #expect(
            outcome.tally.violations[expected.rawValue] > 0,
            "\(canary), seed \(seed): \(expected.name) not flagged")
        let finding = try #require(outcome.tally.first[expected.rawValue])
        #expect(!finding.witness.isEmpty)
    }
}

/// The same configuration without a canary is clean (so the canaries are what was caught).
@Test func theCanaryConfigurationIsCleanWithoutACanary() throws {
    var config = MarketConfig()
    config.scenarios = [.a]
    config.days = 2
    config.volume = .small
    _ = try checkedClean(config)
    // Under second price the open auctions are sampled for truthfulness too (first price, the
    // default, is not truthful: nothing to sample).
    config.mechanism = .secondPrice
    config.bidShading = false
    let outcome = try checkedClean(config)
    #expect(outcome.tally.checked[Invariant.truthfulness.rawValue] > 1_000)
    #expect(counterfactuals(outcome.notes) > 1_000)
}

/// A context-memory run (a small window: buyers' and sellers' claims false often, rot every
/// day) checks clean in B and C, buyers' false counts included.
@Test func aContextMemoryRunChecksClean() throws {
    var config = MarketConfig()
    config.scenarios = [.b, .c]
    config.days = 6
    config.memoryModel = .context
    config.contextWindow = 8_000
    let outcome = try checkedClean(config)
    #expect(outcome.tally.checked[Invariant.hallucinationsConsistent.rawValue] > 100)
}

/// Records `config` without a canary and checks it, expecting no violation.
func checkedClean(_ config: MarketConfig) throws -> CheckOutcome {
    let path = TestSupport.temporaryDirectory() + "/clean.ledger"
    try recordMarket(config, path: path)
    let outcome = try LedgerChecker.check(path: path)
    #expect(
        outcome.tally.totalViolations == 0, "\(outcome.tally.firstFinding.map(\.description) ?? "")"
    )
    return outcome
}

/// The default 30-day run: no violation and every validity range of the seed satisfied.
@Test func theDefaultRunChecksCleanAndInsideEveryRange() throws {
    let directory = TestSupport.temporaryDirectory()
    let recorded = try TestSupport.run(
        "rtb-verify", ["record", "--ledger", directory + "/default.ledger"])
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run(
        "rtb-verify",
        [
            "check", "--trace", directory + "/default.ledger",
            "--golden", TestSupport.root + "/golden/default-seed-42.json",
        ])
    #expect(checked.status == 0, "\(checked.output)\(checked.error)")
    #expect(checked.output.contains("no violations"))
    #expect(checked.output.contains("6 of 6 ranges satisfied, every metric equal"))
}

@Test func checkExitsWithViolationsAndRefusesBrokenLedgers() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/canary.ledger"
    let recorded = try TestSupport.run(
        "rtb-verify",
        [
            "record", "--scenario", "a", "--days", "1", "--ledger", path,
            "--canary", "chargeAboveBid",
        ])
    #expect(recorded.status == 0)
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 11)
    #expect(checked.output.contains("first violation: event"))
    try TestSupport.tamper(path, "flip", "frames", "payload", "0", "30")
    #expect(try TestSupport.run("rtb-verify", ["check", "--trace", path]).status == 12)
}

@Test func theOnlineCheckerRunsDuringASimulation() throws {
    let directory = TestSupport.temporaryDirectory()
    let result = try TestSupport.run(
        "rtb-sim", ["run", "--days", "2", "--check", "--ledger", directory + "/online.ledger"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("no violations"))
    #expect(result.output.contains("budget-never-overspent"))
}
