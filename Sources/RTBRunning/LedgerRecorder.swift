import Dispatch
import Foundation
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBTrace

/// Records the engine's frames into a ledger, in two serial background stages so the engine
/// keeps simulating on its own core: the sealer chain-hashes and compresses each frame, the
/// worker commits it (frame, chain link and head in one transaction). While the worker waits
/// for the disk (a WAL checkpoint's syncs), the sealer goes on compressing the next frames.
/// Both stages take frames in the order sealed; `backlog` bounds what waits in both together.
/// It is also the shared ledger scenario C agents read back from: committed frames through a
/// read-only connection, plus the frames still in the stages.
public final class LedgerRecorder: FrameSink, SharedLedgerReader, @unchecked Sendable {
    public let store: LedgerStore
    let compressor: ZstdCompressor
    let sealer = DispatchQueue(label: "rtb-verify.recorder.seal")
    let worker = DispatchQueue(label: "rtb-verify.recorder")
    let backlog: FrameBacklog
    let lock = NSLock()
    /// Guarded by `lock`: frames sealed but not yet committed, and the first worker error.
    var inFlight: [SealedFrame] = []
    var failure: (any Error)?
    /// Engine-side position (frames and events handed over).
    public private(set) var framesWritten: Int
    public private(set) var eventsWritten: UInt64
    public private(set) var rawBytesWritten: Int64 = 0
    /// Worker-side chain head: the hash of the last frame committed (or, resuming, checked
    /// against the stored one); read after `finish`.
    var chainHead: Digest32
    /// Sealer-side chain head: the last hashed frame's hash.
    var sealedHead: Digest32
    /// Frames sealed before resuming are compared with the stored ones instead of written.
    let verifyUntilFrame: Int
    var reader: LedgerStore?
    let decompressor = ZstdDecompressor()
    /// Measurements (decision latencies) written with the frame that holds their event.
    public let measurements = MeasurementLog()

    /// Recording into a new ledger.
    public convenience init(
        store: LedgerStore, zstdLevel: Int32 = ZstdCompressor.defaultLevel,
        backlog: FrameBacklog = FrameBacklog()
    ) {
        self.init(
            store: store, fromFrame: 0, previousHash: store.genesisHash, eventsBefore: 0,
            verifyUntil: 0,
            zstdLevel: zstdLevel, backlog: backlog)
    }

    /// Continuing a ledger whose head is `head`; frames the engine re-seals up to the head are
    /// checked against the stored ones.
    public convenience init(
        resuming store: LedgerStore, head: HeadRecord, fromFrame: Int, previousHash: Digest32,
        eventsBefore: UInt64, zstdLevel: Int32 = ZstdCompressor.defaultLevel
    ) {
        self.init(
            store: store, fromFrame: fromFrame, previousHash: previousHash,
            eventsBefore: eventsBefore,
            verifyUntil: head.frameCount, zstdLevel: zstdLevel, backlog: FrameBacklog())
    }

    init(
        store: LedgerStore, fromFrame: Int, previousHash: Digest32, eventsBefore: UInt64,
        verifyUntil: Int,
        zstdLevel: Int32, backlog: FrameBacklog
    ) {
        self.store = store
        compressor = ZstdCompressor(level: zstdLevel)
        self.backlog = backlog
        framesWritten = fromFrame
        eventsWritten = eventsBefore
        chainHead = previousHash
        sealedHead = previousHash
        verifyUntilFrame = verifyUntil
    }

    /// The run digest: the chain head after every queued frame is committed.
    public var headHash: Digest32 {
        waitForStages()
        return chainHead
    }

    /// Returns once both stages have handled everything handed to them so far (the sealer
    /// hands each item to the worker before it finishes with it).
    func waitForStages() {
        sealer.sync {}
        worker.sync {}
    }

    var failed: Bool { lock.withLock { failure != nil } }

    func keepFirstFailure(_ error: any Error) {
        lock.withLock { if failure == nil { failure = error } }
    }

    public func seal(_ frame: SealedFrame) throws {
        precondition(frame.index == framesWritten, "frames out of order")
        try rethrowFailure()
        let size = frame.bytes.count
        backlog.enter(size: size)
        lock.withLock { inFlight.append(frame) }
        framesWritten = frame.index + 1
        eventsWritten = frame.endSequence
        rawBytesWritten += Int64(size)
        let measured = measurements.take(before: frame.endSequence)
        sealer.async { [self] in
            let link = failed ? nil : chainLink(for: frame)
            worker.async { [self] in
                defer { backlog.leave(size: size) }
                guard let link, !failed else { return }
                do {
                    try commit(frame, link: link, measurements: measured)
                } catch {
                    keepFirstFailure(error)
                }
                lock.withLock { inFlight.removeAll { $0.index == frame.index } }
            }
        }
    }

    /// A frame's chain link and stored payload, made by the sealer.
    struct FrameLink {
        let previous: Digest32
        let hash: Digest32
        /// Nil for a frame that is only checked against the stored one (resuming).
        let payload: [UInt8]?
    }

