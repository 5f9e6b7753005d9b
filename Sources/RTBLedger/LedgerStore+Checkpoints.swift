import RTBCore
import RTBTrace

/// A stored checkpoint, decompressed and checked against its digest.
public struct LoadedCheckpoint: Sendable {
    /// The state to restore.
    public var checkpoint: EngineCheckpoint
    /// The hash of the frame it follows (the chain continues from it).
    public var frameHash: Digest32
}

extension LedgerStore {
    /// The checkpoint taken after `frameCount` frames, decompressed and checked against its
    /// state digest; nil when there is none. The one loader resume and replay share.
    public func loadCheckpoint(frameCount: Int) throws -> LoadedCheckpoint? {
        guard let record = try checkpoint(frameCount: frameCount) else { return nil }
        let location = "checkpoint after frame \(frameCount - 1)"
        let state: [UInt8]
        do {
            state = try ZstdDecompressor().decompress(
                record.payload, expectedSize: record.stateSize, limit: 1 << 30)
        } catch {
            throw LedgerError.corrupt(path: path, location: location, reason: "payload: \(error)")
        }
        guard Sha256.hash(state) == record.stateDigest else {
            throw LedgerError.corrupt(path: path, location: location, reason: "state digest mismatch")
        }
        return LoadedCheckpoint(
            checkpoint: EngineCheckpoint(
                frameCount: record.frameCount, nextSequence: record.nextSequence, state: state),
            frameHash: record.frameHash)
    }
}
