import Foundation
import Testing
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBTestSupport

/// Engine 0.4.0's context memory model on the command line: a run records, checks clean and
/// replays from a checkpoint in its middle; a config file sets the same options; the flat
/// model's rates beside it, or a window without it, are one line and exit 64.
@Test func aContextMemoryRunRecordsChecksAndReplaysFromItsCheckpoints() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/context.ledger"
    let options = [
        "--scenario", "b,c", "--days", "4", "--seed", "3", "--memory-model", "context",
        "--context-window", "8000",
    ]
    let recorded = try TestSupport.run(
        "rtb-verify",
        ["record", "--ledger", path, "--frame-bytes", "16384", "--checkpoint-every", "4"]
            + options)
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0, "\(checked.output)")
    let frames = try LedgerStore.open(path: path).checkpointIndex().map(\.frameCount)
    #expect(frames.count >= 4, "\(frames)")
    let replayed = try TestSupport.run(
        "rtb-verify",
        ["replay", "--trace", path, "--from-checkpoint", String(frames[frames.count / 2])])
    #expect(replayed.status == 0, "\(replayed.output) \(replayed.error)")

    try expectConfigFileRecordsTheSame(
        #"{"scenario": "b,c", "days": 4, "seed": 3, "memory_model": "context", "context_window": 8000}"#,
        as: path, recording: ["--frame-bytes", "16384", "--checkpoint-every", "4"])
}

@Test func flatRatesBesideTheContextModelAreOneLineAndExit64() throws {
    let ledger = TestSupport.temporaryDirectory() + "/never.ledger"
    for (arguments, named) in [
        (["--memory-model", "context", "--rot-rate", "2%"], "--rot-rate"),
        (["--memory-model", "context", "--hallucination-rate", "5%"], "--hallucination-rate"),
        (["--memory-model", "context", "--grace-days", "1"], "--grace-days"),
        (["--context-window", "9000"], "--context-window"),
        (["--memory-model", "context", "--context-window", "100"], "--context-window"),
        (["--memory-model", "context", "--context-window", "-5"], "--context-window"),
        (["--context-window", "200000"], "--context-window"),
        (["--memory-model", "recall"], "--memory-model"),
    ] {
        let result = try TestSupport.run(
            "rtb-sim", ["run", "--days", "1", "--ledger", ledger] + arguments)
        #expect(result.status == 64, "\(arguments)")
        #expect(result.error.contains(named), "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
    }
    #expect(!FileManager.default.fileExists(atPath: ledger))
}