    /// Sealer side: hash one frame onto the chain and compress it (unless it is only checked).
    func chainLink(for frame: SealedFrame) -> FrameLink {
        let hash = FrameChain.hash(
            previous: sealedHead, frameIndex: UInt64(frame.index),
            firstSequence: frame.firstSequence,
            eventCount: UInt64(frame.eventCount), bytes: frame.bytes)
        let link = FrameLink(
            previous: sealedHead, hash: hash,
            payload: frame.index < verifyUntilFrame ? nil : compressor.compress(frame.bytes))
        sealedHead = hash
        return link
    }

    /// Worker side: commit one frame (or check it when resuming).
    func commit(_ frame: SealedFrame, link: FrameLink, measurements: [MeasurementRecord]) throws {
        if let payload = link.payload {
            let record = FrameRecord(
                index: frame.index, firstSequence: frame.firstSequence,
                eventCount: frame.eventCount,
                rawSize: frame.bytes.count, previousHash: link.previous, hash: link.hash,
                payload: payload)
            let head = HeadRecord(
                frameCount: frame.index + 1, eventCount: frame.endSequence, headHash: link.hash,
                finished: false, marketDigest: nil)
            try store.append(
                frame: record, checkpoint: nil, head: head, measurements: measurements)
        } else {
            guard let stored = try store.frame(at: frame.index), stored.hash == link.hash else {
                throw RecorderError.resumeDiverged(path: store.path, frame: frame.index)
            }
        }
        chainHead = link.hash
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        precondition(checkpoint.frameCount == framesWritten, "checkpoint not at the last frame")
        try rethrowFailure()
        let size = checkpoint.state.count
        backlog.enter(size: size)
        // Through both stages, so it is stored after the frames sealed before it.
        sealer.async { [self] in
            let payload = failed ? nil : compressor.compress(checkpoint.state)
            worker.async { [self] in
                defer { backlog.leave(size: size) }
                guard let payload, !failed else { return }
                do {
                    if checkpoint.frameCount <= verifyUntilFrame,
                        try store.checkpoint(frameCount: checkpoint.frameCount) != nil
                    {
                        return
                    }
                    try store.appendCheckpoint(
                        CheckpointRecord(
                            frameCount: checkpoint.frameCount,
                            nextSequence: checkpoint.nextSequence, frameHash: chainHead,
                            stateSize: checkpoint.state.count,
                            stateDigest: checkpoint.stateDigest, payload: payload))
                } catch {
                    keepFirstFailure(error)
                }
            }
        }
    }

    func rethrowFailure() throws {
        if let error = lock.withLock({ failure }) { throw error }
    }

    /// Waits for every queued frame, then marks the recording complete with its market digest.
    public func finish(marketDigest: Digest32) throws {
        waitForStages()
        try rethrowFailure()
        try store.finish(
            head: HeadRecord(
                frameCount: framesWritten, eventCount: eventsWritten, headHash: chainHead,
                finished: true, marketDigest: marketDigest),
            measurements: measurements.take(before: nil))
        reader = nil  // its connection would keep the file in WAL mode
        store.checkpointWAL()
        publishHead(try store.head())
    }

    /// Why the head file could not be written, if it could not: the ledger is complete without
    /// it, so the failure is reported beside the result instead of failing the recording.
    public private(set) var headFileProblem: String?

    /// Writes the head file beside the ledger (what `verify --expect-head` compares with) from
    /// the committed head: what the ledger holds, also when a resumed recording stops while
    /// still re-deriving frames it already had.
    func publishHead(_ head: HeadRecord?) {
        guard let head else { return }
        do {
            try HeadFile(
                runDigest: head.headHash, frames: head.frameCount, events: head.eventCount,
                finished: head.finished, format: store.header.formatVersion,
                ledger: String(store.path.split(separator: "/").last ?? "")
            ).write(besides: store.path)
        } catch {
            headFileProblem = error.description
        }
    }

    /// Waits for both stages without finishing (an interrupted recording stays resumable),
    /// publishes the unfinished head and returns it (nil before the first frame).
    public func drain() throws -> HeadRecord? {
        waitForStages()
        try rethrowFailure()
        let head = try store.head()
        publishHead(head)
        return head
    }

    public func sealedFrames(from sequence: UInt64) throws -> [SealedFrame] {
        // A failed commit (a full disk) is the answer: the frames it lost are not readable.
        try rethrowFailure()
        // In-flight frames first: a frame leaving the stages is already committed, so reading
        // the database second never misses one.
        let queued = lock.withLock { inFlight }
        let firstQueued = queued.first?.index ?? framesWritten
        let reader = try self.reader ?? LedgerStore.open(path: store.path)
        self.reader = reader
        let frames = try reader.sealedFrames(
            from: sequence, before: firstQueued, decompressor: decompressor)
        return frames + queued.filter { $0.endSequence > sequence }
    }
}

/// Recording failures that are not plain ledger errors.
public enum RecorderError: Error, CustomStringConvertible {
    case resumeDiverged(path: String, frame: Int)

    public var description: String {
        switch self {
        case .resumeDiverged(let path, let frame):
            return
                "\(path): frame \(frame): resumed run does not reproduce the stored frame (different engine or config?)"
        }
    }
}
