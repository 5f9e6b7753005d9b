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

/// Every model's event schema version is the one its reader table (the file
/// tools/ledger_reader.py picks by the model's name) declares: a layout change that bumps one
/// and not the other makes the independent reader refuse every new ledger.
@Test func everyModelsReaderTableHasItsEventSchemaVersion() throws {
    var tables = [TestSupport.root + "/tools/event_schema.json"]
    let sources = TestSupport.root + "/Sources"
    for folder in try FileManager.default.contentsOfDirectory(atPath: sources).sorted() {
        let candidate = sources + "/" + folder + "/events.reader.json"
        if FileManager.default.fileExists(atPath: candidate) { tables.append(candidate) }
    }
    var declared: [String: Int] = [:]
    for table in tables {
        let data = try #require(FileManager.default.contents(atPath: table))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let models = object["models"] as? [String] ?? ["rtb-market", "rtb-scale"]
        for model in models { declared[model] = object["event_schema_version"] as? Int ?? 1 }
    }
    func version<Model: SimulationModel>(_ model: Model.Type) -> Int {
        Int(Model.eventSchemaVersion)
    }
    #expect(ModelRegistry.all.count >= 7)
    for model in ModelRegistry.all {
        let name = ModelRegistry.identity(of: model).name
        #expect(declared[name] == version(model), "\(name)")
    }
}
