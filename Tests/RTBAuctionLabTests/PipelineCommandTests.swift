import Foundation
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBTestSupport
import Testing

/// The creative pipeline through the command line, on the shipped example baselines.
enum PipelineCLI {
    static let baselines = TestSupport.root + "/examples/seed003-baselines.json"

    static func json(_ mode: String, _ more: String = "") -> String {
        "{\"baselines\": \"\(baselines)\", \"mode\": \"\(mode)\", \"rounds\": 500, \"sensitivity_rounds\": 200, \"bootstrap\": 50\(more)}"
    }

    static func record(_ json: String, path: String, _ more: [String] = []) throws
        -> TestSupport.ProcessResult
    {
        try TestSupport.recordModel(
            "creative-pipeline", json: json, path: path, frameBytes: 16384, checkpointEvery: 4,
            more)
    }
}

/// Two processes record one digest; the check is clean; replay is identical; a planted
/// divergence is named at its event; a recorder killed after a seeded frame resumes to the
/// same digest.
@Test(arguments: [PipelineCLI.json("honest"), PipelineCLI.json("reference")])
func pipelineRunsAreOneDigestReplayAndResume(json: String) throws {
    try expectOneDigestReplayAndResume(json: json, perturb: 777, killKey: "pipeline-kill") {
        try PipelineCLI.record($0, path: $1, $2)
    }
}

/// Every canary is caught by its invariant.
@Test(arguments: [
    ("unsorted-forecast", "honest", ["forecast-ordered"]),
    ("overcharge", "honest", ["study-payment"]),
    ("lost-click", "honest", ["study-accounts"]),
    ("fund-leak", "honest", ["bandit-budget"]),
    ("phantom-update", "honest", ["no-phantom-update"]),
    ("inflate-precision", "reference", ["slate-metrics"]),
])
func everyPipelineCanaryIsCaught(canary: String, mode: String, invariants: [String]) throws {
    try expectCanaryCaught(canary, json: PipelineCLI.json(mode), invariants: invariants) {
        try PipelineCLI.record($0, path: $1, $2)
    }
}

/// Bad baselines and options: one line naming the file, row and field (or the key), exit 64,
/// no ledger.
@Test(arguments: [
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [0.02, 0.01, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        "", "row 1 field ctr: p10 <= p50 <= p90"
    ),
    (
        "{\"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [0.01, 0.02, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        "", "row 1 field id"
    ),
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [-0.01, 0.02, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        "", "row 1 field ctr: positive values"
    ),
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [0.01, 0.02, 0.03]}", "",
        "row 1 field cvr"
    ),
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [0.01, 0.02, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        ", \"budget\": 0", "invalid budget"
    ),
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [0.01, 0.02, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        ", \"slots\": 9", "invalid slots"
    ),
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 1e300], \"ctr\": [0.01, 0.02, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        "", "row 1 field cpm: at most 1e6"
    ),
    (
        "{\"id\": \"x\", \"p_win\": 0.5, \"cpm\": [10, 12, 15], \"ctr\": [0.01, 0.02, 0.03], \"cvr\": [0.01, 0.02, 0.03]}",
        ", \"bid_mults\": [1e300]", "invalid bid_mults"
    ),
])
func badBaselinesAreOneLineAndExit64(creative: String, option: String, message: String) throws {
    let directory = TestSupport.temporaryDirectory()
    let file = directory + "/baselines.json"
    try "{\"creatives\": [\(creative)]}".write(toFile: file, atomically: true, encoding: .utf8)
    let path = directory + "/bad.ledger"
    let recorded = try PipelineCLI.record(
        "{\"baselines\": \"\(file)\", \"slate\": 1\(option)}", path: path)
    #expect(recorded.status == 64, "\(recorded.error)")
    #expect(recorded.error.contains(message), "\(recorded.error)")
    #expect(option.isEmpty == recorded.error.contains(file), "\(recorded.error)")
    #expect(recorded.error.split(separator: "\n").count == 1, "\(recorded.error)")
    #expect(!FileManager.default.fileExists(atPath: path))
}

/// The CSV form of the shipped example gives the same study as its JSON form.
@Test func theCSVBaselinesEqualTheJSON() throws {
    let directory = TestSupport.temporaryDirectory()
    var heads: [Digest32] = []
    for file in ["seed003-baselines.json", "seed003-baselines.csv"] {
        let path = directory + "/\(file).ledger"
        let json =
            "{\"baselines\": \"\(TestSupport.root)/examples/\(file)\", \"budget\": 30000, \"rounds\": 200, \"sensitivity_rounds\": 100, \"bootstrap\": 20}"
        let recorded = try PipelineCLI.record(json, path: path)
        #expect(recorded.status == 0, "\(recorded.error)")
        heads.append(try ChainVerifier.verify(path: path).headHash)
    }
    #expect(heads[0] != heads[1], "the configs differ in their tag (the file name)")
    // The tag is the only difference: the events are the same.
    let dumps = try heads.indices.map { index in
        try TestSupport.run(
            "rtb-verify",
            [
                "dump", "--trace",
                directory + "/\(["seed003-baselines.json", "seed003-baselines.csv"][index]).ledger",
                "--kind", "SlateCompared",
            ]
        ).output
    }
    #expect(dumps[0] == dumps[1] && !dumps[0].isEmpty)
}
