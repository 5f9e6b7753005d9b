import Foundation
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBTestSupport
import Testing

/// The exchange economy through the command line: record, verify, replay, check, resume.
enum EconomyCLI {
    static func record(_ json: String, path: String, _ more: [String] = []) throws
        -> TestSupport.ProcessResult
    {
        try TestSupport.recordModel(
            "exchange-economy", json: json, path: path, frameBytes: 8192, checkpointEvery: 4, more)
    }

    static let small =
        "{\"seed\": 11, \"agents\": 3000, \"goods\": 5, \"preference\": \"ces\", \"elasticity\": 2.5}"
}

/// Two processes, one and two threads: one digest; replay is identical; a planted divergence
/// is named at its event, whose tick is its round.
@Test func twoProcessesAndTwoThreadCountsRecordOneDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    var heads: [Digest32] = []
    for (index, threads) in ["1", "2", "1"].enumerated() {
        let path = directory + "/run-\(index).ledger"
        let recorded = try EconomyCLI.record(EconomyCLI.small, path: path, ["--threads", threads])
        #expect(recorded.status == 0, "\(recorded.error)")
        heads.append(try ChainVerifier.verify(path: path).headHash)
    }
    #expect(Set(heads).count == 1)
    let path = directory + "/run-0.ledger"
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0 && checked.output.contains("no violations"), "\(checked.output)")
    let report = try TestSupport.run("rtb-verify", ["report", "--trace", path, "--format", "json"])
    #expect(report.status == 0, "\(report.error)")
    #expect(
        report.output.contains("\"id\":\"price-path\"")
            && report.output.contains("\"id\":\"excess-demand\""))
    #expect(report.output.contains("converged"), "\(report.output.prefix(2_000))")
    // Events 0...3000 are the economy; round r is event 3000 + r.
    let planted = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", path, "--perturb-event", "3007"])
    #expect(planted.status == 10, "\(planted.output)")
    #expect(planted.output.hasPrefix("divergence at event 3007"), "\(planted.output)")
    #expect(planted.output.contains("RoundPriced"), "\(planted.output)")
    let roundLine = planted.output.split(separator: "\n").first { $0.hasPrefix("round ") }
    #expect(roundLine?.split(separator: " ").contains("7") == true, "\(planted.output)")
}

/// Scarf's example: `check` exits 11 naming equilibrium-found; the run is not called an
/// equilibrium anywhere.
@Test func aRunThatDoesNotConvergeFailsTheCheck() throws {
    let path = TestSupport.temporaryDirectory() + "/scarf.ledger"
    let recorded = try EconomyCLI.record(
        "{\"economy\": \"scarf\", \"agents\": 30, \"max_rounds\": 300}", path: path)
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 11)
    #expect(
        checked.output.contains(": equilibrium-found: round-limit after 300 rounds"),
        "\(checked.output)")
}

/// Bad input: one line naming the key, exit 64, and no ledger written.
@Test(arguments: [
    ("{\"goods\": 1}", "invalid goods"),
    ("{\"endowment_low\": -0.5}", "invalid endowment_low"),
    ("{\"preference\": \"ces\", \"elasticity\": 0}", "invalid elasticity"),
    ("{\"tolerance\": 0}", "invalid tolerance"),
    ("{\"tolerance\": -1e-6}", "invalid tolerance"),
    ("{\"economy\": \"scarf\", \"agents\": 31}", "invalid agents"),
    ("{\"sample\": 5000, \"agents\": 100}", "invalid sample"),
])
func badEconomyConfigsAreRefusedNamingTheKey(json: String, message: String) throws {
    let path = TestSupport.temporaryDirectory() + "/bad.ledger"
    let result = try EconomyCLI.record(json, path: path)
    #expect(result.status == 64)
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].contains(message), "\(result.error)")
    #expect(!FileManager.default.fileExists(atPath: path))
}

/// SIGKILL after seeded frames, then resume: the digest of the uninterrupted run.
@Test func aKilledEquilibriumRecordingResumesToTheSameDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let baseline = directory + "/baseline.ledger"
    #expect(try EconomyCLI.record(EconomyCLI.small, path: baseline).status == 0)
    let expected = try ChainVerifier.verify(path: baseline)
    var random = RandomStream(seed: 21, key: StreamKey("economy-kill-points"))
    for attempt in 0..<3 {
        let path = directory + "/killed-\(attempt).ledger"
        let frame = random.int(in: 1...(expected.frames - 2))
        let killed = try EconomyCLI.record(
            EconomyCLI.small, path: path, ["--inject-fault", "kill@after-frame:\(frame)"])
        #expect(killed.signal == SIGKILL, "\(killed.error)")
        let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", path])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
    }
}
