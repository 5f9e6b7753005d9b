import RTBCore
import RTBTrace

/// Computes the run digest (the frame chain's head hash) in memory, exactly as the recorder
/// would, without a ledger; forwards frames. Also hashes fixed-size chunks of events so golden
/// files can locate a divergence.
public final class ChainHashingSink: FrameSink {
    public private(set) var headHash: Digest32
    let next: FrameSink?
    /// Events per chunk of `chunkHashes`; nil hashes no chunks (and decodes nothing).
    public let chunkEvents: Int?
    /// The first 8 bytes (hex) of SHA-256 over each chunk's canonical event bytes.
    public private(set) var chunkHashes: [String] = []
    var chunk: [UInt8] = []
    var chunkCount = 0
    /// Walks over one encoded event of the model (by decoding it).
    let skip: (inout CanonicalReader) throws -> Void

    public init<Model: SimulationModel>(
        _ model: Model.Type, header: RunHeader, chunkEvents: Int? = 256,
        forwardingTo next: FrameSink? = nil
    ) {
        headHash = header.genesisHash
        self.next = next
        self.chunkEvents = chunkEvents
        skip = { reader in _ = try Model.Event.decode(from: &reader) }
    }

    public func seal(_ frame: SealedFrame) throws {
        headHash = FrameChain.hash(
            previous: headHash, frameIndex: UInt64(frame.index), firstSequence: frame.firstSequence,
            eventCount: UInt64(frame.eventCount), bytes: frame.bytes)
        if let chunkEvents { try addToChunks(frame, chunkEvents: chunkEvents) }
        try next?.seal(frame)
    }

    func addToChunks(_ frame: SealedFrame, chunkEvents: Int) throws {
        var reader = CanonicalReader(frame.bytes)
        while !reader.isAtEnd {
            let start = reader.offset
            try skip(&reader)
            chunk.append(contentsOf: frame.bytes[start..<reader.offset])
            chunkCount += 1
            if chunkCount == chunkEvents { closeChunk() }
        }
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        try next?.checkpoint(checkpoint)
    }

    /// Hashes the last partial chunk (call once at the end).
    public func finish() {
        if chunkCount > 0 { closeChunk() }
    }

    func closeChunk() {
        chunkHashes.append(String(Sha256.hash(chunk).hex.prefix(16)))
        chunk.removeAll(keepingCapacity: true)
        chunkCount = 0
    }
}
