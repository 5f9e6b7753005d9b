import Testing
import RTBCore
import RTBTrace

/// Format 1 headers keep their bytes (every golden and fixture digest depends on them); format
/// 2 names its model; anything else is refused.
@Test func headersRoundTripInBothFormats() throws {
    let legacy = RunHeader(
        engineVersion: "0.1.0", eventSchemaVersion: 1, config: [1, 2, 3], frameTargetBytes: 65_536,
        checkpointEveryFrames: 32)
    // magic (11 + 1 length), format 1, engine "0.1.0", schema 1, config [1,2,3], 65536, 32.
    #expect(
        legacy.canonicalBytes
            == [11] + Array("RTBV-LEDGER".utf8) + [1, 5] + Array("0.1.0".utf8)
            + [1, 3, 1, 2, 3, 0x80, 0x80, 0x04, 32])
    #expect(try RunHeader(canonical: legacy.canonicalBytes) == legacy)
    let named = RunHeader(
        formatVersion: 2, engineVersion: "0.1.0", model: ModelIdentity(name: "m", version: 3),
        eventSchemaVersion: 4, config: [9], frameTargetBytes: 1_024, checkpointEveryFrames: 2)
    let decoded = try RunHeader(canonical: named.canonicalBytes)
    #expect(decoded == named && decoded.model?.name == "m" && decoded.model?.version == 3)
    #expect(decoded.genesisHash == Sha256.hash(named.canonicalBytes))
    var future = named.canonicalBytes
    future[12] = 3  // the format version byte
    #expect(throws: HeaderError.unsupportedFormat(3)) { try RunHeader(canonical: future) }
    #expect(throws: HeaderError.self) { try RunHeader(canonical: named.canonicalBytes + [0]) }
    #expect(throws: HeaderError.badMagic) { try RunHeader(canonical: [1, 65]) }
}

/// The frame hash covers the previous hash, the frame's position and the raw bytes only.
@Test func frameHashesChainAndCoverEveryInput() {
    let genesis = Sha256.hash([1])
    let bytes: [UInt8] = [5, 6, 7]
    let base = FrameChain.hash(
        previous: genesis, frameIndex: 0, firstSequence: 0, eventCount: 1, bytes: bytes)
    let variants = [
        FrameChain.hash(previous: base, frameIndex: 0, firstSequence: 0, eventCount: 1, bytes: bytes),
        FrameChain.hash(previous: genesis, frameIndex: 1, firstSequence: 0, eventCount: 1, bytes: bytes),
        FrameChain.hash(previous: genesis, frameIndex: 0, firstSequence: 1, eventCount: 1, bytes: bytes),
        FrameChain.hash(previous: genesis, frameIndex: 0, firstSequence: 0, eventCount: 2, bytes: bytes),
        FrameChain.hash(previous: genesis, frameIndex: 0, firstSequence: 0, eventCount: 1, bytes: [5, 6]),
    ]
    #expect(Set(variants.map(\.hex)).count == variants.count)
    #expect(!variants.contains(base))
}
