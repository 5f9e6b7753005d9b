import Dispatch
import Foundation
import RTBCore
import RTBLedger
import RTBTrace

/// Compares replayed frames and checkpoints with the stored ones, in order.
/// `@unchecked Sendable`: the background hash closure touches `previousHash`, `frames`, `events`
/// and `storedHashes` only on the serial `hashQueue`, `mismatch` only under `lock`, and
/// `settle()` joins the queue before anything else reads them.
final class FrameComparator<Model: SimulationModel>: FrameSink, @unchecked Sendable {
    struct Stop: Error {
        var divergence: Divergence
    }

    let store: LedgerStore
    var nextFrame: Int
    var previousHash: Digest32
    let untilFrame: Int?
    var lastCheckpoint: Int?
    var frames = 0
    var events: UInt64 = 0
    var checkpointsCompared = 0
    var reachedEnd = false
    let config: Model.Config
    let storedFrameCount: Int
    /// Bisection probes skip the full chain check, so they compare the stored payloads of the
    /// frames they replay with the replayed bytes.
    let checksPayloads: Bool
    /// False for a ledger of another engine version: its checkpoint states have that engine's
    /// layout, so only events and frames are compared.
    let comparesStates: Bool
    let decompressor = ZstdDecompressor()
    /// Full replays hash on a background queue (as the recorder does), comparing with the
    /// stored hashes read up front; the engine learns of a mismatch at its next frame.
    let hashesInBackground: Bool
    let hashQueue = DispatchQueue(label: "rtb-verify.replay-hash")
    let backlog = FrameBacklog()
    let lock = NSLock()
    var storedHashes: [Digest32] = []
    /// Guarded by `lock`: the first frame whose hash differs.
    var mismatch: SealedFrame?

    init(
        _ model: Model.Type, config: Model.Config, store: LedgerStore, startFrame: Int,
        previousHash: Digest32, untilFrame: Int?, lastCheckpoint: Int?, checksPayloads: Bool,
        comparesStates: Bool = true
    ) throws(LedgerError) {
        self.comparesStates = comparesStates
        self.config = config
        self.store = store
        nextFrame = startFrame
        self.previousHash = previousHash
        self.untilFrame = untilFrame
        self.lastCheckpoint = lastCheckpoint
        self.checksPayloads = checksPayloads
        storedFrameCount = try store.frameCount()
        hashesInBackground = !checksPayloads
        if hashesInBackground { storedHashes = try store.allFrameHashes() }
    }

    /// The divergence a replay that stopped with `error` ends with: a `Stop`'s own or, for any
    /// other error, a mismatch the background hashing had already found (the real first
    /// difference, which the engine had not yet been told of); otherwise rethrows `error`.
    func divergence(endingWith error: any Error) throws -> Divergence {
        if let stop = error as? Stop { return stop.divergence }
        do {
            try settle()
        } catch let stop as Stop {
            return stop.divergence
        }
        throw error
    }

    /// Waits for queued hashing; throws the divergence of the first mismatching frame.
    func settle() throws {
        guard hashesInBackground else { return }
        hashQueue.sync {}
        try throwIfMismatched()
    }

    func throwIfMismatched() throws {
        guard let frame = lock.withLock({ mismatch }) else { return }
        hashQueue.sync {}
        throw Stop(divergence: try locate(frame, stored: try store.frame(at: frame.index)))
    }

