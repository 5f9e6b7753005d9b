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

func recoveryConfig(_ scenario: Scenario, seed: UInt64) -> MarketConfig {
    var config = MarketConfig()
    config.scenarios = [scenario]
    config.seed = seed
    config.days = 8
    config.buyers = 3
    config.sellers = 3
    return config
}

/// Scenario C: every kill point recovers the pre-kill memory field by field and the market
/// continues exactly (same market digest as the uninterrupted run), for three seeds.
@Test(arguments: [UInt64(1), 2, 3])
func ledgerBackedAgentsRecoverFromEveryKillPoint(seed: UInt64) throws {
    let study = try RecoveryHarness.study(
        config: recoveryConfig(.c, seed: seed), agents: [.buyer(1), .seller(2)],
        killPoints: 12, killSeed: seed)
    #expect(study.results.count == 12)
    for result in study.results {
        #expect(
            result.stateMatches,
            "tick \(result.tick): \(result.fieldsMatching)/\(result.fieldsTotal) fields")
        #expect(result.marketDigestMatches, "tick \(result.tick)")
    }
    #expect(study.results.contains { $0.eventsReplayed > 0 })
}

/// Scenario B: a killed agent restarts from its private store; the damage is measured, is not
/// zero, and the same seed measures the same damage.
@Test func privateMemoryAgentsDegradeMeasurablyAndReproducibly() throws {
    let config = recoveryConfig(.b, seed: 4)
    let first = try RecoveryHarness.study(
        config: config, agents: [.buyer(0)], killPoints: 8, killSeed: 4)
    let second = try RecoveryHarness.study(
        config: config, agents: [.buyer(0)], killPoints: 8, killSeed: 4)
    #expect(first.results.contains { !$0.marketDigestMatches })
    #expect(first.results.contains { !$0.stateMatches })
    let changes = [Counter.deals, .impressions, .buyerSpend, .negotiations].map {
        first.meanChange($0)
    }
    #expect(changes.contains { $0 != 0 })
    #expect(
        changes
            == [Counter.deals, .impressions, .buyerSpend, .negotiations].map {
                second.meanChange($0)
            })
    #expect(first.results.map(\.totals) == second.results.map(\.totals))
}

/// Scenario A: the exchange's records give a buyer back its open deals; what it kept only in
/// its own memory (price references, reputation) is lost, and the market is unaffected.
@Test func exchangeRecordsReturnDealsButNotPrivateKnowledge() throws {
    let study = try RecoveryHarness.study(
        config: recoveryConfig(.a, seed: 5), agents: [.buyer(1)], killPoints: 6, killSeed: 5)
    #expect(study.results.allSatisfy { $0.marketDigestMatches })
    #expect(study.results.contains { $0.keysLost > $0.keysRecovered })
}

@Test func testRecoveryRejectsUnknownAgentsAndReportsTheRate() throws {
    let bad = try TestSupport.run(
        "rtb-sim", ["test-recovery", "--agent", "buyer-009", "--days", "2"])
    #expect(bad.status == 64 && bad.error.contains("buyer-001...buyer-005"))
    let exchange = try TestSupport.run(
        "rtb-sim", ["test-recovery", "--agent", "exchange", "--scenario", "c"])
    #expect(exchange.status == 64)
    let run = try TestSupport.run(
        "rtb-sim", ["test-recovery", "--agent", "seller-002", "--days", "3", "--kill-points", "3"])
    #expect(run.status == 0, "\(run.error)")
    #expect(run.output.contains("recovery rate: 3/3"))
}

@Test func resumingRefusesAnotherEngineOrNewOptions() throws {
    let directory = TestSupport.temporaryDirectory()
    let (path, _) = try TestSupport.record(TestSupport.smallConfig(seed: 8, days: 2), in: directory)
    let options = try TestSupport.run("rtb-verify", ["record", "--resume", path, "--days", "3"])
    #expect(options.status == 64 && options.error.contains("header"))
    try TestSupport.tamper(path, "engine-version", "0.0.1")
    let engine = try TestSupport.run("rtb-verify", ["record", "--resume", path])
    #expect(engine.status == 12 && engine.error.contains("0.0.1"))
}
