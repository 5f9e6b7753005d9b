import RTBCore

/// The genesis entry of a ledger: what produced the run.
///
/// Canonical bytes, format 1 (the RTB and scale markets, whose ledgers predate model names):
/// the ASCII magic "RTBV-LEDGER" (varint length + bytes), format version (varint), engine
/// version (string), event schema version (varint), config (byte string), frame target bytes
/// (varint), checkpoint interval in frames (varint).
///
/// Format 2 (every other model) inserts the model's name (string) and version (varint) after
/// the engine version; the rest is the same.
public struct RunHeader: Equatable, Sendable {
    public static let magic = "RTBV-LEDGER"
    /// Formats this build reads and writes.
    public static let supportedFormats: ClosedRange<UInt32> = 1...2

    public var formatVersion: UInt32
    public var engineVersion: String
    /// The model (format 2); nil in format 1, where the config bytes imply it.
    public var model: ModelIdentity?
    public var eventSchemaVersion: UInt32
    public var config: [UInt8]
    public var frameTargetBytes: Int
    public var checkpointEveryFrames: Int

    public init(
        formatVersion: UInt32 = 1, engineVersion: String = BuildInfo.engineVersion,
        model: ModelIdentity? = nil,
        eventSchemaVersion: UInt32 = BuildInfo.eventSchemaVersion, config: [UInt8],
        frameTargetBytes: Int,
        checkpointEveryFrames: Int
    ) {
        self.formatVersion = formatVersion
        self.engineVersion = engineVersion
        self.model = model
        self.eventSchemaVersion = eventSchemaVersion
        self.config = config
        self.frameTargetBytes = frameTargetBytes
        self.checkpointEveryFrames = checkpointEveryFrames
    }

    /// The checkpoint interval written for a model that takes no checkpoints.
    public static let noCheckpoints = 1 << 30

    /// The header of a new run of `model`: format 1 without a model name for the legacy
    /// models, format 2 naming it otherwise.
    public static func of<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, layout: FrameLayout
    ) -> RunHeader {
        let legacy = Model.ledgerFormat == 1
        return RunHeader(
            formatVersion: legacy ? 1 : 2, model: legacy ? nil : Model.identity,
            eventSchemaVersion: Model.eventSchemaVersion, config: Model.encodeConfig(config),
            frameTargetBytes: layout.frameTargetBytes,
            checkpointEveryFrames: Model.takesCheckpoints
                ? layout.checkpointEveryFrames : noCheckpoints)
    }

    /// Frame size and checkpoint interval.
    public var layout: FrameLayout {
        FrameLayout(
            frameTargetBytes: frameTargetBytes, checkpointEveryFrames: checkpointEveryFrames)
    }

    /// The canonical bytes.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.string(Self.magic)
        writer.varint(UInt64(formatVersion))
        writer.string(engineVersion)
        if formatVersion >= 2 {
            precondition(model != nil, "a format 2 header names its model")
            writer.string(model!.name)
            writer.varint(UInt64(model!.version))
        }
        writer.varint(UInt64(eventSchemaVersion))
        writer.byteString(config)
        writer.varint(frameTargetBytes)
        writer.varint(checkpointEveryFrames)
        return writer.bytes
    }

    /// The previous hash of frame 0.
    public var genesisHash: Digest32 { Sha256.hash(canonicalBytes) }

    /// Reads header bytes; throws on a wrong magic, an unknown format, trailing bytes or
    /// malformed fields.
    public init(canonical bytes: [UInt8]) throws(HeaderError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.string() == Self.magic else { throw HeaderError.badMagic }
            let version = try reader.varint()
            guard version <= UInt64(UInt32.max), Self.supportedFormats.contains(UInt32(version))
            else {
                throw HeaderError.unsupportedFormat(version)
            }
            formatVersion = UInt32(version)
            engineVersion = try reader.string()
            if formatVersion >= 2 {
                let name = try reader.string()
                let modelVersion = try reader.varint()
                guard !name.isEmpty, modelVersion <= UInt64(UInt32.max) else {
                    throw HeaderError.malformed("model name or version")
                }
                model = ModelIdentity(name: name, version: UInt32(modelVersion))
            } else {
                model = nil
            }
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
    case unsupportedFormat(UInt64)
    case malformed(String)

    public var description: String {
        switch self {
        case .badMagic: return "header magic is not \(RunHeader.magic)"
        case .unsupportedFormat(let version):
            return "ledger format \(version) (this build reads formats 1 and 2)"
        case .malformed(let reason): return "malformed header: \(reason)"
        }
    }
}
