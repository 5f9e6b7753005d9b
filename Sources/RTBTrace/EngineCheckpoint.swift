import RTBCore

/// The engine's full state at a frame boundary: enough to continue the run exactly.
public struct EngineCheckpoint: Sendable, Equatable {
    /// Frames sealed before this checkpoint (it follows frame `frameCount - 1`).
    public var frameCount: Int
    /// Sequence number of the next event.
    public var nextSequence: UInt64
    /// Canonical bytes of the engine state (docs/ledger-format.md, checkpoints).
    public var state: [UInt8]

    public init(frameCount: Int, nextSequence: UInt64, state: [UInt8]) {
        self.frameCount = frameCount
        self.nextSequence = nextSequence
        self.state = state
    }

    /// SHA-256 of the state bytes.
    public var stateDigest: Digest32 { Sha256.hash(state) }
}
