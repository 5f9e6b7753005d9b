/// A SHA-256 based digest of a byte stream whose state can be saved and restored.
///
/// The stream is cut into 64 KiB chunks by byte count (independent of how it was fed):
/// `chain_0 = 32 zero bytes`, `chain_i = SHA-256(chain_(i-1) || chunk_i)`, and the final digest
/// is `SHA-256(chain_n || tail || total length as u64 little-endian)`. Swift-crypto's hasher
/// cannot be serialised; this can, so checkpoints resume it exactly.
public struct ChunkedDigest: Sendable, Equatable {
    /// Chunk size in bytes.
    public static let chunkBytes = 1 << 16
    /// The chain value after the last full chunk.
    public private(set) var chain = Digest32.zero
    /// Bytes fed since the last full chunk (fewer than `chunkBytes`).
    public private(set) var tail: [UInt8] = []
    /// Total bytes fed.
    public private(set) var totalBytes: UInt64 = 0

    public init() {}

    /// Resumes from saved parts.
    public init?(chain: Digest32, tail: [UInt8], totalBytes: UInt64) {
        guard tail.count < Self.chunkBytes, UInt64(tail.count) <= totalBytes else { return nil }
        self.chain = chain
        self.tail = tail
        self.totalBytes = totalBytes
    }

    /// Feeds raw bytes.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        totalBytes += UInt64(buffer.count)
        var rest = buffer[...]
        while !rest.isEmpty {
            let take = min(Self.chunkBytes - tail.count, rest.count)
            if tail.isEmpty && take == Self.chunkBytes {
                fold(UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
            } else {
                tail.append(contentsOf: rest.prefix(take))
                if tail.count == Self.chunkBytes {
                    let chunk = tail
                    tail.removeAll(keepingCapacity: true)
                    chunk.withUnsafeBytes { fold($0) }
                }
            }
            rest = rest.dropFirst(take)
        }
    }

    /// Feeds a byte array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    private mutating func fold(_ chunk: UnsafeRawBufferPointer) {
        var hasher = Sha256()
        hasher.update(digest: chain)
        hasher.update(chunk)
        chain = hasher.finalize()
    }

    /// The digest of everything fed so far.
    public func finalize() -> Digest32 {
        var hasher = Sha256()
        hasher.update(digest: chain)
        hasher.update(tail)
        hasher.update(u64: totalBytes)
        return hasher.finalize()
    }
}