    func seal(_ frame: SealedFrame) throws {
        if hashesInBackground {
            try throwIfMismatched()
            let size = frame.bytes.count
            backlog.enter(size: size)
            hashQueue.async { [self] in
                defer { backlog.leave(size: size) }
                guard lock.withLock({ mismatch == nil }) else { return }
                let hash = FrameChain.hash(
                    previous: previousHash, frameIndex: UInt64(frame.index),
                    firstSequence: frame.firstSequence, eventCount: UInt64(frame.eventCount),
                    bytes: frame.bytes)
                if frame.index < storedHashes.count && storedHashes[frame.index] == hash {
                    previousHash = hash
                    frames += 1
                    events += UInt64(frame.eventCount)
                } else {
                    lock.withLock { mismatch = frame }
                }
            }
            nextFrame = frame.index + 1
            if let untilFrame, nextFrame >= untilFrame { reachedEnd = true }
            return
        }
        let hash = FrameChain.hash(
            previous: previousHash, frameIndex: UInt64(frame.index),
            firstSequence: frame.firstSequence,
            eventCount: UInt64(frame.eventCount), bytes: frame.bytes)
        if try store.frameHash(at: frame.index) != hash {
            throw Stop(divergence: try locate(frame, stored: try store.frame(at: frame.index)))
        }
        if checksPayloads, let stored = try store.frame(at: frame.index),
            try decompressor.decompress(stored.payload, expectedSize: stored.rawSize) != frame.bytes
        {
            throw LedgerError.corrupt(
                path: store.path, location: "frame \(frame.index)",
                reason: "payload does not match its hash")
        }
        previousHash = hash
        nextFrame = frame.index + 1
        frames += 1
        events += UInt64(frame.eventCount)
        if let untilFrame, nextFrame >= untilFrame { reachedEnd = true }
    }

    func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        try settle()
        guard comparesStates,
            let stored = try store.checkpointIndex().first(where: {
                $0.frameCount == checkpoint.frameCount
            })
        else { return }
        checkpointsCompared += 1
        let digest = checkpoint.stateDigest
        if digest != stored.stateDigest {
            throw Stop(
                divergence: Divergence(
                    sequence: nil, frame: checkpoint.frameCount - 1, expected: nil, actual: nil,
                    checkpoint: (checkpoint.frameCount, stored.stateDigest, digest),
                    lastMatchingCheckpoint: lastCheckpoint,
                    segmentsRerun: 0))
        }
        lastCheckpoint = checkpoint.frameCount
    }

    /// The replay needed more than the recording holds (an outside decision it did not
    /// record): the divergence is where the recording ends.
    func recordingEnded() throws -> Divergence {
        try settle()
        return Divergence(
            sequence: events, frame: nextFrame, expected: nil,
            actual: RenderedEvent(
                kindName: "(an outside decision)", headline: "-", agent: nil,
                fields: [EventField("note", .text("not recorded: the recording ends before it"))]),
            checkpoint: nil, lastMatchingCheckpoint: lastCheckpoint, segmentsRerun: 0)
    }

    /// After the engine stopped: the recording must not hold more frames.
    func finish(engineFinished: Bool) throws {
        try settle()
        guard engineFinished, !reachedEnd else { return }
        if nextFrame < storedFrameCount, let stored = try store.frame(at: nextFrame) {
            let recorded = try decode(stored)
            throw Stop(
                divergence: Divergence(
                    sequence: stored.firstSequence, frame: nextFrame,
                    expected: render(recorded.first), actual: nil, checkpoint: nil,
                    lastMatchingCheckpoint: lastCheckpoint, segmentsRerun: 0))
        }
    }

    func decode(_ record: FrameRecord) throws -> [Model.Event] {
        let bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
        return try Model.Event.decodeEvents(bytes)
    }

    func render(_ event: Model.Event?) -> RenderedEvent? {
        event.map { RenderedEvent($0, model: Model.self, config: config) }
    }

    /// The first differing event between a replayed frame and the stored one.
    func locate(_ frame: SealedFrame, stored: FrameRecord?) throws -> Divergence {
        let replayed = try Model.Event.decodeEvents(frame.bytes)
        var recorded: [Model.Event] = []
        if let stored { recorded = try decode(stored) }
        var index = 0
        while index < replayed.count && index < recorded.count && replayed[index] == recorded[index]
        { index += 1 }
        // Equal events but a different hash: the stored frame differs beyond the replayed one.
        let sequence = frame.firstSequence + UInt64(index)
        return Divergence(
            sequence: sequence, frame: frame.index,
            expected: render(index < recorded.count ? recorded[index] : nil),
            actual: render(index < replayed.count ? replayed[index] : nil), checkpoint: nil,
            lastMatchingCheckpoint: lastCheckpoint,
            segmentsRerun: 0)
    }
}
