import Dispatch
import Foundation
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace

/// The shared ledger of a replay started mid-run: stored frames before the checkpoint, then
/// the replay's own frames.
final class PrefixedLedgerReader: SharedLedgerReader {
    let store: LedgerStore
    let prefixFrames: Int
    let rest: MemoryFrameStore
    let decompressor = ZstdDecompressor()

    init(store: LedgerStore, prefixFrames: Int, rest: MemoryFrameStore) {
        self.store = store
        self.prefixFrames = prefixFrames
        self.rest = rest
    }

    func sealedFrames(from sequence: UInt64) throws -> [SealedFrame] {
        var frames: [SealedFrame] = []
        if let first = try store.frameIndex(containing: sequence), first < prefixFrames {
            try store.forEachFrame(from: first) { record in
                guard record.index < prefixFrames else { return false }
                let bytes = try decompressor.decompress(
                    record.payload, expectedSize: record.rawSize)
                frames.append(
                    SealedFrame(
                        index: record.index, firstSequence: record.firstSequence,
                        eventCount: record.eventCount, bytes: bytes))
                return true
            }
        }
        return frames + (try rest.sealedFrames(from: sequence))
    }
}
