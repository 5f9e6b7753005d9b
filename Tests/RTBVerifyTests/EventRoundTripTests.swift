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

/// Random canonical events built from tools/event_schema.json (the same table the docs and
/// the Python reader use), so every kind and every field is exercised.
struct RandomEvents {
    let kinds: [(kind: Int, fields: [String])]
    let enums: [String: Int]

    init() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: TestSupport.root + "/tools/event_schema.json"))
        let schema = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        enums = (schema["enums"] as! [String: [String]]).mapValues(\.count)
        kinds = (schema["events"] as! [[String: Any]]).map { event in
            (event["kind"] as! Int, (event["fields"] as! [[String]]).map { $0[1] })
        }
    }

    /// Canonical bytes of one random event of `kind`.
    func bytes(kind: Int, fields: [String], random: inout RandomStream) -> [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(UInt8(kind) | UInt8(random.next(below: 4)) << 6)
        writer.varint(random.next(below: 3_000_000))
        for type in fields {
            switch type {
            case "bool": writer.bool(random.chance(0.5))
            case "digest": for _ in 0..<32 { writer.u8(UInt8(random.next(below: 256))) }
            case "bytes":
                writer.byteString(
                    (0..<Int(random.next(below: 40))).map { _ in UInt8(random.next(below: 256)) })
            case "string":
                writer.string(
                    String(
                        (0..<Int(random.next(below: 20))).map { _ in
                            Character(Unicode.Scalar(UInt8(97 + random.next(below: 26))))
                        }))
            case "agent": writer.varint(random.next(below: 400) << 2 | random.next(below: 3))
            case "mask": writer.varint(random.next(below: 1 << 16))
            case "u64": writer.varint(random.next())
            case "bids":
                let count = Int(random.next(below: 6))
                writer.varint(UInt64(count))
                for _ in 0..<count {
                    writer.varint(random.next(below: 500))
                    writer.varint(random.next(below: 10_000))
                }
            default:
                if type.hasPrefix("enum:") {
                    writer.u8(UInt8(random.next(below: UInt64(enums[String(type.dropFirst(5))]!))))
                } else {
                    // Varints of every size, up to Int64.max.
                    writer.varint(random.next() >> (1 + random.next(below: 63)))
                }
            }
        }
        return writer.bytes
    }
}

@Test func everyEventKindRoundTripsCanonically() throws {
    let generator = try RandomEvents()
    #expect(generator.kinds.count == EventKind.allCases.count)
    var random = RandomStream(seed: 11, key: StreamKey("round-trip"))
    for (kind, fields) in generator.kinds {
        for _ in 0..<300 {
            let bytes = generator.bytes(kind: kind, fields: fields, random: &random)
            var reader = CanonicalReader(bytes)
            let event = try MarketEvent.decode(from: &reader)
            try reader.expectEnd()
            #expect(event.kind.rawValue == UInt8(kind))
            #expect(event.canonicalBytes == bytes)
            #expect(try MarketEvent.decodeAll(event.canonicalBytes) == [event])
        }
    }
}

@Test func randomEventsSurviveRecordingAndDecoding() throws {
    let generator = try RandomEvents()
    var random = RandomStream(seed: 12, key: StreamKey("ledger-round-trip"))
    let directory = TestSupport.temporaryDirectory()
    let header = RunHeader(
        config: MarketConfig().canonicalBytes, frameTargetBytes: 2_048,
        checkpointEveryFrames: RunHeader.noCheckpoints)
    let store = try LedgerStore.create(path: directory + "/random.ledger", header: header)
    let recorder = LedgerRecorder(store: store)
    var expected: [MarketEvent] = []
    var sequence: UInt64 = 0
    for index in 0..<40 {
        var bytes: [UInt8] = []
        var count = 0
        for _ in 0..<50 {
            let (kind, fields) = generator.kinds[
                Int(random.next(below: UInt64(generator.kinds.count)))]
            let event = generator.bytes(kind: kind, fields: fields, random: &random)
            expected += try MarketEvent.decodeAll(event)
            bytes += event
            count += 1
        }
        try recorder.seal(
            SealedFrame(index: index, firstSequence: sequence, eventCount: count, bytes: bytes))
        sequence += UInt64(count)
    }
    // The market digest of these events, with the kill records left out.
    var digest = ChunkedDigest()
    for event in expected where !event.isKillRecord {
        event.canonicalBytes.withUnsafeBytes { digest.update($0) }
    }
    try recorder.finish(marketDigest: digest.finalize())
    let decoded = try marketEvents(directory + "/random.ledger").map(\.event)
    #expect(decoded == expected)
    let verified = try ChainVerifier.verify(path: directory + "/random.ledger", deep: true)
    #expect(verified.isIntact && verified.marketDigestChecked, "\(verified.problem ?? "")")
}

@Test func aRecordedRunDecodesToExactlyWhatTheEngineEmitted() throws {
    let config = TestSupport.smallConfig(seed: 4)
    let directory = TestSupport.temporaryDirectory()
    let (path, outcome) = try TestSupport.record(config, in: directory)
    let memory = MemoryFrameStore()
    let engine = try RunWiring(sink: memory, reader: memory).start(
        RTBMarketModel.self, config: config,
        layout: FrameLayout(frameTargetBytes: 4_096, checkpointEveryFrames: 4))
    try engine.run()
    let recorded = try marketEvents(path).map(\.event)
    #expect(recorded == (try memory.allEvents()))
    #expect(UInt64(recorded.count) == outcome.events)
    #expect(engine.marketDigest == outcome.marketDigest)
}
