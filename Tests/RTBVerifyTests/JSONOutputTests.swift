import Foundation
import Testing
import RTBTestSupport

private func object(_ text: String) throws -> [String: Any] {
    #expect(
        text.hasSuffix("}\n") && text.split(separator: "\n").count == 1,
        "one object: \(text.prefix(80))")
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
}

private func keys(_ value: Any?) -> Set<String> { Set((value as? [String: Any])?.keys ?? [:].keys) }

/// Every `--json` prints one object whose keys are those docs/json-output.md lists, and keeps
/// the command's exit code: a damaged ledger (12), a violation (11), a divergence (10).
@Test func everyJSONOutputIsOneDocumentedObject() throws {
    let directory = TestSupport.temporaryDirectory()
    func run(_ tool: String, _ arguments: [String]) throws -> TestSupport.ProcessResult {
        try TestSupport.run(tool, arguments, in: directory)
    }
    let recordKeys: Set<String> = [
        "ledger", "model", "summary", "config_digest", "run_digest", "market_digest", "events",
        "frames",
        "raw_bytes", "bytes_on_disk", "frames_verified_on_resume", "frames_rederived_on_resume",
        "head_file_problem", "metrics",
    ]
    let record = try run("rtb-verify", ["record", "--days", "2", "--ledger", "r.ledger", "--json"])
    let recorded = try object(record.output)
    #expect(keys(recorded) == recordKeys.union(["command", "resumed"]))
    #expect(recorded["command"] as? String == "record" && recorded["resumed"] as? Bool == false)
    // The config's digest: the same config given as options or as a file, another for 3 days.
    try "{\"days\": 2}".write(
        toFile: directory + "/two.json", atomically: true, encoding: .utf8)
    let fromFile = try object(
        try run("rtb-verify", ["record", "--config", "two.json", "--ledger", "f.ledger", "--json"])
            .output)
    let threeDays = try object(
        try run("rtb-verify", ["record", "--days", "3", "--ledger", "t.ledger", "--json"]).output)
    let digest = recorded["config_digest"] as? String
    #expect(digest?.count == 64 && fromFile["config_digest"] as? String == digest)
    #expect(threeDays["config_digest"] as? String != digest)

    let verify = try object(
        try run("rtb-verify", ["verify", "--trace", "r.ledger", "--json"]).output)
    #expect(
        keys(verify) == [
            "command", "ledger", "status", "problem", "head_hash", "finished", "frames", "events",
            "checkpoints", "raw_bytes", "deep", "market_digest_recomputed", "head_pinned",
            "measured",
        ])
    #expect(
        verify["status"] as? String == "intact"
            && verify["head_hash"] as? String == recorded["run_digest"] as? String)

    let check = try object(
        try run("rtb-verify", ["check", "--trace", "r.ledger", "--json"]).output)
    #expect(
        keys(check) == [
            "command", "ledger", "model", "events", "run_digest", "violations", "invariants",
            "metrics", "notes", "golden",
        ])
    let invariants = check["invariants"] as! [[String: Any]]
    #expect(
        !invariants.isEmpty
            && invariants.allSatisfy {
                keys($0) == ["name", "summary", "checked", "violations", "first"]
            })

    let replay = try object(
        try run("rtb-verify", ["replay", "--trace", "r.ledger", "--json"]).output)
    #expect(
        keys(replay) == [
            "command", "ledger", "identical", "run_digest", "events_compared", "frames_compared",
            "checkpoints_compared", "segments_rerun", "divergence", "measured",
        ])
    #expect(replay["identical"] as? Bool == true)

    // The exit codes stay: divergence 10, violation 11, damaged 12.
    let diverged = try run(
        "rtb-verify", ["replay", "--trace", "r.ledger", "--perturb-event", "900", "--json"])
    #expect(diverged.status == 10)
    let divergence = try object(diverged.output)["divergence"] as? [String: Any]
    #expect((divergence?["event"] as? Int) == 900)
    #expect(
        keys(divergence) == [
            "event", "frame", "last_matching_checkpoint", "expected", "actual", "report",
        ])
    _ = try run(
        "rtb-verify", ["record", "--days", "2", "--ledger", "bad.ledger", "--canary", "overspend"])
    let violated = try run("rtb-verify", ["check", "--trace", "bad.ledger", "--json"])
    #expect(violated.status == 11)
    #expect((try object(violated.output)["violations"] as? Int ?? 0) > 0)
    try TestSupport.copy(directory + "/r.ledger", to: directory + "/t.ledger")
    try TestSupport.tamper(directory + "/t.ledger", "flip", "frames", "payload", "1", "9")
    let damaged = try run("rtb-verify", ["verify", "--trace", "t.ledger", "--json"])
    #expect(damaged.status == 12 && damaged.error.split(separator: "\n").count == 1)
    let damagedObject = try object(damaged.output)
    #expect(damagedObject["status"] as? String == "damaged" && damagedObject["problem"] is String)

    let sim = try object(
        try run("rtb-sim", ["run", "--days", "2", "--check", "--ledger", "s.ledger", "--json"])
            .output)
    #expect(keys(sim) == ["command", "recording", "results", "check_violations"])
    #expect(keys(sim["recording"]) == recordKeys)
    #expect(
        keys(sim["results"]).contains("scenario_results") && sim["check_violations"] as? Int == 0)

    let recovery = try object(
        try run(
            "rtb-sim",
            [
                "test-recovery", "--agent", "buyer-002", "--scenario", "c", "--days", "2",
                "--kill-points", "2", "--json",
            ]
        ).output)
    #expect(
        keys(recovery) == [
            "command", "scenario", "agents", "kill_points", "recovered", "baseline_market_digest",
            "results",
        ])
    #expect(
        (recovery["results"] as! [[String: Any]]).allSatisfy {
            keys($0) == [
                "kill_tick", "time", "fields_matching", "fields_total", "market_digest_matches",
                "recovered", "events_replayed", "keys_lost", "keys_recovered", "deals_change",
                "buyer_spend_change_micros", "disputes_change", "measured",
            ]
        })

    let export = try object(
        try run("rtb-verify", ["export", "--trace", "r.ledger", "--output", "x", "--json"]).output)
    #expect(keys(export) == ["command", "ledger", "directory", "format", "tables"])
    #expect(
        (export["tables"] as! [[String: Any]]).allSatisfy {
            keys($0) == ["kind", "file", "rows", "columns"]
        })

    let scale = try object(
        try run("rtb-sim", ["scale", "--agents", "100", "--rounds", "3", "--json"]).output)
    #expect(
        keys(scale) == [
            "command", "agents", "rounds", "mechanism", "slots", "seed", "threads", "run_digest",
            "events", "bids_placed", "total_spend_micros", "agent_state_bytes", "ledger",
            "measured",
        ])

    let added = try run(
        "rtb-verify", ["golden", "add", "--directory", "g", "small", "--", "--days", "1"])
    #expect(added.status == 0, "\(added.error)")
    let golden = try object(
        try run("rtb-verify", ["golden", "check", "--directory", "g", "--json"]).output)
    #expect(keys(golden) == ["command", "directory", "goldens", "failed"])
    #expect((golden["goldens"] as! [[String: Any]]).map { $0["name"] as? String } == ["small"])
    #expect(
        (golden["goldens"] as! [[String: Any]]).allSatisfy {
            keys($0) == ["name", "passed", "report"]
        })

    let report = try object(
        try run("rtb-verify", ["report", "--trace", "r.ledger", "--format", "json"]).output)
    #expect(keys(report) == ["title", "facts", "tables", "charts"])
    let compare = try object(
        try run("rtb-sim", ["compare", "r.ledger", "s.ledger", "--format", "json"]).output)
    #expect(keys(compare) == ["runs"])
}
