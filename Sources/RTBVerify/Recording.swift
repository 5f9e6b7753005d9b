import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace

/// What a finished run produced.
public struct RunOutcome: Sendable {
    public var config: MarketConfig
    public var metrics: [ScenarioMetrics]
    public var events: UInt64
    public var frames: Int
    public var rawBytes: Int64
    /// The run digest: the head hash of the frame chain (nil when nothing was recorded).
    public var runDigest: Digest32?
    public var marketDigest: Digest32
    public var bytesOnDisk: Int64?
    /// Resuming: committed frames whose chain was verified, and those re-derived by the engine
    /// from the last checkpoint and compared with the stored ones.
    public var framesVerifiedOnResume: Int = 0
    public var framesRederivedOnResume: Int = 0
}

/// Runs the market into a ledger, into memory, or into nothing.
public enum Recording {
    /// Records a new run into `path` (refuses an existing file).
    public static func record(
        config: MarketConfig, path: String, options: EngineOptions = EngineOptions(),
        zstdLevel: Int32 = ZstdCompressor.defaultLevel, durable: Bool = false,
        fault: LedgerFault? = nil, alsoTo extra: FrameSink? = nil,
        observer: ((MarketEngine) -> Void)? = nil
    ) throws -> RunOutcome {
        let header = RunHeader(
            config: config.canonicalBytes, frameTargetBytes: options.frameTargetBytes,
            checkpointEveryFrames: options.checkpointEveryFrames)
        let store = try LedgerStore.create(path: path, header: header, durable: durable)
        store.fault = fault
        let recorder = LedgerRecorder(store: store, zstdLevel: zstdLevel)
        let sink: FrameSink = extra.map { TeeSink(recorder, $0) } ?? recorder
        let engine = MarketEngine(config: config, sink: sink, ledger: recorder, options: options)
        while try engine.step() { observer?(engine) }
        try recorder.finish(marketDigest: engine.marketDigest)
        return RunOutcome(
            config: config, metrics: engine.metrics, events: engine.log.nextSequence,
            frames: recorder.framesWritten, rawBytes: recorder.rawBytesWritten,
            runDigest: recorder.headHash, marketDigest: engine.marketDigest,
            bytesOnDisk: store.bytesOnDisk)
    }

    /// Continues a recording that was interrupted, from its last checkpoint; ends with the
    /// digest an uninterrupted recording would have.
    public static func resume(
        path: String, zstdLevel: Int32 = ZstdCompressor.defaultLevel, durable: Bool = false,
        fault: LedgerFault? = nil
    ) throws -> RunOutcome {
        let store = try LedgerStore.open(path: path, writable: true, durable: durable)
        store.fault = fault
        if ScaleConfig(canonical: store.header.config) != nil {
            throw LedgerRunError.nothingToResume(
                path: path, reason: "a scale-mode ledger; record it again with rtb-sim scale")
        }
        let (config, options) = try LedgerRun.configuration(of: store)
        guard store.header.engineVersion == BuildInfo.engineVersion else {
            throw LedgerRunError.engineMismatch(
                path: path, ledger: store.header.engineVersion, binary: BuildInfo.engineVersion,
                action: "resume")
        }
        guard let head = try store.head() else {
            throw LedgerRunError.nothingToResume(
                path: path, reason: "no frame was committed; record it again")
        }
        if head.finished {
            throw LedgerRunError.nothingToResume(
                path: path, reason: "the recording is already finished")
        }
        let chain = try ChainVerifier.verify(store: store)
        if let problem = chain.problem {
            throw LedgerError.corrupt(path: path, location: "chain", reason: problem)
        }
        let checkpoints = try store.checkpointIndex().filter { $0.frameCount <= head.frameCount }
        let engine: MarketEngine
        let recorder: LedgerRecorder
        if let last = checkpoints.last,
            let record = try store.checkpoint(frameCount: last.frameCount)
        {
            let state = try ZstdDecompressor().decompress(
                record.payload, expectedSize: record.stateSize)
            guard Sha256.hash(state) == record.stateDigest else {
                throw LedgerError.corrupt(
                    path: path, location: "checkpoint after frame \(last.frameCount - 1)",
                    reason: "state digest mismatch")
            }
            recorder = LedgerRecorder(
                resuming: store, head: head, fromFrame: record.frameCount,
                previousHash: record.frameHash, eventsBefore: record.nextSequence,
                zstdLevel: zstdLevel)
            engine = try MarketEngine(
                config: config,
                restoring: EngineCheckpoint(
                    frameCount: record.frameCount, nextSequence: record.nextSequence,
                    state: state),
                sink: recorder, ledger: recorder, options: options)
        } else {
            recorder = LedgerRecorder(
                resuming: store, head: head, fromFrame: 0, previousHash: store.genesisHash,
                eventsBefore: 0, zstdLevel: zstdLevel)
            engine = MarketEngine(
                config: config, sink: recorder, ledger: recorder, options: options)
        }
        try engine.run()
        try recorder.finish(marketDigest: engine.marketDigest)
        var outcome = RunOutcome(
            config: config, metrics: engine.metrics, events: engine.log.nextSequence,
            frames: recorder.framesWritten, rawBytes: recorder.rawBytesWritten,
            runDigest: recorder.headHash, marketDigest: engine.marketDigest,
            bytesOnDisk: store.bytesOnDisk)
        outcome.framesVerifiedOnResume = head.frameCount
        outcome.framesRederivedOnResume = head.frameCount - (checkpoints.last?.frameCount ?? 0)
        return outcome
    }

    /// Runs without a ledger: frames go to `sink` (a null sink by default); scenario C reads
    /// back from an in-memory store.
    public static func run(
        config: MarketConfig, options: EngineOptions = EngineOptions(),
        sink: FrameSink = NullSink()
    ) throws -> (outcome: RunOutcome, engine: MarketEngine) {
        let needsReader = config.scenarios.contains(.c)
        let store = needsReader ? MemoryFrameStore(forwardingTo: sink) : nil
        let engine = MarketEngine(
            config: config, sink: store ?? sink, ledger: store, options: options)
        try engine.run()
        let outcome = RunOutcome(
            config: config, metrics: engine.metrics, events: engine.log.nextSequence,
            frames: engine.log.framesSealed, rawBytes: 0, runDigest: nil,
            marketDigest: engine.marketDigest, bytesOnDisk: nil)
        return (outcome, engine)
    }
}

/// Reading what produced a ledger.
public enum LedgerRun {
    /// The config and recording options stored in a ledger's header.
    public static func configuration(of store: LedgerStore) throws -> (MarketConfig, EngineOptions)
    {
        let config: MarketConfig
        do {
            config = try MarketConfig(canonical: store.header.config)
        } catch {
            throw LedgerError.corrupt(
                path: store.path, location: "header", reason: "config: \(error)")
        }
        return (
            config,
            EngineOptions(
                frameTargetBytes: store.header.frameTargetBytes,
                checkpointEveryFrames: store.header.checkpointEveryFrames)
        )
    }
}

/// Reasons a ledger cannot be continued or replayed as asked.
public enum LedgerRunError: Error, CustomStringConvertible {
    case engineMismatch(path: String, ledger: String, binary: String, action: String)
    case nothingToResume(path: String, reason: String)

    public var description: String {
        switch self {
        case .engineMismatch(let path, let ledger, let binary, let action):
            return
                "\(path): recorded by engine \(ledger), this binary is engine \(binary); refusing to \(action)"
        case .nothingToResume(let path, let reason): return "\(path): cannot resume: \(reason)"
        }
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
