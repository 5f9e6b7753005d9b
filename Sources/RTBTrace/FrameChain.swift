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

/// The genesis entry of a ledger: what produced the run.
///
/// Canonical bytes: the ASCII magic "RTBV-LEDGER" (varint length + bytes), format version
/// (varint), engine version (string), event schema version (varint), config (byte string:
/// the canonical MarketConfig), frame target bytes (varint), checkpoint interval in frames
/// (varint).
public struct RunHeader: Equatable, Sendable {
    public static let magic = "RTBV-LEDGER"

    public var formatVersion: UInt32
    public var engineVersion: String
    public var eventSchemaVersion: UInt32
    public var config: [UInt8]
    public var frameTargetBytes: Int
    public var checkpointEveryFrames: Int

    public init(
        formatVersion: UInt32 = BuildInfo.ledgerFormatVersion,
        engineVersion: String = BuildInfo.engineVersion,
        eventSchemaVersion: UInt32 = BuildInfo.eventSchemaVersion, config: [UInt8],
        frameTargetBytes: Int,
        checkpointEveryFrames: Int
    ) {
        self.formatVersion = formatVersion
        self.engineVersion = engineVersion
        self.eventSchemaVersion = eventSchemaVersion
        self.config = config
        self.frameTargetBytes = frameTargetBytes
        self.checkpointEveryFrames = checkpointEveryFrames
    }

    /// The canonical bytes.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.string(Self.magic)
        writer.varint(UInt64(formatVersion))
        writer.string(engineVersion)
        writer.varint(UInt64(eventSchemaVersion))
        writer.byteString(config)
        writer.varint(frameTargetBytes)
        writer.varint(checkpointEveryFrames)
        return writer.bytes
    }

    /// The previous hash of frame 0.
    public var genesisHash: Digest32 { Sha256.hash(canonicalBytes) }

    /// Reads header bytes; throws on a wrong magic, trailing bytes or malformed fields.
    public init(canonical bytes: [UInt8]) throws(HeaderError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.string() == Self.magic else { throw HeaderError.badMagic }
            let version = try reader.varint()
            guard version <= UInt64(UInt32.max) else {
                throw HeaderError.malformed("format version")
            }
            formatVersion = UInt32(version)
            engineVersion = try reader.string()
            let schema = try reader.varint()
            guard schema <= UInt64(UInt32.max) else {
                throw HeaderError.malformed("event schema version")
            }
            eventSchemaVersion = UInt32(schema)
            config = try reader.byteString()
            frameTargetBytes = try reader.count(limit: 1 << 26)
            checkpointEveryFrames = try reader.count(limit: 1 << 30)
            guard frameTargetBytes > 0, checkpointEveryFrames > 0 else {
                throw HeaderError.malformed("zero frame size")
            }
            try reader.expectEnd()
        } catch let error as HeaderError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }
}

/// Why header bytes are not a run header.
public enum HeaderError: Error, Equatable, CustomStringConvertible {
    case badMagic
    case malformed(String)

    public var description: String {
        switch self {
        case .badMagic: return "header magic is not \(RunHeader.magic)"
        case .malformed(let reason): return "malformed header: \(reason)"
        }
    }
}
