import Foundation
import Testing
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBMarket
import RTBTestSupport

/// Engine 0.2.0's exchange options on the command line: a fee-aware, first-price, shading run
/// with adaptive floors and profile pacing records, checks clean, and replays from a checkpoint
/// in its middle (the shading counts and the floors are part of the checkpoint state); a
/// config file sets the same options; a bad combination is one line and exit 64.
@Test func aShadingFeeAwareRunChecksCleanAndReplaysFromItsCheckpoints() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/shading.ledger"
    let options = [
        "--scenario", "a", "--days", "6", "--seed", "7", "--mechanism", "first-price",
        "--bid-shading", "--fee-aware", "--fee", "18%", "--adaptive-floors", "--pacing", "profile",
    ]
    let recorded = try TestSupport.run(
        "rtb-verify",
        ["record", "--ledger", path, "--frame-bytes", "4096", "--checkpoint-every", "2"] + options)
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0, "\(checked.output)")
    #expect(checked.output.contains("reserve-rule"))
    let frames = try LedgerStore.open(path: path).checkpointIndex().map(\.frameCount)
    #expect(frames.count >= 4, "\(frames)")
    let middle = frames[frames.count / 2]
    let replayed = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", path, "--from-checkpoint", String(middle)])
    #expect(replayed.status == 0, "\(replayed.output) \(replayed.error)")
    let full = try Replayer(path: path).replay(ReplayOptions(strict: true))
    #expect(full.divergence == nil && full.checkpointsCompared == frames.count)

    try expectConfigFileRecordsTheSame(
        #"{"scenario": "a", "days": 6, "seed": 7, "mechanism": "first-price", "bid_shading": true, "fee_aware": true, "fee": "18%", "adaptive_floors": true, "pacing": "profile"}"#,
        as: path, recording: ["--frame-bytes", "4096", "--checkpoint-every", "2"])
}

/// Records the config file `json` with the `recording` options and expects the ledger the
/// command-line options recorded at `path`, to the head hash.
func expectConfigFileRecordsTheSame(_ json: String, as path: String, recording: [String]) throws {
    let directory = TestSupport.temporaryDirectory()
    let file = directory + "/options.json"
    try Data(json.utf8).write(to: URL(fileURLWithPath: file))
    let fromFile = try TestSupport.run(
        "rtb-verify",
        ["record", "--ledger", directory + "/file.ledger", "--config", file] + recording)
    #expect(fromFile.status == 0, "\(fromFile.error)")
    #expect(
        try ChainVerifier.verify(path: directory + "/file.ledger").headHash
            == ChainVerifier.verify(path: path).headHash)
}

@Test func shadingWithoutFirstPriceIsOneLineAndExit64() throws {
    let ledger = TestSupport.temporaryDirectory() + "/never.ledger"
    let result = try TestSupport.run(
        "rtb-sim",
        [
            "run", "--scenario", "a", "--days", "1", "--mechanism", "second-price", "--bid-shading",
            "--ledger", ledger,
        ])
    #expect(result.status == 64)
    #expect(result.error.contains("--bid-shading") && result.error.contains("first-price"))
    #expect(!FileManager.default.fileExists(atPath: ledger))
    let file = TestSupport.temporaryDirectory() + "/bad.json"
    try Data(#"{"fee_aware": "yes"}"#.utf8).write(to: URL(fileURLWithPath: file))
    let bad = try TestSupport.run("rtb-sim", ["run", "--config", file, "--ledger", ledger])
    #expect(bad.status == 64 && bad.error.contains("key 'fee_aware': expected true or false"))
    #expect(bad.error.split(separator: "\n").count == 1)
}

/// Engine 0.4.0's default exchange: first price with shading buyers; --no-bid-shading bids
/// values; another mechanism alone drops shading.
@Test func firstPriceWithShadingIsTheDefault() throws {
    for (arguments, shaded) in [
        ([String](), true), (["--no-bid-shading"], false),
        (["--mechanism", "second-price"], false),
    ] {
        let ledger = TestSupport.temporaryDirectory() + "/a.ledger"
        let run = try TestSupport.run(
            "rtb-verify",
            ["record", "--scenario", "a", "--days", "1", "--ledger", ledger] + arguments)
        #expect(run.status == 0, "\(run.error)")
        let header = try LedgerStore.open(path: ledger).header
        let config = try MarketConfig(canonical: header.config)
        #expect(
            config.mechanism == (arguments.contains("second-price") ? .secondPrice : .firstPrice))
        #expect(config.bidShading == shaded, "\(arguments)")
    }
}
