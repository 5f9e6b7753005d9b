import Foundation
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBTestSupport
import Testing

/// The campaign atomization model through the command line.
enum AtomizationCLI {
    static func record(_ json: String, path: String, _ more: [String] = []) throws
        -> TestSupport.ProcessResult
    {
        try TestSupport.recordModel(
            "campaign-atomization", json: json, path: path, frameBytes: 32768, checkpointEvery: 4,
            more)
    }

    /// Two days of the seed's 432 cells at 200,000 impressions a day, with thresholds low
    /// enough that every agent acts within the run.
    static let small =
        "{\"seed\": 5, \"days\": 2, \"impressions_per_day\": 200000, \"users\": 20000, \"min_test_budget\": 20, \"min_impressions\": 200, \"monitor_min_impressions\": 10, \"fatigue_min_impressions\": 2000}"

    /// Eight cells (two audiences, two dayparts, two platforms) converting well enough that
    /// cells graduate within the first day and winners merge, audiences being discovered too.
    static let winners =
        "{\"seed\": 3, \"days\": 2, \"creatives\": [\"creative_a\"], \"bid_strategies\": [\"balanced\"], \"dayparts\": [\"afternoon\", \"prime\"], \"platforms\": [\"hulu\", \"peacock\"], \"audiences\": [{\"id\": \"eco_urban_renters\", \"zips\": [\"10013\", \"10011\"], \"signals\": [\"sustainability\", \"transit\"]}, {\"id\": \"luxury_seekers\", \"zips\": [\"10021\", \"90210\"], \"signals\": [\"premium\", \"experiences\"]}], \"impressions_per_day\": 100000, \"users\": 20000, \"base_cvr_ppm\": 20000, \"base_ctr_ppm\": 50000, \"min_test_budget\": 20, \"min_impressions\": 200, \"monitor_min_impressions\": 10, \"fatigue_min_impressions\": 2000}"
}

/// Two processes record one digest; replay is identical; check finds no violation and the
/// agents acted (flags, reallocations, graduations or terminations); a planted divergence is
/// named at its event.
@Test func twoProcessesRecordOneDigestAndTheCheckPasses() throws {
    let directory = TestSupport.temporaryDirectory()
    var heads: [Digest32] = []
    for index in 0..<2 {
        let path = directory + "/run-\(index).ledger"
        let recorded = try AtomizationCLI.record(AtomizationCLI.small, path: path)
        #expect(recorded.status == 0, "\(recorded.error)")
        heads.append(try ChainVerifier.verify(path: path).headHash)
    }
    #expect(heads[0] == heads[1])
    let path = directory + "/run-0.ledger"
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path, "--json"])
    #expect(checked.status == 0, "\(checked.output)")
    for kind in [
        "CellFlagged", "BudgetReallocated", "CellStatusChanged", "Conversion", "CreativeFatigued",
        "DecisionRound", "CellRotated",
    ] {
        let dumped = try TestSupport.run(
            "rtb-verify", ["dump", "--trace", path, "--kind", kind, "--count", "1"])
        #expect(dumped.output.contains("kind=\(kind)"), "\(kind): \(dumped.output)")
    }
    let report = try TestSupport.run("rtb-verify", ["report", "--trace", path, "--format", "json"])
    #expect(report.status == 0, "\(report.error)")
    for section in ["\"id\":\"cell-lifecycle\"", "\"id\":\"budget-flow\"", "ROAS by dimension"] {
        #expect(report.output.contains(section), "\(section): \(report.output.prefix(1_000))")
    }
    let planted = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", path, "--perturb-event", "1000"])
    #expect(planted.status == 10, "\(planted.output)")
    #expect(planted.output.hasPrefix("divergence at event 1000"), "\(planted.output)")
}

/// A recorder killed after a seeded frame resumes to the uninterrupted digest.
@Test func aKilledRecordingResumesToTheSameDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let baseline = directory + "/baseline.ledger"
    #expect(try AtomizationCLI.record(AtomizationCLI.small, path: baseline).status == 0)
    let expected = try ChainVerifier.verify(path: baseline)
    var random = RandomStream(seed: 16, key: StreamKey("atomization-kill"))
    let frame = random.int(in: 1...(expected.frames - 2))
    let path = directory + "/killed.ledger"
    let killed = try AtomizationCLI.record(
        AtomizationCLI.small, path: path, ["--inject-fault", "kill@after-frame:\(frame)"])
    #expect(killed.signal == SIGKILL)
    let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", path])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
}

