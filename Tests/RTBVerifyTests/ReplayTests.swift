import Foundation
import Testing
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// One recording shared by the replay tests: all three scenarios, a kill in C, small frames so
/// there are many checkpoints.
enum ReplayFixture {
    static let directory = TestSupport.temporaryDirectory()
    static let config: MarketConfig = {
        var config = TestSupport.smallConfig(seed: 12, days: 4)
        config.kills = [AgentKill(agent: .buyer(0), tick: SimTime.at(day: 2, hour: 13).tick)]
        return config
    }()
    static let recording: (path: String, outcome: RunOutcome) = {
        try! TestSupport.record(
            config, in: directory, name: "replay.ledger",
            layout: FrameLayout(frameTargetBytes: 1_024, checkpointEveryFrames: 2))
    }()

    static func copy(_ name: String) throws -> String {
        let path = directory + "/" + name + ".ledger"
        try TestSupport.copy(recording.path, to: path)
        return path
    }
}

@Test func aRecordedRunReplaysIdentically() throws {
    let report = try Replayer(path: ReplayFixture.recording.path).replay(ReplayOptions())
    #expect(report.divergence == nil)
    #expect(report.eventsCompared == ReplayFixture.recording.outcome.events)
    #expect(report.runDigest == ReplayFixture.recording.outcome.runDigest)
    #expect(report.checkpointsCompared > 3)
}

@Test func aSegmentReplaysFromAStoredCheckpoint() throws {
    let replayer = try Replayer(path: ReplayFixture.recording.path)
    let middle = replayer.checkpointFrames[replayer.checkpointFrames.count / 2]
    let report = try replayer.replay(ReplayOptions(fromCheckpoint: middle))
    #expect(report.divergence == nil)
    #expect(report.runDigest == ReplayFixture.recording.outcome.runDigest)
    #expect(throws: ReplayError.self) {
        try replayer.replay(ReplayOptions(fromCheckpoint: middle + 1))
    }
}

@Test(arguments: [0, 1, 777, 2_000])
func aPlantedDivergenceIsReportedAtExactlyItsEvent(event: Int) throws {
    let last = ReplayFixture.recording.outcome.events - 1
    for target in [UInt64(event), last] {
        let report = try Replayer(path: ReplayFixture.recording.path).replay(
            ReplayOptions(perturbation: .event(target)))
        let divergence = try #require(report.divergence)
        #expect(divergence.sequence == target)
        #expect(tick(divergence.expected).map { $0 + 1 } == tick(divergence.actual))
    }
}

@Test func bisectionFindsAPersistentDivergenceAtItsEvent() throws {
    let replayer = try Replayer(path: ReplayFixture.recording.path)
    let target = ReplayFixture.recording.outcome.events * 2 / 3
    let report = try replayer.replay(ReplayOptions(bisect: true, perturbation: .from(target)))
    let divergence = try #require(report.divergence)
    #expect(divergence.sequence == target)
    // Bisection: about log2(segments) probes, not one per segment.
    let segments = replayer.checkpointFrames.count + 1
    var bound = 1
    while (1 << bound) < segments { bound += 1 }
    #expect(segments >= 16)
    #expect(
        report.segmentsRerun > 0 && report.segmentsRerun <= bound + 1,
        "\(report.segmentsRerun) of \(segments)")
    let clean = try replayer.replay(ReplayOptions(bisect: true))
    #expect(clean.divergence == nil)
}

@Test func aConsistentlyRehashedAlteredEventIsReportedAtThatEvent() throws {
    let path = try ReplayFixture.copy("altered")
    // Alter the day number of the third DayClosed event (its last byte stays a valid varint).
    let store = try LedgerStore.open(path: ReplayFixture.recording.path)
    var found: [(sequence: UInt64, frame: Int, offset: Int)] = []
    try store.forEachFrame { frame in
        var reader = CanonicalReader(try RTBTraceDecompress.decompress(frame))
        var sequence = frame.firstSequence
        while !reader.isAtEnd {
            let event = try MarketEvent.decode(from: &reader)
            if case .dayClosed = event.body {
                found.append((sequence, frame.index, reader.offset - 1))
            }
            sequence += 1
        }
        return found.count < 3
    }
    let planted = found[2]
    try TestSupport.tamper(path, "rehash-event-byte", String(planted.frame), String(planted.offset))
    #expect(try ChainVerifier.verify(path: path).isIntact)  // a valid chain, a different history
    let report = try Replayer(path: path).replay(ReplayOptions())
    let divergence = try #require(report.divergence)
    #expect(divergence.sequence == planted.sequence)
    #expect(divergence.expected?.kindName == "DayClosed")
}

@Test func anotherEngineVersionWarnsOrIsRefusedWhenStrict() throws {
    let path = try ReplayFixture.copy("old-engine")
    try TestSupport.tamper(path, "engine-version", "0.0.9")
    let warned = try Replayer(path: path).replay(ReplayOptions())
    #expect(warned.engineWarning?.contains("0.0.9") == true)
    #expect(warned.divergence == nil)
    #expect(throws: LedgerRunError.self) {
        try Replayer(path: path).replay(ReplayOptions(strict: true))
    }
    let strict = try TestSupport.run("rtb-verify", ["replay", "--trace", path, "--strict"])
    #expect(strict.status == 12 && strict.error.contains("0.0.9"))
}

@Test func theReplayCommandPrintsTheDivergenceAndExits10() throws {
    let result = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", ReplayFixture.recording.path, "--perturb-event", "900"])
    #expect(result.status == 10)
    #expect(result.output.contains("divergence at event 900"))
    #expect(result.output.contains("<-- differs"))
    #expect(result.output.contains("last matching checkpoint"))
    #expect(result.output.contains("reproduce: rtb-verify replay --trace"))
    let clean = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", ReplayFixture.recording.path])
    #expect(clean.status == 0 && clean.output.hasPrefix("identical: "))
}

/// Decompresses a stored frame for tests.
enum RTBTraceDecompress {
    static func decompress(_ frame: FrameRecord) throws -> [UInt8] {
        try ZstdDecompressor().decompress(frame.payload, expectedSize: frame.rawSize)
    }
}

/// An interrupted recording (frames committed, head unfinished) replays up to its last frame;
/// the first replayed frame it lacks is the divergence, with the recording "ending here".
@Test func replayOfAnInterruptedRecordingStopsWhereTheRecordingEnds() throws {
    let config = TestSupport.smallConfig(seed: 9, days: 6)
    let layout = FrameLayout(frameTargetBytes: 1_024, checkpointEveryFrames: 4)
    let path = TestSupport.temporaryDirectory() + "/cut.ledger"
    let header = RunHeader.of(RTBMarketModel.self, config: config, layout: layout)
    let recorder = LedgerRecorder(store: try LedgerStore.create(path: path, header: header))
    let engine = try RunWiring(sink: recorder, reader: recorder).start(
        RTBMarketModel.self, config: config, layout: layout)
    while recorder.framesWritten < 10, try engine.step() {}
    #expect(!engine.isFinished)
    _ = try recorder.drain()
    let report = try Replayer(path: path).replay(ReplayOptions())
    let divergence = try #require(report.divergence)
    #expect(divergence.frame == 10 && divergence.sequence == recorder.eventsWritten)
    #expect(divergence.expected == nil && divergence.actual != nil)
    #expect(report.framesCompared == 10 && report.eventsCompared == recorder.eventsWritten)
}

/// The tick of a rendered market event.
func tick(_ event: RenderedEvent?) -> Int64? {
    guard case .int(let value)? = event?.value("tick") else { return nil }
    return value
}
