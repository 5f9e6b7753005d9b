import Foundation
import Testing
import RTBCore
import RTBLedger
import RTBTrace

func scratchPath(_ name: String) -> String {
    let directory =
        NSTemporaryDirectory() + "rtb-ledger-tests-"
        + String(UInt64.random(in: 0...UInt64.max), radix: 36)  // determinism-ok: scratch name
    try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/" + name
}

let testHeader = RunHeader(config: [1], frameTargetBytes: 1_024, checkpointEveryFrames: 2)

/// Appends frame `index` (raw bytes [index]) after `previous`; returns its hash.
@discardableResult
func appendFrame(_ store: LedgerStore, _ index: Int, after previous: Digest32) throws -> Digest32 {
    let bytes: [UInt8] = [UInt8(index)]
    let hash = FrameChain.hash(
        previous: previous, frameIndex: UInt64(index), firstSequence: UInt64(index),
        eventCount: 1, bytes: bytes)
    try store.append(
        frame: FrameRecord(
            index: index, firstSequence: UInt64(index), eventCount: 1, rawSize: 1,
            previousHash: previous, hash: hash, payload: ZstdCompressor(level: 1).compress(bytes)),
        checkpoint: nil,
        head: HeadRecord(
            frameCount: index + 1, eventCount: UInt64(index + 1), headHash: hash, finished: false,
            marketDigest: nil),
        measurements: [MeasurementRecord(sequence: UInt64(index), name: "m", value: 1.5, unit: "ms")])
    return hash
}

/// Frames, head and measurements go in together; the database refuses edits, deletes and
/// frames out of order; an existing file is never replaced.
@Test func theStoreAppendsAndTheDatabaseRefusesEverythingElse() throws {
    let path = scratchPath("store.ledger")
    let store = try LedgerStore.create(path: path, header: testHeader)
    var previous = store.genesisHash
    for index in 0..<3 { previous = try appendFrame(store, index, after: previous) }
    #expect(try store.head()?.frameCount == 3 && store.head()?.headHash == previous)
    #expect(try store.measurements().map(\.sequence) == [0, 1, 2])
    #expect(throws: LedgerError.self) { try appendFrame(store, 7, after: previous) }
    #expect(throws: LedgerError.alreadyExists(path: path)) {
        try LedgerStore.create(path: path, header: testHeader)
    }
    let loaded = try #require(try store.frame(at: 1))
    #expect(
        try ZstdDecompressor().decompress(loaded.payload, expectedSize: loaded.rawSize) == [1])
}

/// A full disk inside a transaction rolls it back whole: the ledger keeps its valid prefix.
@Test func aFailedTransactionLeavesThePrefix() throws {
    let path = scratchPath("full.ledger")
    let store = try LedgerStore.create(path: path, header: testHeader)
    store.fault = LedgerFault("disk-full@in-transaction:3")
    var previous = store.genesisHash
    previous = try appendFrame(store, 0, after: previous)
    previous = try appendFrame(store, 1, after: previous)
    #expect(throws: LedgerError.self) { try appendFrame(store, 2, after: previous) }
    let reopened = try LedgerStore.open(path: path)
    #expect(try reopened.frameCount() == 2 && reopened.head()?.frameCount == 2)
    #expect(try reopened.measurements().count == 2)
}

/// Fault points parse from their documented form and print back to it.
@Test func faultPointsParseAndPrint() {
    for text in ["kill@after-frame:0", "disk-full@in-transaction:12"] {
        #expect(LedgerFault(text)?.description == text)
    }
    for text in ["kill", "kill@after-frame:-1", "melt@after-frame:1", "kill@in-transaction:0"] {
        #expect(LedgerFault(text) == nil, "\(text)")
    }
}
