import Dispatch
import Foundation
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace

/// How to replay.
public struct ReplayOptions: Sendable {
    /// Refuse a ledger recorded by another engine version (otherwise warn and try).
    public var strict = false
    /// Start from the checkpoint taken after this many frames.
    public var fromCheckpoint: Int?
    /// Locate a divergence by bisection over checkpoints instead of replaying everything.
    public var bisect = false
    /// Test only: a planted divergence in the replaying engine.
    public var perturbation: Perturbation?

    public init(
        strict: Bool = false, fromCheckpoint: Int? = nil, bisect: Bool = false,
        perturbation: Perturbation? = nil
    ) {
        self.strict = strict
        self.fromCheckpoint = fromCheckpoint
        self.bisect = bisect
        self.perturbation = perturbation
    }
}

/// What a replay found.
public struct ReplayReport: Sendable {
    public var eventsCompared: UInt64
    public var framesCompared: Int
    public var checkpointsCompared: Int
    public var runDigest: Digest32
    public var divergence: Divergence?
    /// Set when the ledger's engine version is not this binary's.
    public var engineWarning: String?
    public var segmentsRerun: Int
}

/// Re-executes a recorded run and compares it with the ledger. A replayed frame whose chain
/// hash equals the stored one is identical byte for byte (so matching frames are never even
/// decompressed); on the first difference the recorded frame is decoded and compared event by
/// event. Replayed checkpoints are compared by state digest.
/// Scale-mode ledgers (seed 001 auction rounds) replay the same way, without checkpoints.
public final class Replayer {
    enum Subject {
        case market(MarketConfig, EngineOptions)
        case scale(ScaleConfig)
    }

    public let store: LedgerStore
    let subject: Subject
    let checkpoints: [CheckpointRecord]
    /// The market whose agents name a divergence (nil for a scale run).
    public let market: Market?

    public init(path: String) throws {
        store = try LedgerStore.open(path: path)
        if let scale = ScaleConfig(canonical: store.header.config) {
            subject = .scale(scale)
            market = nil
        } else {
            let (config, options) = try LedgerRun.configuration(of: store)
            subject = .market(config, options)
            market = Market(config: config)
        }
        checkpoints = try store.checkpointIndex()
    }

    /// Frame counts of the stored checkpoints.
    public var checkpointFrames: [Int] { checkpoints.map(\.frameCount) }

    /// Set when the ledger was recorded by another engine version (known before replaying).
    public var engineWarning: String? {
        guard store.header.engineVersion != BuildInfo.engineVersion else { return nil }
        return
            "recorded by engine \(store.header.engineVersion), replaying with engine \(BuildInfo.engineVersion)"
    }

    public func replay(_ options: ReplayOptions) throws -> ReplayReport {
        let warning = engineWarning
        if warning != nil && options.strict {
            throw LedgerRunError.engineMismatch(
                path: store.path, ledger: store.header.engineVersion,
                binary: BuildInfo.engineVersion, action: "replay (--strict)")
        }
        var report: ReplayReport
        switch subject {
        case .scale(let config):
            if let frames = options.fromCheckpoint {
                throw ReplayError.noCheckpoint(path: store.path, frameCount: frames, available: [])
            }
            try verifyChain()
            report = try runScale(config, perturb: options.perturbation)
        case .market(let config, let engineOptions):
            let run = MarketRun(config: config, options: engineOptions)
            if options.bisect {
                report = try bisect(run, options)
            } else {
                try verifyChain()
                report = try self.run(
                    run, from: options.fromCheckpoint, untilFrame: nil,
                    perturb: options.perturbation)
            }
        }
        report.engineWarning = warning
        return report
    }

    /// The stored payloads must match their hashes before the hashes stand for them.
    func verifyChain() throws {
        let chain = try ChainVerifier.verify(store: store)
        if let problem = chain.problem {
            throw LedgerError.corrupt(path: store.path, location: "chain", reason: problem)
        }
    }

    /// A scale run has no checkpoints: one pass over every frame (also under --bisect).
    func runScale(_ config: ScaleConfig, perturb: Perturbation?) throws -> ReplayReport {
        let comparator = try FrameComparator(
            store: store, startFrame: 0, previousHash: store.genesisHash, untilFrame: nil,
            lastCheckpoint: nil, checksPayloads: false)
        var divergence: Divergence?
        do {
            _ = try ScaleRunner.run(
                config: config, threads: 1, frameTargetBytes: store.header.frameTargetBytes,
                sink: comparator, perturbation: perturb)
            try comparator.finish(engineFinished: true)
        } catch {
            divergence = try comparator.divergence(endingWith: error)
        }
        return ReplayReport(
            eventsCompared: comparator.events, framesCompared: comparator.frames,
            checkpointsCompared: 0, runDigest: comparator.previousHash, divergence: divergence,
            engineWarning: nil, segmentsRerun: 0)
    }

    /// Replays from a checkpoint (or the start) until `untilFrame` frames (or the end).
    struct MarketRun {
        var config: MarketConfig
        var options: EngineOptions
    }

