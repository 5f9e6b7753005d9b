import RTBCore

/// The hash chain over frames.
///
/// `frameHash = SHA-256(previousHash (32 bytes) || frameIndex u64 LE || firstSequence u64 LE
/// || eventCount u64 LE || raw canonical event bytes)`. The first frame's previous hash is the
/// genesis hash, `SHA-256(header bytes)`. Compression never enters a hash.
public enum FrameChain {
    /// The hash of one frame.
    public static func hash(
        previous: Digest32, frameIndex: UInt64, firstSequence: UInt64, eventCount: UInt64,
        bytes: UnsafeRawBufferPointer
    ) -> Digest32 {
        var hasher = Sha256()
        hasher.update(digest: previous)
        hasher.update(u64: frameIndex)
        hasher.update(u64: firstSequence)
        hasher.update(u64: eventCount)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Array convenience.
    public static func hash(
        previous: Digest32, frameIndex: UInt64, firstSequence: UInt64, eventCount: UInt64,
        bytes: [UInt8]
    ) -> Digest32 {
        bytes.withUnsafeBytes {
            hash(
                previous: previous, frameIndex: frameIndex, firstSequence: firstSequence,
                eventCount: eventCount, bytes: $0)
        }
    }
}