/// Every canary is caught by its own invariant, and only by it.
@Test(arguments: [
    ("leak-budget", "budget-conserved"), ("overspend", "spend-within-budget"),
    ("bad-fraction", "attribution-exact"), ("phantom-touch", "touchpoints-recorded"),
    ("early-graduate", "lifecycle-rules"), ("zombie-cell", "terminated-silent"),
    ("false-fatigue", "fatigue-rule"), ("bad-priority", "risk-budget"),
    ("wrong-rotation", "rotation-rule"), ("misplaced-cell", "cells-registered"),
    ("wrong-pattern", "synthesis-rule"), ("false-discovery", "discovery-rule"),
    ("loose-merge", "merge-rule"), ("unearned-weight", "learning-rule"),
    ("inflated-lift", "learning-rule"),
])
func everyCanaryIsCaughtByItsInvariant(canary: String, invariant: String) throws {
    let path = TestSupport.temporaryDirectory() + "/\(canary).ledger"
    // The unearned-weight canary needs a library with a pattern below the confidence bar.
    let library =
        "\"library\": [{\"pattern\": {\"platform\": \"hulu\"}, \"lift_ppm\": 1200000, \"confidence_ppm\": 850000}]"
    let json =
        canary == "loose-merge"
        ? AtomizationCLI.winners
        : canary == "unearned-weight"
            ? String(AtomizationCLI.small.dropLast()) + ", " + library + "}" : AtomizationCLI.small
    let recorded = try AtomizationCLI.record(json, path: path, ["--canary", canary])
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 11, "\(checked.output)")
    let violated = TestSupport.violatedInvariants(checked.output)
    #expect(violated == [invariant], "\(checked.output)")
}

/// Bad input: one line naming the key, exit 64, no ledger.
@Test(arguments: [
    ("{\"creatives\": []}", "invalid creatives"),
    ("{\"platforms\": [\"hulu\", \"hulu\"]}", "invalid platforms[1]"),
    ("{\"daily_budget\": -5}", "invalid daily_budget"),
    ("{\"bid_strategies\": [\"greedy\"]}", "invalid bid_strategies[0]"),
    ("{\"attribution\": \"shapley\"}", "invalid attribution"),
    ("{\"agents\": {\"monitor\": 1}}", "invalid agents.monitor"),
    ("{\"lookback_days\": 0}", "invalid lookback_days"),
    ("{\"colour\": 1}", "invalid key 'colour'"),
    ("{\"kills\": [{\"agent\": \"monitor\", \"slot\": 999999}]}", "invalid kills[0].slot"),
    ("{\"kills\": [{\"agent\": \"lifecycle\", \"slot\": 5}]}", "invalid kills[0].agent"),
    ("{\"cadences\": {\"monitor\": 0}}", "invalid cadences.monitor"),
    ("{\"cadences\": {\"discovery\": 45}}", "invalid cadences.discovery"),
    ("{\"cadences\": {\"fatigue\": 900}}", "invalid cadences.fatigue"),
    ("{\"cadences\": {\"learning\": 60}}", "invalid cadences.learning"),
    ("{\"discovery_confidence_ppm\": 1000001}", "invalid discovery_confidence_ppm"),
    ("{\"signal_share_ppm\": 0}", "invalid signal_share_ppm"),
    ("{\"zip_pool\": 3}", "invalid zip_pool"),
    ("{\"zip_pool\": 0, \"audiences\": [{\"id\": \"a\"}]}", "invalid zip_pool"),
    (
        "{\"library\": [{\"pattern\": {\"colour\": \"red\"}, \"lift_ppm\": 1, \"confidence_ppm\": 1}]}",
        "invalid library[0].pattern.colour"
    ),
    (
        "{\"library\": [{\"pattern\": {}, \"lift_ppm\": 1, \"confidence_ppm\": 1}]}",
        "invalid library[0].pattern"
    ),
    (
        "{\"library\": [{\"pattern\": {\"platform\": \"hulu\"}, \"lift_ppm\": 1}]}",
        "invalid library[0].confidence_ppm"
    ),
    ("{\"learning_weight_ppm\": 1250000}", "invalid learning_weight_ppm"),
    ("{\"audiences\": [{\"id\": \"a\"}, {\"id\": \"a\"}]}", "invalid audiences[1]"),
])
func badConfigsAreOneLineAndExit64(json: String, message: String) throws {
    let path = TestSupport.temporaryDirectory() + "/bad.ledger"
    let recorded = try AtomizationCLI.record(json, path: path)
    #expect(recorded.status == 64, "\(recorded.error)")
    #expect(recorded.error.contains(message), "\(recorded.error)")
    #expect(recorded.error.split(separator: "\n").count == 1, "\(recorded.error)")
    #expect(!FileManager.default.fileExists(atPath: path))
}

