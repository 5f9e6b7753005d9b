import Foundation
import RTBLedger
import RTBTrace
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport
import Testing

/// A finished ledger is one file; a reader holding it open while the recording finishes does
/// not make the recording fail or wait, it only leaves the ledger in WAL mode.
@Test func finishingLeavesOneFileAndToleratesAnOpenReader() throws {
    let directory = TestSupport.temporaryDirectory()
    let config = TestSupport.smallConfig(seed: 5)
    let (alone, _) = try TestSupport.record(config, in: directory, name: "alone.ledger")
    #expect(!FileManager.default.fileExists(atPath: alone + "-wal"))
    #expect(!FileManager.default.fileExists(atPath: alone + "-shm"))

    let watched = directory + "/watched.ledger"
    var reader: LedgerStore?
    let started = Date()  // determinism-ok: test timing
    let (outcome, _) = try Recording.record(
        RTBMarketModel.self, config: config, path: watched,
        settings: RecordingSettings(
            layout: FrameLayout(frameTargetBytes: 4_096, checkpointEveryFrames: 4))
    ) { _ in
        if reader == nil { reader = try? LedgerStore.open(path: watched) }
    }
    #expect(reader != nil)
    #expect(Date().timeIntervalSince(started) < 4)  // determinism-ok: no 5 s busy wait
    let report = try ChainVerifier.verify(path: watched)
    #expect(report.isIntact && report.finished && report.headHash == outcome.runDigest)
    reader = nil
    #expect(try ChainVerifier.verify(path: alone).headHash == outcome.runDigest)
}
