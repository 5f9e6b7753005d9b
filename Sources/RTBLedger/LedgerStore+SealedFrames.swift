import RTBTrace

extension LedgerStore {
    /// The stored frames from the one holding event `sequence` up to (not including) frame
    /// `limit`, decompressed: how scenario C agents read committed history.
    public func sealedFrames(from sequence: UInt64, before limit: Int, decompressor: ZstdDecompressor)
        throws
        -> [SealedFrame]
    {
        var frames: [SealedFrame] = []
        guard let first = try frameIndex(containing: sequence), first < limit else { return frames }
        try forEachFrame(from: first) { record in
            guard record.index < limit else { return false }
            let bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
            frames.append(
                SealedFrame(
                    index: record.index, firstSequence: record.firstSequence,
                    eventCount: record.eventCount, bytes: bytes))
            return true
        }
        return frames
    }
}