/// Agents killed inside the simulation (the creative optimizer twice, the monitor once):
/// rebuilt from the ledger, the run is the run without kills (same model digest), replays and
/// checks clean; rebuilt from nothing, the run differs and the checker catches the amnesic
/// optimizer missing fatigued creatives.
@Test func killedAgentsRecoverFromTheLedgerToTheSameRun() throws {
    let directory = TestSupport.temporaryDirectory()
    let kills =
        "\"kills\": [{\"agent\": \"fatigue\", \"slot\": 700}, {\"agent\": \"monitor\", \"slot\": 701}, {\"agent\": \"fatigue\", \"slot\": 3000}]"
    let base = String(AtomizationCLI.small.dropLast())
    var digests: [Digest32?] = []
    for (name, json) in [
        ("plain", AtomizationCLI.small), ("ledger", base + ", " + kills + "}"),
        ("none", base + ", " + kills + ", \"recovery\": \"none\"}"),
    ] {
        let path = directory + "/\(name).ledger"
        let recorded = try AtomizationCLI.record(json, path: path)
        #expect(recorded.status == 0, "\(name): \(recorded.error)")
        digests.append(try LedgerStore.open(path: path).head()?.marketDigest)
    }
    #expect(digests[0] != nil && digests[0] == digests[1])
    #expect(digests[2] != digests[0])
    let recovered = directory + "/ledger.ledger"
    let recoveries = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", recovered, "--kind", "AgentRecovered"])
    #expect(recoveries.output.split(separator: "\n").count == 3, "\(recoveries.output)")
    #expect(recoveries.output.contains("source=ledger"), "\(recoveries.output)")
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", recovered])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    #expect(try TestSupport.run("rtb-verify", ["check", "--trace", recovered]).status == 0)
    let amnesic = try TestSupport.run(
        "rtb-verify", ["check", "--trace", directory + "/none.ledger"])
    #expect(amnesic.status == 11 && amnesic.output.contains("fatigue-rule"), "\(amnesic.output)")
}

/// `record --feed FILE`: a dashboard line every 2 simulated minutes (720 a day), and the ledger
/// is the same bytes as without the feed.
@Test func theDashboardFeedIsALinePerTwoMinutesOutsideTheDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let json = "{\"seed\": 2, \"days\": 1, \"impressions_per_day\": 100000, \"users\": 10000}"
    let plain = directory + "/plain.ledger"
    let fed = directory + "/fed.ledger"
    let feed = directory + "/feed.jsonl"
    #expect(try AtomizationCLI.record(json, path: plain).status == 0)
    let recorded = try AtomizationCLI.record(json, path: fed, ["--feed", feed])
    #expect(recorded.status == 0, "\(recorded.error)")
    #expect(
        try ChainVerifier.verify(path: plain).headHash == ChainVerifier.verify(path: fed).headHash)
    let lines = try String(contentsOfFile: feed, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 720)
    #expect(lines.first?.contains("\"time\":\"00:02\"") == true, "\(lines.first ?? "")")
    #expect(lines.last?.contains("\"time\":\"24:00\"") == true, "\(lines.last ?? "")")
    for key in ["budget_shifted", "top_gainers", "top_losers", "active_cells", "roas_today_ppm"] {
        #expect(lines.allSatisfy { $0.contains("\"\(key)\":") }, "\(key)")
    }
}