    func run(
        _ run: MarketRun, from checkpointFrames: Int?, untilFrame: Int?, perturb: Perturbation?
    ) throws -> ReplayReport {
        let config = run.config
        var options = run.options
        options.perturbation = perturb
        let comparator: FrameComparator
        let engine: MarketEngine
        let memory: MemoryFrameStore
        // Scenario C agents read the shared ledger: keep the replay's frames for them.
        let keepsFrames = config.scenarios.contains(.c)
        if let checkpointFrames {
            guard let record = try store.checkpoint(frameCount: checkpointFrames) else {
                throw ReplayError.noCheckpoint(
                    path: store.path, frameCount: checkpointFrames,
                    available: checkpoints.map(\.frameCount))
            }
            let state = try ZstdDecompressor().decompress(
                record.payload, expectedSize: record.stateSize)
            guard Sha256.hash(state) == record.stateDigest else {
                throw LedgerError.corrupt(
                    path: store.path, location: "checkpoint after frame \(checkpointFrames - 1)",
                    reason: "state digest mismatch")
            }
            comparator = try FrameComparator(
                store: store, startFrame: checkpointFrames, previousHash: record.frameHash,
                untilFrame: untilFrame, lastCheckpoint: checkpointFrames,
                checksPayloads: untilFrame != nil)
            memory = MemoryFrameStore(forwardingTo: comparator)
            let reader = PrefixedLedgerReader(
                store: store, prefixFrames: checkpointFrames, rest: memory)
            engine = try MarketEngine(
                config: config,
                restoring: EngineCheckpoint(
                    frameCount: record.frameCount, nextSequence: record.nextSequence,
                    state: state),
                sink: keepsFrames ? memory : comparator, ledger: reader, options: options)
            comparator.reader = reader
        } else {
            comparator = try FrameComparator(
                store: store, startFrame: 0, previousHash: store.genesisHash,
                untilFrame: untilFrame, lastCheckpoint: nil, checksPayloads: untilFrame != nil)
            memory = MemoryFrameStore(forwardingTo: comparator)
            engine = MarketEngine(
                config: config, sink: keepsFrames ? memory : comparator, ledger: memory,
                options: options)
        }
        do {
            while try engine.step() {
                if comparator.reachedEnd { break }
            }
            try comparator.finish(engineFinished: engine.isFinished)
        } catch {
            let divergence = try comparator.divergence(endingWith: error)
            return ReplayReport(
                eventsCompared: comparator.events, framesCompared: comparator.frames,
                checkpointsCompared: comparator.checkpointsCompared,
                runDigest: comparator.previousHash,
                divergence: divergence, engineWarning: nil, segmentsRerun: 0)
        }
        return ReplayReport(
            eventsCompared: comparator.events, framesCompared: comparator.frames,
            checkpointsCompared: comparator.checkpointsCompared, runDigest: comparator.previousHash,
            divergence: nil, engineWarning: nil, segmentsRerun: 0)
    }

    /// Binary search for the first segment (between consecutive checkpoints) that does not
    /// reproduce, assuming a divergence persists once it appears (the usual case for a changed
    /// engine); then an event-by-event comparison inside that segment.
    func bisect(_ market: MarketRun, _ options: ReplayOptions) throws -> ReplayReport {
        let starts = [0] + checkpoints.map(\.frameCount)
        let ends = checkpoints.map(\.frameCount) + [Int.max]
        var low = 0
        var high = starts.count - 1
        var failing: (index: Int, report: ReplayReport)?
        var probes = 0
        var matchedEvents: UInt64 = 0
        while low <= high {
            let middle = (low + high) / 2
            let report = try run(
                market, from: starts[middle] == 0 ? nil : starts[middle], untilFrame: ends[middle],
                perturb: options.perturbation)
            probes += 1
            if report.divergence != nil {
                failing = (middle, report)
                high = middle - 1
            } else {
                matchedEvents = max(matchedEvents, report.eventsCompared)
                low = middle + 1
            }
        }
        guard var (_, report) = failing else {
            let digest = try store.head()?.headHash ?? store.genesisHash
            return ReplayReport(
                eventsCompared: matchedEvents, framesCompared: 0, checkpointsCompared: probes,
                runDigest: digest, divergence: nil, engineWarning: nil, segmentsRerun: probes)
        }
        report.segmentsRerun = probes
        report.divergence?.segmentsRerun = probes
        return report
    }
}

/// Replay requests that cannot be carried out.
public enum ReplayError: Error, CustomStringConvertible {
    case noCheckpoint(path: String, frameCount: Int, available: [Int])

    public var description: String {
        switch self {
        case .noCheckpoint(let path, let frameCount, let available):
            let list =
                available.prefix(12).map(String.init).joined(separator: ", ")
                + (available.count > 12 ? ", ..." : "")
            return
                "\(path): no checkpoint after \(frameCount) frames (checkpoints: \(list.isEmpty ? "none" : list))"
        }
    }
}
