import Foundation
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBTestSupport
import Testing

/// The P2P electricity model through the command line.
enum ElectricityCLI {
    static func record(_ json: String, path: String, _ more: [String] = []) throws
        -> TestSupport.ProcessResult
    {
        try TestSupport.recordModel(
            "p2p-electricity", json: json, path: path, frameBytes: 32768, checkpointEvery: 4, more)
    }

    /// A day of 60 optimizers in the CDA (reference semantics).
    static let cda = "{\"seed\": 1001, \"agents\": 60, \"agent\": \"optimizer\"}"
    /// The corrected market with an enforced feeder cap in the CDA.
    static let cappedCDA =
        "{\"seed\": 1001, \"agents\": 60, \"agent\": \"optimizer\", \"semantics\": \"corrected\", \"feeder_cap_kw\": 100, \"cda_cap\": \"enforce\"}"
    /// A uniform-price call auction with a feeder cap, k-greedy satisficers.
    static let uniformCall =
        "{\"seed\": 1001, \"agents\": 60, \"agent\": \"satisficer\", \"mode\": \"k_greedy\", \"k\": 3, \"semantics\": \"corrected\", \"mechanism\": \"call\", \"call_pricing\": \"uniform\", \"feeder_cap_kw\": 60}"
}

/// Two processes record one digest; the check is clean; replay is identical; a planted
/// divergence is named at its event; a recorder killed after a seeded frame resumes to the
/// same digest.
@Test(arguments: [ElectricityCLI.cda, ElectricityCLI.uniformCall])
func electricityRunsAreOneDigestReplayAndResume(json: String) throws {
    let directory = TestSupport.temporaryDirectory()
    var heads: [Digest32] = []
    for index in 0..<2 {
        let path = directory + "/run-\(index).ledger"
        let recorded = try ElectricityCLI.record(json, path: path)
        #expect(recorded.status == 0, "\(recorded.error)")
        heads.append(try ChainVerifier.verify(path: path).headHash)
    }
    #expect(heads[0] == heads[1])
    let path = directory + "/run-0.ledger"
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0 && checked.output.contains("no violations"), "\(checked.output)")
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let planted = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", path, "--perturb-event", "5000"])
    #expect(planted.status == 10, "\(planted.output)")
    #expect(planted.output.hasPrefix("divergence at event 5000"), "\(planted.output)")
    let expected = try ChainVerifier.verify(path: path)
    var random = RandomStream(seed: 17, key: StreamKey("electricity-kill"))
    let frame = random.int(in: 1...(expected.frames - 2))
    let killed = directory + "/killed.ledger"
    let interrupted = try ElectricityCLI.record(
        json, path: killed, ["--inject-fault", "kill@after-frame:\(frame)"])
    #expect(interrupted.signal == SIGKILL)
    let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", killed])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(try ChainVerifier.verify(path: killed).headHash == expected.headHash)
}

/// Every canary is caught by its invariant (and only by the invariants its damage reaches).
@Test(arguments: [
    ("skip-best", ElectricityCLI.cda, ["price-time-priority"]),
    ("taker-price", ElectricityCLI.cda, ["maker-price"]),
    ("crossed-book", ElectricityCLI.cda, ["book-uncrossed"]),
    // The checker's book then holds less than the engine's: later bounds differ too.
    ("overfill", ElectricityCLI.cda, ["energy-conserved", "interval-accounts"]),
    ("over-need", ElectricityCLI.cda, ["energy-conserved"]),
    ("inflate-welfare", ElectricityCLI.cda, ["interval-accounts"]),
    ("off-tick", ElectricityCLI.cda, ["tick-limit"]),
    ("cap-leak", ElectricityCLI.cappedCDA, ["cap-respected", "w-hat-at-most-one"]),
    ("bound-skip", ElectricityCLI.cappedCDA, ["interval-accounts", "w-hat-at-most-one"]),
    ("split-price", ElectricityCLI.uniformCall, ["uniform-price"]),
])
func everyElectricityCanaryIsCaught(canary: String, json: String, invariants: [String]) throws {
    let path = TestSupport.temporaryDirectory() + "/\(canary).ledger"
    let recorded = try ElectricityCLI.record(json, path: path, ["--canary", canary])
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 11, "\(checked.output)")
    let violated = TestSupport.violatedInvariants(checked.output)
    #expect(violated == invariants, "\(checked.output)")
}

