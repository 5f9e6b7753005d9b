import Testing
import RTBCore
import RTBTrace

/// One-byte "events" written through the generic log.
func appendByte(_ log: inout EventLog, _ byte: UInt8, excluded: Bool = false) {
    log.append(excludedFromDigest: excluded) { writer, perturbed in
        writer.u8(perturbed ? byte ^ 0xFF : byte)
    }
}

/// Frames are sealed at the target size or when forced, carry contiguous sequences, and the
/// digest leaves out exactly the excluded events.
@Test func theLogSealsFramesAndDigestsWhatItShould() throws {
    var log = EventLog(frameTargetBytes: 4)
    for byte: UInt8 in [1, 2, 3] { appendByte(&log, byte) }
    #expect(log.sealIfDue() == nil)
    appendByte(&log, 4, excluded: true)
    let sealed = log.sealIfDue()
    let first = try #require(sealed)
    #expect(first.index == 0 && first.firstSequence == 0 && first.bytes == [1, 2, 3, 4])
    appendByte(&log, 5)
    let forced = log.sealIfDue(force: true)
    let second = try #require(forced)
    #expect(second.index == 1 && second.firstSequence == 4 && second.endSequence == 5)
    var digest = ChunkedDigest()
    ([1, 2, 3, 5] as [UInt8]).withUnsafeBytes { digest.update($0) }
    #expect(log.marketDigest == digest.finalize())
}

/// A planted perturbation reaches exactly the events it names.
@Test func perturbationsReachTheirEvents() {
    var log = EventLog(frameTargetBytes: 100, perturbation: .event(1))
    for byte: UInt8 in [1, 2, 3] { appendByte(&log, byte) }
    #expect(log.pendingBytes == [1, 0xFD, 3])
    var persistent = EventLog(frameTargetBytes: 100, perturbation: .from(1))
    for byte: UInt8 in [1, 2, 3] { appendByte(&persistent, byte) }
    #expect(persistent.pendingBytes == [1, 0xFD, 0xFC])
}

/// A checkpoint's log position restores the sequence, frame count and digest state exactly,
/// and a position that disagrees with its checkpoint is refused.
@Test func aLogPositionRestoresExactly() throws {
    var log = EventLog(frameTargetBytes: 2)
    for byte: UInt8 in [1, 2, 3] { appendByte(&log, byte) }
    _ = log.sealIfDue()
    var writer = CanonicalWriter()
    log.encodePosition(into: &writer)
    let checkpoint = EngineCheckpoint(frameCount: 1, nextSequence: 3, state: writer.bytes)
    var restored = EventLog(frameTargetBytes: 2)
    var reader = CanonicalReader(writer.bytes)
    try restored.restorePosition(from: &reader, checkpoint: checkpoint)
    appendByte(&log, 9)
    appendByte(&restored, 9)
    let original = log.sealIfDue(force: true)
    let continued = restored.sealIfDue(force: true)
    #expect(original == continued)
    #expect(log.marketDigest == restored.marketDigest)
    var wrong = EventLog(frameTargetBytes: 2)
    var again = CanonicalReader(writer.bytes)
    #expect(throws: CanonicalError.self) {
        try wrong.restorePosition(
            from: &again, checkpoint: EngineCheckpoint(frameCount: 2, nextSequence: 3, state: []))
    }
}

/// The in-memory shared ledger returns the frames from the one holding a sequence on.
@Test func memoryFramesAreFoundBySequence() throws {
    let store = MemoryFrameStore()
    for index in 0..<4 {
        try store.seal(
            SealedFrame(index: index, firstSequence: UInt64(index * 10), eventCount: 10, bytes: []))
    }
    #expect(try store.sealedFrames(from: 0).map(\.index) == [0, 1, 2, 3])
    #expect(try store.sealedFrames(from: 25).map(\.index) == [2, 3])
    #expect(try store.sealedFrames(from: 40).isEmpty)
}

/// JSON values keep numbers as written and name the offset of an error.
@Test func jsonParsesCanonicallyAndLocatesErrors() {
    guard case .success(let value) = JSONValue.parse(#"{"b": [1, 2.50], "a": "x\n"}"#) else {
        Issue.record("did not parse")
        return
    }
    #expect(value.canonicalText == #"{"a":"x\n","b":[1,2.50]}"#)
    guard case .failure(let error) = JSONValue.parse(#"{"a": }"#) else {
        Issue.record("parsed malformed JSON")
        return
    }
    #expect(error.offset == 6)
}
