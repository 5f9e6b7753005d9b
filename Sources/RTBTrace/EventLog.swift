import RTBCore

/// A run's output buffer, the same for every model: assigns sequence numbers, collects the
/// canonical bytes the model writes, seals frames at step boundaries and keeps the model's
/// digest (every event but those the model excludes, such as kill records).
public struct EventLog: Sendable {
    @usableFromInline var pendingWriter = CanonicalWriter(capacity: 1 << 16)
    @usableFromInline var pendingEvents = 0
    @usableFromInline var next: UInt64 = 0
    /// Canonical bytes of events not yet sealed.
    public var pending: CanonicalWriter { pendingWriter }
    /// Events not yet sealed.
    public var pendingCount: Int { pendingEvents }
    /// Bytes not yet sealed.
    @inlinable public var pendingBytesCount: Int { pendingWriter.bytes.count }
    /// Sequence number of the next event.
    public var nextSequence: UInt64 { next }
    /// Frames sealed so far.
    public private(set) var framesSealed = 0
    /// A frame is sealed at the first step boundary where this many bytes are pending.
    public let frameTargetBytes: Int
    /// Test-only: events the model writes changed.
    public let perturbation: Perturbation?
    /// Byte ranges of pending events excluded from the digest.
    @usableFromInline var excludedRanges: [Range<Int>] = []
    /// Digest of the included events sealed so far (resumable).
    public private(set) var market = ChunkedDigest()

    public init(frameTargetBytes: Int, perturbation: Perturbation? = nil) {
        precondition(frameTargetBytes > 0, "frame target must be positive")
        self.frameTargetBytes = frameTargetBytes
        self.perturbation = perturbation
    }

    /// Sequence number of the first pending event.
    public var firstPendingSequence: UInt64 { nextSequence - UInt64(pendingCount) }

    /// Appends one event: `write` encodes it (changed when its second argument, "perturbed",
    /// is true). Returns its sequence number.
    @inlinable
    @discardableResult
    public mutating func append(
        excludedFromDigest: Bool = false, _ write: (inout CanonicalWriter, Bool) -> Void
    ) -> UInt64 {
        let start = pendingWriter.bytes.count
        write(&pendingWriter, perturbation?.affects(next) == true)
        if excludedFromDigest { excludedRanges.append(start..<pendingWriter.bytes.count) }
        pendingEvents += 1
        next += 1
        return next - 1
    }

    /// The pending bytes, for readers of the shared ledger.
    public var pendingBytes: [UInt8] { pending.bytes }

    /// Seals the pending events into a frame if the target size is reached (or `force`).
    public mutating func sealIfDue(force: Bool = false) -> SealedFrame? {
        guard pendingCount > 0, force || pending.bytes.count >= frameTargetBytes else { return nil }
        let bytes = pending.bytes
        var cursor = 0
        bytes.withUnsafeBytes { buffer in
            for range in excludedRanges {
                market.update(UnsafeRawBufferPointer(rebasing: buffer[cursor..<range.lowerBound]))
                cursor = range.upperBound
            }
            market.update(UnsafeRawBufferPointer(rebasing: buffer[cursor...]))
        }
        excludedRanges.removeAll(keepingCapacity: true)
        let frame = SealedFrame(
            index: framesSealed, firstSequence: firstPendingSequence, eventCount: pendingCount,
            bytes: bytes)
        framesSealed += 1
        pendingEvents = 0
        pendingWriter.bytes.removeAll(keepingCapacity: true)
        return frame
    }

    /// A model's step end: seals a due frame (every pending event when `force`) into `sink`, and
    /// answers whether a checkpoint is due after it (every `checkpointEvery` frames, and at the
    /// end of the run).
    public mutating func seal(
        into sink: FrameSink, checkpointEvery: Int, force: Bool, finished: Bool
    ) throws -> Bool {
        guard let frame = sealIfDue(force: force) else { return false }
        try sink.seal(frame)
        return framesSealed % checkpointEvery == 0 || finished
    }

    /// Digest of every sealed event except the excluded ones.
    public var marketDigest: Digest32 { market.finalize() }

    /// Restores the position after a checkpoint (nothing pending).
    public mutating func restore(nextSequence: UInt64, framesSealed: Int, market: ChunkedDigest) {
        precondition(pendingCount == 0, "restore with pending events")
        self.next = nextSequence
        self.framesSealed = framesSealed
        self.market = market
    }

    /// The log's position for a checkpoint: next sequence, frames sealed and the digest state.
    public func encodePosition(into writer: inout CanonicalWriter) {
        precondition(pendingCount == 0, "checkpoint with pending events")
        writer.varint(nextSequence)
        writer.varint(framesSealed)
        writer.digest(market.chain)
        writer.byteString(market.tail)
        writer.varint(market.totalBytes)
    }

    /// Restores a position written by `encodePosition`, checking it against the checkpoint's
    /// own frame count and next sequence.
    public mutating func restorePosition(
        from reader: inout CanonicalReader, checkpoint: EngineCheckpoint
    ) throws(CanonicalError) {
        let nextSequence = try reader.varint()
        let framesSealed = try reader.int()
        let chain = try reader.digest()
        let tail = try reader.byteString()
        let totalBytes = try reader.varint()
        guard let market = ChunkedDigest(chain: chain, tail: tail, totalBytes: totalBytes),
            nextSequence == checkpoint.nextSequence, framesSealed == checkpoint.frameCount
        else {
            throw .valueOutOfRange(offset: 0, value: nextSequence, limit: checkpoint.nextSequence)
        }
        restore(nextSequence: nextSequence, framesSealed: framesSealed, market: market)
    }
}

/// An event with a tick and its canonical encoding (every generated `varint-kind` event type).
public protocol TickedEvent {
    var tick: Int64 { get set }
    func encode(into writer: inout CanonicalWriter)
}

extension EventLog {
    /// Appends `event`; a perturbed one (a test's planted divergence) is written a tick later.
    /// Returns its sequence number.
    @inlinable
    @discardableResult
    public mutating func append<Event: TickedEvent>(
        _ event: Event, excludedFromDigest: Bool = false
    )
        -> UInt64
    {
        append(excludedFromDigest: excludedFromDigest) { writer, perturbed in
            var written = event
            if perturbed { written.tick += 1 }
            written.encode(into: &writer)
        }
    }
}
