import RTBCore
import RTBEvents

/// A contiguous run of events, sealed at a step boundary: the unit of hashing and storage.
public struct SealedFrame: Sendable, Equatable {
    /// 0-based frame number.
    public var index: Int
    /// Sequence number of the first event.
    public var firstSequence: UInt64
    /// Events in the frame.
    public var eventCount: Int
    /// Canonical bytes of the events, concatenated.
    public var bytes: [UInt8]

    public init(index: Int, firstSequence: UInt64, eventCount: Int, bytes: [UInt8]) {
        self.index = index
        self.firstSequence = firstSequence
        self.eventCount = eventCount
        self.bytes = bytes
    }

    /// One past the last event's sequence number.
    public var endSequence: UInt64 { firstSequence + UInt64(eventCount) }
}

/// Where the engine's frames and checkpoints go (a ledger recorder, a replay comparator, a
/// checker, or nothing).
public protocol FrameSink: AnyObject {
    /// Receives every frame, in order.
    func seal(_ frame: SealedFrame) throws
    /// Receives a checkpoint taken right after frame `checkpoint.frameCount - 1`.
    func checkpoint(_ checkpoint: EngineCheckpoint) throws
}

/// Read access to what has been recorded so far (scenario C agents rebuild from it).
public protocol SharedLedgerReader: AnyObject {
    /// Sealed frames whose events include or follow `sequence`, in order.
    func sealedFrames(from sequence: UInt64) throws -> [SealedFrame]
}

/// A sink that keeps nothing: the baseline for recording overhead.
public final class NullSink: FrameSink {
    public private(set) var frames = 0
    public private(set) var events: UInt64 = 0

    public init() {}

    public func seal(_ frame: SealedFrame) throws {
        frames += 1
        events += UInt64(frame.eventCount)
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {}
}

/// Keeps sealed frames in memory: the shared ledger of a run that records nowhere, and of tests.
public final class MemoryFrameStore: FrameSink, SharedLedgerReader {
    public private(set) var frames: [SealedFrame] = []
    public private(set) var checkpoints: [EngineCheckpoint] = []
    /// Forward frames to this sink as well.
    let next: FrameSink?

    public init(forwardingTo next: FrameSink? = nil) {
        self.next = next
    }

    public func seal(_ frame: SealedFrame) throws {
        frames.append(frame)
        try next?.seal(frame)
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        checkpoints.append(checkpoint)
        try next?.checkpoint(checkpoint)
    }

    public func sealedFrames(from sequence: UInt64) throws -> [SealedFrame] {
        var low = 0
        var high = frames.count
        while low < high {
            let middle = (low + high) / 2
            if frames[middle].endSequence <= sequence { low = middle + 1 } else { high = middle }
        }
        return Array(frames[low...])
    }

    /// Every event recorded, decoded.
    public func allEvents() throws -> [MarketEvent] {
        var events: [MarketEvent] = []
        for frame in frames { events += try MarketEvent.decodeAll(frame.bytes) }
        return events
    }
}

/// A planted divergence (tests and benchmarks only; never recorded in a ledger).
public enum Perturbation: Equatable, Sendable {
    /// Only the event with this sequence number is written with its tick plus one.
    case event(UInt64)
    /// Every event from this sequence number on is (a persistent change of behaviour).
    case from(UInt64)

    func affects(_ sequence: UInt64) -> Bool {
        switch self {
        case .event(let target): return sequence == target
        case .from(let start): return sequence >= start
        }
    }
}

/// Deliberately broken behaviours (tests only; never recorded): each must be flagged by
/// `rtb-verify check`, proving the checker can fail.
public enum Canary: String, CaseIterable, Sendable {
    /// The first exchange deal is paid its campaign's whole budget on top of its cost.
    case overspend
    /// The first exchange auction with a winner charges one cent above the winning bid.
    case chargeAboveBid
    /// Exchange fees are truncated instead of rounded half to even.
    case feeRounding
    /// The delivery event of the first exchange deal is never emitted.
    case dropEvent
    /// Equal bids go to the last bidder instead of the first.
    case flipTieBreak
    /// Scenario C recovery forgets the first open order it rebuilt from the ledger.
    case brokenRecovery
}

/// The engine's output buffer: assigns sequence numbers, encodes canonically, seals frames at
/// step boundaries and keeps the market digest (every event but kill records).
public struct EventLog: Sendable {
    /// Canonical bytes of events not yet sealed.
    public private(set) var pending = CanonicalWriter(capacity: 1 << 16)
    /// Events not yet sealed.
    public private(set) var pendingCount = 0
    /// Sequence number of the next event.
    public private(set) var nextSequence: UInt64 = 0
    /// Frames sealed so far.
    public private(set) var framesSealed = 0
    /// A frame is sealed at the first step boundary where this many bytes are pending.
    public let frameTargetBytes: Int
    /// Test-only: events written with their tick plus one.
    let perturbation: Perturbation?
    /// Byte ranges of pending kill-related events, excluded from the market digest.
    var excludedRanges: [Range<Int>] = []
    /// Digest of the market events sealed so far (resumable).
    public private(set) var market = ChunkedDigest()

    public init(frameTargetBytes: Int, perturbation: Perturbation? = nil) {
        precondition(frameTargetBytes > 0, "frame target must be positive")
        self.frameTargetBytes = frameTargetBytes
        self.perturbation = perturbation
    }

    /// Sequence number of the first pending event.
    public var firstPendingSequence: UInt64 { nextSequence - UInt64(pendingCount) }

    /// Appends one event and returns its sequence number.
    @discardableResult
    public mutating func append(_ event: MarketEvent, excludedFromMarketDigest: Bool = false)
        -> UInt64
    {
        let start = pending.bytes.count
        if perturbation?.affects(nextSequence) == true {
            var changed = event
            changed.tick += 1
            changed.encode(into: &pending)
        } else {
            event.encode(into: &pending)
        }
        if excludedFromMarketDigest { excludedRanges.append(start..<pending.bytes.count) }
        pendingCount += 1
        nextSequence += 1
        return nextSequence - 1
    }

    /// Appends bytes that a fast path already encoded as one event.
    public mutating func appendEncoded(_ write: (inout CanonicalWriter) -> Void) {
        if perturbation?.affects(nextSequence) == true {
            var scratch = CanonicalWriter(capacity: 64)
            write(&scratch)
            guard var event = try? MarketEvent.decodeAll(scratch.bytes).first else {
                preconditionFailure("fast-path encoder wrote an undecodable event")
            }
            event.tick += 1
            event.encode(into: &pending)
        } else {
            write(&pending)
        }
        pendingCount += 1
        nextSequence += 1
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
        pendingCount = 0
        pending.bytes.removeAll(keepingCapacity: true)
        return frame
    }

    /// Digest of every sealed event except kill and kill-recovery records.
    public var marketDigest: Digest32 { market.finalize() }

    /// Restores the position after a checkpoint (nothing pending).
    public mutating func restore(nextSequence: UInt64, framesSealed: Int, market: ChunkedDigest) {
        precondition(pendingCount == 0, "restore with pending events")
        self.nextSequence = nextSequence
        self.framesSealed = framesSealed
        self.market = market
    }
}