/// Bad input: one line naming the key, exit 64, no ledger; the reference's silent
/// replacements (sigma 0 becoming 0.5) are refused.
@Test(arguments: [
    ("{\"agent\": \"satisficer\", \"mode\": \"band\"}", "invalid tau"),
    ("{\"agent\": \"satisficer\", \"mode\": \"k_greedy\"}", "invalid k"),
    ("{\"agent\": \"satisficer\", \"mode\": \"k_search\", \"tau\": 5, \"k\": 1}", "invalid tau"),
    ("{\"agent\": \"optimizer\", \"mode\": \"band\", \"tau\": 5}", "invalid mode"),
    ("{\"agent\": \"satisficer\"}", "invalid mode"),
    ("{\"feeder_cap_kw\": 500}", "invalid feeder_cap_kw"),
    ("{\"cda_cap\": \"enforce\"}", "invalid cda_cap"),
    ("{\"call_pricing\": \"uniform\"}", "invalid call_pricing"),
    ("{\"price_sigma\": 0}", "invalid price_sigma"),
    ("{\"agents\": 0}", "invalid agents"),
    ("{\"agent\": \"satisficer\", \"mode\": \"band\", \"hetero_tau\": []}", "invalid hetero_tau"),
    ("{\"colour\": 1}", "invalid key 'colour'"),
])
func badElectricityConfigsAreOneLineAndExit64(json: String, message: String) throws {
    let path = TestSupport.temporaryDirectory() + "/bad.ledger"
    let recorded = try ElectricityCLI.record(json, path: path)
    #expect(recorded.status == 64, "\(recorded.error)")
    #expect(recorded.error.contains(message), "\(recorded.error)")
    #expect(recorded.error.split(separator: "\n").count == 1, "\(recorded.error)")
    #expect(!FileManager.default.fileExists(atPath: path))
}

/// The report: one run's accounts and charts; a study of several runs (two rules, two seeds
/// each) with its cells, both frontiers (points with their bootstrap intervals), the Pareto
/// cells by N and the scaling chart.
@Test func theReportShowsARunAndAStudysFrontier() throws {
    let directory = TestSupport.temporaryDirectory()
    var paths: [String] = []
    for rule in [
        "\"agent\": \"optimizer\"", "\"agent\": \"satisficer\", \"mode\": \"k_greedy\", \"k\": 1",
    ] {
        for seed in [1000, 1001] {
            let path = directory + "/\(paths.count).ledger"
            let json = "{\"seed\": \(seed), \"agents\": 30, \"intervals\": 200, \(rule)}"
            #expect(try ElectricityCLI.record(json, path: path).status == 0)
            paths.append(path)
        }
    }
    let single = try TestSupport.run(
        "rtb-verify", ["report", "--trace", paths[0], "--format", "json"])
    #expect(single.status == 0, "\(single.error)")
    for part in ["\"id\":\"w-hat\"", "\"id\":\"energy\"", "mean W-hat over intervals"] {
        #expect(single.output.contains(part), "\(part)")
    }
    let study = try TestSupport.run(
        "rtb-verify", ["report", "--format", "json"] + paths.flatMap { ["--trace", $0] })
    #expect(study.status == 0, "\(study.error)")
    for part in [
        "\"id\":\"frontier-wall\"", "\"id\":\"frontier-operations\"", "\"id\":\"pareto-by-n\"",
        "\"id\":\"scaling\"", "\"style\":\"points\"", "\"low\":[", "Cells (seed means)",
    ] {
        #expect(study.output.contains(part), "\(part): \(study.output.prefix(600))")
    }
    let html = try TestSupport.run("rtb-verify", ["report"] + paths.flatMap { ["--trace", $0] })
    #expect(html.output.contains("data-chart=\"frontier-wall\""))
}

/// A study of the model through `rtb-sim sweep`: two processes, one with two jobs and one with
/// one, give the same manifest byte for byte (timings live in measurements.json).
@Test func anElectricitySweepIsTheSameManifestWhateverRunsIt() throws {
    let directory = TestSupport.temporaryDirectory()
    let spec = directory + "/spec.json"
    try """
    {"model": "p2p-electricity", "base": {"intervals": 96, "agent": "satisficer", "mode": "band"},
     "axes": {"agents": [20, 40], "tau": [1, 20]}, "seeds": [1000, 1001]}
    """.write(toFile: spec, atomically: true, encoding: .utf8)
    var manifests: [String] = []
    for jobs in ["2", "1"] {
        let study = directory + "/study-\(jobs)"
        let swept = try TestSupport.run(
            "rtb-sim", ["sweep", spec, "--directory", study, "--jobs", jobs])
        #expect(swept.status == 0, "\(swept.error)")
        manifests.append(try String(contentsOfFile: study + "/manifest.json", encoding: .utf8))
    }
    #expect(manifests[0] == manifests[1])
    #expect(manifests[0].contains("\"study_digest\":\""))
    let verified = try TestSupport.run(
        "rtb-verify", ["study", "verify", directory + "/study-2/manifest.json"])
    #expect(verified.status == 0, "\(verified.output)")
}
