import Testing
import RTBCore
import RTBLedger
import RTBEvents
import RTBTrace
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// 1,000 seeds of small runs: every clean ledger verifies intact (10 batches of 100 run in
/// parallel).
@Test(arguments: 0..<10)
func cleanLedgersNeverReportAProblem(batch: Int) throws {
    let directory = TestSupport.temporaryDirectory()
    for offset in 0..<100 {
        let seed = UInt64(batch * 100 + offset)
        var config = TestSupport.smallConfig(seed: seed, days: 1)
        config.buyers = 1 + Int(seed % 2)
        config.sellers = 1 + Int(seed % 3)
        config.scenarios = [[.a], [.b], [.c], [.a, .b, .c]][Int(seed % 4)]
        let (path, outcome) = try TestSupport.record(
            config, in: directory, name: "s\(seed).ledger",
            layout: FrameLayout(frameTargetBytes: 1_024, checkpointEveryFrames: 3))
        let report = try ChainVerifier.verify(path: path)
        #expect(report.isIntact, "seed \(seed): \(report.problem ?? "")")
        #expect(report.headHash == outcome.runDigest)
        #expect(report.events == outcome.events)
    }
}
