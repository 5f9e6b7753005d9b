import Foundation
import Testing
import RTBCore
import RTBTrace
import RTBEvents
import RTBLedger
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// tools/ledger_reader.py, written from docs/ledger-format.md alone, must agree with
/// `rtb-verify verify` on the digest and every count.
@Test func thePythonReaderAgreesWithVerify() throws {
    let directory = TestSupport.temporaryDirectory()
    var config = TestSupport.smallConfig(seed: 31, days: 3)
    config.volume = .small
    config.kills = [AgentKill(agent: .buyer(1), tick: 100_000)]
    let (path, _) = try TestSupport.record(config, in: directory)
    let result = try TestSupport.run(
        "/usr/bin/env", ["python3", TestSupport.root + "/tools/ledger_reader.py", path, "--json"])
    #expect(result.status == 0, "\(result.error)")
    let report = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
    let verified = try ChainVerifier.verify(path: path, deep: true)
    #expect(report["status"] as? String == "intact")
    #expect(report["head_hash"] as? String == verified.headHash.hex)
    #expect(report["frames"] as? Int == verified.frames)
    #expect((report["events"] as? NSNumber)?.uint64Value == verified.events)
    #expect(report["checkpoints"] as? Int == verified.checkpoints)
    var kinds: [String: Int] = [:]
    try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
        _, event in
        kinds[event.kind.description, default: 0] += 1
        return true
    }
    #expect(report["kinds"] as? [String: Int] == kinds)

    try TestSupport.tamper(path, "flip", "frames", "payload", "2", "17")
    let broken = try TestSupport.run(
        "/usr/bin/env", ["python3", TestSupport.root + "/tools/ledger_reader.py", path])
    #expect(broken.status == 12)
    #expect(broken.output.contains("frame 2"))
}
