import RTBCore
import RTBLedger
import RTBMarket
import RTBTrace

/// Records the engine's frames into a ledger: compresses each frame with zstd, chains its hash
/// and commits it with its checkpoint and the new head in one transaction. It is also the
/// shared ledger scenario C agents read back from.
public final class LedgerRecorder: FrameSink, SharedLedgerReader {
    public let store: LedgerStore
    let compressor: ZstdCompressor
    let decompressor = ZstdDecompressor()
    public private(set) var headHash: Digest32
    public private(set) var framesWritten: Int
    public private(set) var eventsWritten: UInt64
    public private(set) var rawBytesWritten: Int64 = 0
    var pendingCheckpoint: EngineCheckpoint?
    /// Frames sealed before resuming are compared with the stored ones instead of written.
    var verifyUntilFrame = 0

    /// Recording into a new ledger.
    public init(store: LedgerStore, zstdLevel: Int32 = 3) {
        self.store = store
        compressor = ZstdCompressor(level: zstdLevel)
        headHash = store.genesisHash
        framesWritten = 0
        eventsWritten = 0
    }

    /// Continuing a ledger whose head is `head`; frames the engine re-seals up to the head are
    /// checked against the stored ones.
    public init(resuming store: LedgerStore, head: HeadRecord, fromFrame: Int, previousHash: Digest32,
                eventsBefore: UInt64, zstdLevel: Int32 = 3) {
        self.store = store
        compressor = ZstdCompressor(level: zstdLevel)
        headHash = previousHash
        framesWritten = fromFrame
        eventsWritten = eventsBefore
        verifyUntilFrame = head.frameCount
    }

    public func seal(_ frame: SealedFrame) throws {
        precondition(frame.index == framesWritten, "frames out of order")
        let hash = FrameChain.hash(previous: headHash, frameIndex: UInt64(frame.index), firstSequence: frame.firstSequence,
                                   eventCount: UInt64(frame.eventCount), bytes: frame.bytes)
        if frame.index < verifyUntilFrame {
            guard let stored = try store.frame(at: frame.index), stored.hash == hash else {
                throw RecorderError.resumeDiverged(path: store.path, frame: frame.index)
            }
        } else {
            let record = FrameRecord(index: frame.index, firstSequence: frame.firstSequence, eventCount: frame.eventCount,
                                     rawSize: frame.bytes.count, previousHash: headHash, hash: hash,
                                     payload: compressor.compress(frame.bytes))
            let head = HeadRecord(frameCount: frame.index + 1, eventCount: frame.endSequence, headHash: hash,
                                  finished: false, marketDigest: nil)
            try store.append(frame: record, checkpoint: nil, head: head)
        }
        headHash = hash
        framesWritten = frame.index + 1
        eventsWritten = frame.endSequence
        rawBytesWritten += Int64(frame.bytes.count)
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        precondition(checkpoint.frameCount == framesWritten, "checkpoint not at the last frame")
        if checkpoint.frameCount <= verifyUntilFrame, try store.checkpoint(frameCount: checkpoint.frameCount) != nil {
            return
        }
        let record = CheckpointRecord(
            frameCount: checkpoint.frameCount, nextSequence: checkpoint.nextSequence, frameHash: headHash,
            stateSize: checkpoint.state.count, stateDigest: checkpoint.stateDigest,
            payload: compressor.compress(checkpoint.state))
        try store.appendCheckpoint(record)
    }

    /// Marks the recording complete with its market digest.
    public func finish(marketDigest: Digest32) throws {
        try store.finish(head: HeadRecord(frameCount: framesWritten, eventCount: eventsWritten, headHash: headHash,
                                          finished: true, marketDigest: marketDigest))
        try store.checkpointWAL()
    }

    public func sealedFrames(from sequence: UInt64) throws -> [SealedFrame] {
        guard framesWritten > 0, let first = try store.frameIndex(containing: sequence) else { return [] }
        var frames: [SealedFrame] = []
        let end = framesWritten
        try store.forEachFrame(from: first) { record in
            // Frames past the recorder's position exist only when resuming; they are the future.
            guard record.index < end else { return false }
            let bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
            frames.append(SealedFrame(index: record.index, firstSequence: record.firstSequence,
                                      eventCount: record.eventCount, bytes: bytes))
            return true
        }
        return frames
    }
}

/// Recording failures that are not plain ledger errors.
public enum RecorderError: Error, CustomStringConvertible {
    case resumeDiverged(path: String, frame: Int)

    public var description: String {
        switch self {
        case .resumeDiverged(let path, let frame):
            return "\(path): frame \(frame): resumed run does not reproduce the stored frame (different engine or config?)"
        }
    }
}
