import Foundation
import Testing
import RTBCore
import RTBLedger
import RTBTrace
import RTBEvents
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// Scale mode gives the same digest on 1, 2, 3 and 7 threads, for every mechanism.
@Test(arguments: Mechanism.allCases)
func scaleDigestsDoNotDependOnThreads(mechanism: Mechanism) throws {
    var config = ScaleConfig()
    config.agents = 5_003
    config.rounds = 40
    config.mechanism = mechanism
    config.slots = mechanism == .gsp || mechanism == .vcg ? 4 : 1
    config.seed = 11
    let digests = try [1, 2, 3, 7].map { try scaleDigest(config, threads: $0) }
    #expect(Set(digests).count == 1)
    #expect(ScaleMarket.bytesPerAgent <= 64)
}

@Test func scaleLedgersCheckCleanAndMatchAcrossProcesses() throws {
    let directory = TestSupport.temporaryDirectory()
    func run(_ name: String, threads: Int, hashing: Bool) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_DETERMINISTIC_HASHING"] = hashing ? "1" : nil
        let result = try TestSupport.run(
            "rtb-sim",
            [
                "scale", "--agents", "3000", "--rounds", "60", "--mechanism", "vcg",
                "--slots", "3", "--threads", String(threads),
                "--ledger", directory + "/\(name).ledger",
            ], environment: environment)
        #expect(result.status == 0, "\(result.error)")
        return String(
            result.output.split(separator: "\n").first { $0.hasPrefix("run digest:") } ?? "")
    }
    let first = try run("one", threads: 1, hashing: false)
    let second = try run("two", threads: 2, hashing: true)
    #expect(!first.isEmpty && first == second)
    let checked = try TestSupport.run(
        "rtb-verify", ["check", "--trace", directory + "/two.ledger"])
    #expect(checked.status == 0 && checked.output.contains("no violations"), "\(checked.output)")
    let verified = try TestSupport.run(
        "rtb-verify", ["verify", "--trace", directory + "/two.ledger"])
    #expect(verified.output.contains(String(first.split(separator: " ").last ?? "")))
    let replayed = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", directory + "/one.ledger"])
    #expect(
        replayed.status == 0
            && replayed.output.contains(
                "identical: " + String(first.split(separator: " ").last ?? "")),
        "\(replayed.output)\(replayed.error)")
}

/// A scale run replays bit for bit; a planted change names its round, and --from-checkpoint
/// is refused (scale ledgers hold no checkpoints).
@Test func scaleLedgersReplayAndNameTheFirstDivergence() throws {
    let directory = TestSupport.temporaryDirectory()
    var config = ScaleConfig()
    config.agents = 2_000
    config.rounds = 3_000
    config.mechanism = .gsp
    config.slots = 2
    let path = directory + "/scale.ledger"
    var settings = RecordingSettings()
    settings.parallel = ThreadedWork(workers: 2)
    let recorded = try Recording.record(
        ScaleMarketModel.self, config: config, path: path, settings: settings
    ).outcome
    let replayer = try Replayer(path: path)
    let clean = try replayer.replay(ReplayOptions())
    #expect(
        clean.divergence == nil && clean.runDigest == recorded.runDigest
            && clean.eventsCompared == recorded.events)
    #expect(clean.framesCompared > 1)
    let planted = try replayer.replay(ReplayOptions(perturbation: .event(2_500)))
    #expect(planted.divergence?.sequence == 2_500)
    #expect(planted.divergence?.actual?.kindName == "ScaleRound")
    #expect(
        planted.divergence?.report(trace: path).contains("divergence at event 2500") == true)
    #expect(throws: ReplayError.self) { try replayer.replay(ReplayOptions(fromCheckpoint: 1)) }
}

@Test func scaleRejectsSlotsForSingleItemMechanisms() throws {
    let result = try TestSupport.run(
        "rtb-sim", ["scale", "--mechanism", "second-price", "--slots", "3"])
    #expect(result.status == 64 && result.error.contains("--slots"))
}

/// Scenario A's exchange runs any mechanism, and the checker holds it to that mechanism's rule.
@Test(arguments: Mechanism.allCases)
func everyMechanismChecksCleanInScenarioA(mechanism: Mechanism) throws {
    var config = MarketConfig()
    config.scenarios = [.a]
    config.days = 3
    config.mechanism = mechanism
    config.bidShading = mechanism == .firstPrice
    config.volume = .small
    let directory = TestSupport.temporaryDirectory()
    try recordMarket(config, path: directory + "/a.ledger")
    let outcome = try LedgerChecker.check(path: directory + "/a.ledger")
    #expect(
        outcome.tally.totalViolations == 0,
        "\(mechanism): \(outcome.tally.firstFinding.map(\.description) ?? "")")
    #expect(outcome.tally.checked[Invariant.paymentRule.rawValue] > 1_000)
}

/// Replay frames a scale run with the frame size in the ledger's header, not the default.
@Test func scaleReplayUsesTheHeadersFrameSize() throws {
    var config = ScaleConfig()
    config.agents = 500
    config.rounds = 400
    let path = TestSupport.temporaryDirectory() + "/small-frames.ledger"
    let recorded = try Recording.record(
        ScaleMarketModel.self, config: config, path: path,
        settings: RecordingSettings(layout: FrameLayout(frameTargetBytes: 2_048))
    ).outcome
    #expect(try scaleDigest(config, threads: 1) != recorded.runDigest)
    let replay = try Replayer(path: path).replay(ReplayOptions())
    #expect(replay.divergence == nil && replay.runDigest == recorded.runDigest)
    #expect(replay.framesCompared > 2)
}

/// The run digest of a scale run recorded nowhere (frames hashed as the recorder would).
func scaleDigest(_ config: ScaleConfig, threads: Int) throws -> Digest32 {
    let hasher = ChainHashingSink(
        ScaleMarketModel.self,
        header: RunHeader.of(ScaleMarketModel.self, config: config, layout: FrameLayout()),
        chunkEvents: nil)
    var settings = RecordingSettings()
    settings.parallel = ThreadedWork(workers: threads)
    _ = try Recording.run(ScaleMarketModel.self, config: config, settings: settings, sink: hasher)
    return hasher.headHash
}
