import Foundation
import Testing
import RTBCommandLine
import RTBCore
import RTBLedger
import RTBEvents
import RTBTrace
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// Every golden run of up to 1.5 million events, run fresh, is identical to its file (the
/// larger ones run in tools/test.sh with the release build).
@Test func goldenRunsReproduceExactly() throws {
    let files = try GoldenRunner.files(in: TestSupport.root + "/golden")
    #expect(files.count >= 10)
    for (_, golden) in files where golden.events <= 1_500_000 {
        let (passed, report) = try GoldenRunner.check(
            golden, directory: TestSupport.root + "/golden")
        #expect(passed, "\(report)")
    }
}

/// A mismatch reads from the most useful line down: digest, first differing metric, the others,
/// the first divergent chunk; with a local golden ledger, the exact event.
@Test func aGoldenMismatchPrintsAReadableDiff() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = [
        "--scenario", "b", "--days", "3", "--seed", "6", "--buyers", "2", "--sellers", "2",
    ]
    var golden = try GoldenRunner.run(
        name: "probe", arguments: arguments,
        ledgerPath: GoldenRunner.ledgerPath(directory: directory, name: "probe"))
    // Pretend an older engine recorded it: one metric, one chunk and the digest differ, and the
    // ledger holds a (consistently re-hashed) different event.
    let index = golden.metrics.firstIndex { $0.name == "b.deals" }!
    golden.metrics[index].value += 1
    golden.chunkHashes[3] = "0000000000000000"
    golden.runDigest = String(repeating: "0", count: 64)
    try CommandRunner.write(golden.json, to: directory + "/probe.json")
    try TestSupport.tamper(
        GoldenRunner.ledgerPath(directory: directory, name: "probe"), "rehash-event-byte", "0", "10"
    )
    let reloaded = try GoldenRunner.files(in: directory)[0].golden
    #expect(reloaded == golden)
    let (passed, report) = try GoldenRunner.check(reloaded, directory: directory)
    #expect(!passed)
    let lines = report.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(lines[0] == "golden probe: MISMATCH")
    #expect(lines[1].hasPrefix("run digest: expected 0000"))
    #expect(lines[2].hasPrefix("first differing metric: b.deals expected"))
    #expect(lines[3] == "first divergent event: within events 768-1023 (chunk 3 of 256 events)")
    #expect(report.contains("divergence at event"))
    #expect(report.contains("<-- differs"))
}

@Test func goldenFilesRejectMalformedContentNamingTheField() throws {
    #expect(throws: ResultsError.self) { try GoldenFile.parse(#"{"name": "x"}"#, path: "g.json") }
    do {
        _ = try GoldenFile.parse(
            #"{"name":"x","arguments":[],"engine_version":"1","run_digest":"a","market_digest":"b","events":1,"chunk_events":1,"chunk_hashes":[],"metrics":{"a.deals":"many"},"ranges":{}}"#,
            path: "g.json")
        Issue.record("accepted a string metric")
    } catch {
        #expect("\(error)".contains("metrics.a.deals"))
    }
}
