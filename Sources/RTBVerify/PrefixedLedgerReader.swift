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
        let frames = try store.sealedFrames(
            from: sequence, before: prefixFrames, decompressor: decompressor)
        return frames + (try rest.sealedFrames(from: sequence))
    }
}
