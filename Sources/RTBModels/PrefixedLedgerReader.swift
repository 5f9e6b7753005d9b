import RTBLedger
import RTBTrace

/// The shared ledger of a run that continues a stored one: the stored frames before the run's
/// first frame, then the frames the run itself has sealed.
final class PrefixedLedgerReader: SharedLedgerReader {
    let store: LedgerStore
    let prefixFrames: Int
    let rest: SharedLedgerReader
    let decompressor = ZstdDecompressor()

    init(store: LedgerStore, prefixFrames: Int, rest: SharedLedgerReader) {
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
