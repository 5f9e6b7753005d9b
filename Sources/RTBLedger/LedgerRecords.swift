import RTBCore

/// One stored frame row.
public struct FrameRecord: Equatable, Sendable {
    public var index: Int
    public var firstSequence: UInt64
    public var eventCount: Int
    public var rawSize: Int
    public var previousHash: Digest32
    public var hash: Digest32
    /// 1 = zstd.
    public var codec: Int
    public var payload: [UInt8]

    public init(
        index: Int, firstSequence: UInt64, eventCount: Int, rawSize: Int, previousHash: Digest32,
        hash: Digest32, codec: Int = 1, payload: [UInt8]
    ) {
        self.index = index
        self.firstSequence = firstSequence
        self.eventCount = eventCount
        self.rawSize = rawSize
        self.previousHash = previousHash
        self.hash = hash
        self.codec = codec
        self.payload = payload
    }
}

/// One stored checkpoint row.
public struct CheckpointRecord: Equatable, Sendable {
    public var frameCount: Int
    public var nextSequence: UInt64
    public var frameHash: Digest32
    public var stateSize: Int
    public var stateDigest: Digest32
    public var codec: Int
    public var payload: [UInt8]

    public init(
        frameCount: Int, nextSequence: UInt64, frameHash: Digest32, stateSize: Int,
        stateDigest: Digest32,
        codec: Int = 1, payload: [UInt8]
    ) {
        self.frameCount = frameCount
        self.nextSequence = nextSequence
        self.frameHash = frameHash
        self.stateSize = stateSize
        self.stateDigest = stateDigest
        self.codec = codec
        self.payload = payload
    }
}

/// The head row: how far the ledger got and its digest.
public struct HeadRecord: Equatable, Sendable {
    public var frameCount: Int
    public var eventCount: UInt64
    public var headHash: Digest32
    public var finished: Bool
    public var marketDigest: Digest32?

    public init(
        frameCount: Int, eventCount: UInt64, headHash: Digest32, finished: Bool,
        marketDigest: Digest32?
    ) {
        self.frameCount = frameCount
        self.eventCount = eventCount
        self.headHash = headHash
        self.finished = finished
        self.marketDigest = marketDigest
    }
}

/// One measurement row: a wall-clock or cost figure about event `sequence` (a decision's
/// latency, say). Measurements are data about a run, not part of it: no hash or digest covers
/// them, and a replay never reads them.
public struct MeasurementRecord: Equatable, Sendable {
    public var sequence: UInt64
    public var name: String
    public var value: Double
    public var unit: String

    public init(sequence: UInt64, name: String, value: Double, unit: String) {
        self.sequence = sequence
        self.name = name
        self.value = value
        self.unit = unit
    }
}
