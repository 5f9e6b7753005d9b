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

/// Where a run's frames and checkpoints go (a ledger recorder, a replay comparator, a checker,
/// or nothing).
public protocol FrameSink: AnyObject {
    /// Receives every frame, in order.
    func seal(_ frame: SealedFrame) throws
    /// Receives a checkpoint taken right after frame `checkpoint.frameCount - 1`.
    func checkpoint(_ checkpoint: EngineCheckpoint) throws
}

/// Read access to what has been recorded so far (agents that rebuild from the shared ledger
/// read through it; what they read never depends on when frames reach the disk).
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
}

/// Sends every frame and checkpoint to two sinks, in order.
public final class TeeSink: FrameSink {
    let first: FrameSink
    let second: FrameSink

    public init(_ first: FrameSink, _ second: FrameSink) {
        self.first = first
        self.second = second
    }

    public func seal(_ frame: SealedFrame) throws {
        try first.seal(frame)
        try second.seal(frame)
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        try first.checkpoint(checkpoint)
        try second.checkpoint(checkpoint)
    }
}
