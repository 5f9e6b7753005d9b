import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// The seed's validity table for the default configuration (5 buyers x 10 campaigns, 5
/// sellers, 30 days): A deals 4,000-6,000, A fees 10-20% of spend, B context-rot events 20-50,
/// B hallucination rate 5-15%, C recovery 100%, C ledger entries >= 10,000.
@Test(arguments: Array(UInt64(1)...10))
func defaultRunLandsInTheValidityRanges(seed: UInt64) throws {
    var config = MarketConfig()
    config.seed = seed
    let store = MemoryFrameStore()
    let recording = MarketEngine(config: config, store: store)
    try recording.run()
    let metrics = Dictionary(
        uniqueKeysWithValues: recording.metrics.map { ($0.scenario, $0.totals) })
    let a = try #require(metrics[.a])
    let b = try #require(metrics[.b])
    let c = try #require(metrics[.c])
    #expect((4_000...6_000).contains(a[.deals]), "A deals \(a[.deals])")
    let takeRate = a[.fees] * 1_000 / a[.buyerSpend]
    #expect((100...200).contains(takeRate), "A take rate \(takeRate) per mille")
    #expect((20...50).contains(b[.contextRotEvents]), "B rot events \(b[.contextRotEvents])")
    let hallucination = b[.hallucinatedClaims] * 1_000 / b[.claims]
    #expect((50...150).contains(hallucination), "B hallucination rate \(hallucination) per mille")
    #expect(
        c[.recoveries] > 0 && c[.recoveriesMatching] == c[.recoveries],
        "C recovery \(c[.recoveriesMatching])/\(c[.recoveries])")
    #expect(c[.ledgerEntries] >= 10_000, "C ledger entries \(c[.ledgerEntries])")
}