/// Winners merge into power cells (a power cell merging again), audiences are discovered with
/// their test cells; a recorder killed at a seeded frame after the first merge resumes to the
/// same digest (the added cells are in the checkpoints); check, replay and report hold.
@Test func winnersMergeAndAudiencesAreDiscovered() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/winners.ledger"
    let recorded = try AtomizationCLI.record(AtomizationCLI.winners, path: path)
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0, "\(checked.output)")
    let merged = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--kind", "CellsMerged"])
    let merges = merged.output.split(separator: "\n")
    #expect(merges.count >= 2, "\(merged.output)")
    // A power cell (index 8 or above) merged again.
    let sources = merges.flatMap { line in
        line.split(separator: "cells=[").dropFirst().first.map {
            $0.prefix { $0 != "]" }.split(separator: ",").compactMap { Int($0) }
        } ?? []
    }
    #expect(sources.contains { $0 >= 8 }, "\(merged.output)")
    let found = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--kind", "AudienceDiscovered"])
    #expect(found.output.contains("confidence="), "\(found.output)")
    let spawned = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--kind", "BudgetReallocated"])
    #expect(spawned.output.contains("reason=spawn") && spawned.output.contains("reason=merge"))
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let report = try TestSupport.run("rtb-verify", ["report", "--trace", path, "--format", "md"])
    #expect(report.output.contains("Discovered audiences"), "\(report.output.prefix(500))")

    // The monitor and the creative optimizer killed just after the first merge rebuild the
    // power cell's window from the ledger: the run is the run without kills.
    let firstMerge = merges.first.flatMap { line in
        line.split(separator: " ").first { $0.hasPrefix("slot=") }.flatMap { Int($0.dropFirst(5)) }
    }
    #expect(firstMerge != nil, "\(merged.output)")
    if let slot = firstMerge {
        let kills =
            "\"kills\": [{\"agent\": \"monitor\", \"slot\": \(slot + 3)}, {\"agent\": \"fatigue\", \"slot\": \(slot + 4)}]"
        let killedAgents = directory + "/agents.ledger"
        let run = try AtomizationCLI.record(
            String(AtomizationCLI.winners.dropLast()) + ", " + kills + "}", path: killedAgents)
        #expect(run.status == 0, "\(run.error)")
        #expect(
            try LedgerStore.open(path: killedAgents).head()?.marketDigest
                == LedgerStore.open(path: path).head()?.marketDigest)
    }

    let expected = try ChainVerifier.verify(path: path)
    var random = RandomStream(seed: 41, key: StreamKey("atomization-merge-kill"))
    let frame = random.int(in: (expected.frames * 3 / 4)...(expected.frames - 2))
    let killedPath = directory + "/killed.ledger"
    let killed = try AtomizationCLI.record(
        AtomizationCLI.winners, path: killedPath, ["--inject-fault", "kill@after-frame:\(frame)"])
    #expect(killed.signal == SIGKILL)
    let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", killedPath])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(try ChainVerifier.verify(path: killedPath).headHash == expected.headHash)
}

/// A ledger of model version 1 (before discovery, merging and learning) stays readable: it
/// verifies, dumps and checks clean with today's binaries; replay warns of the model version and
/// names where version 2 diverges.
@Test func aVersion1LedgerStaysReadable() throws {
    let path = TestSupport.root + "/traces/fixture-atomization-v1.ledger"
    let verified = try TestSupport.run("rtb-verify", ["verify", "--trace", path])
    #expect(verified.status == 0 && verified.output.hasPrefix("intact"), "\(verified.output)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0, "\(checked.output)")
    let dumped = try TestSupport.run("rtb-verify", ["dump", "--trace", path, "--count", "2"])
    #expect(dumped.output.contains("kind=CampaignStarted cells=432"), "\(dumped.output)")
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.error.contains("campaign-atomization 1"), "\(replayed.error)")
    #expect(replayed.output.hasPrefix("divergence at event"), "\(replayed.output)")
}
