import RTBCore
import RTBLedger
import RTBModels
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
    /// Re-ask every recorded decision of the model's live source (`replay --live`) and report
    /// the answers that differ; the run continues with the recorded answers.
    public var live = false

    public init(
        strict: Bool = false, fromCheckpoint: Int? = nil, bisect: Bool = false,
        perturbation: Perturbation? = nil, live: Bool = false
    ) {
        self.live = live
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
    /// `--live`: the comparison of the recorded answers with the live ones.
    public var liveComparison: LiveComparison.Result?
    /// Set when the ledger's engine version is not this binary's.
    public var engineWarning: String?
    public var segmentsRerun: Int
}

/// Re-executes a recorded run and compares it with the ledger, whatever its model (the
/// registry picks it from the header). A replayed frame whose chain hash equals the stored one
/// is identical byte for byte (so matching frames are never even decompressed); on the first
/// difference the recorded frame is decoded and compared event by event. Replayed checkpoints
/// are compared by state digest. Decisions the recording took outside the engine are served
/// from their recorded events.
public final class Replayer {
    /// Called now and then during a replay with the events compared and the ledger's event
    /// count (progress lines).
    public var progress: ((_ events: UInt64, _ total: UInt64) -> Void)?
    public let store: LedgerStore
    public let model: any SimulationModel.Type
    let checkpoints: [CheckpointRecord]

    public init(path: String) throws {
        store = try LedgerStore.open(path: path)
        model = try ModelRegistry.model(of: store)
        checkpoints = try store.checkpointIndex()
    }

    /// Frame counts of the stored checkpoints.
    public var checkpointFrames: [Int] { checkpoints.map(\.frameCount) }

    /// Whether this binary's engine recorded the ledger. Another engine's checkpoints hold its
    /// own state layout: a replay compares that ledger's events and frames, not its checkpoint
    /// states, and neither restores from its checkpoints nor bisects over them.
    public var sameEngine: Bool { store.header.engineVersion == BuildInfo.engineVersion }

    /// Set when the ledger was recorded by another engine or model version (known before
    /// replaying).
    public var engineWarning: String? {
        var warnings: [String] = []
        if !sameEngine {
            warnings.append(
                "recorded by engine \(store.header.engineVersion), replaying with engine \(BuildInfo.engineVersion): events compared, checkpoint states (the other engine's layout) not"
            )
        }
        if let named = store.header.model, named != ModelRegistry.identity(of: model) {
            warnings.append(
                "recorded by model \(named), replaying with model \(ModelRegistry.identity(of: model))"
            )
        }
        return warnings.isEmpty ? nil : warnings.joined(separator: "; ")
    }

    public func replay(_ options: ReplayOptions) throws -> ReplayReport {
        let warning = engineWarning
        if warning != nil && options.strict {
            if store.header.engineVersion != BuildInfo.engineVersion {
                throw LedgerRunError.engineMismatch(
                    path: store.path, ledger: store.header.engineVersion,
                    binary: BuildInfo.engineVersion, action: "replay (--strict)")
            }
            throw LedgerRunError.modelMismatch(
                path: store.path, ledger: store.header.model?.description ?? "-",
                binary: ModelRegistry.identity(of: model).description, action: "replay (--strict)")
        }
        var report = try replay(model, options)
        report.engineWarning = warning
        return report
    }

    func replay<Model: SimulationModel>(_ model: Model.Type, _ options: ReplayOptions) throws
        -> ReplayReport
    {
        let subject = Subject<Model>(
            config: try ModelRegistry.config(model, of: store), layout: store.header.layout,
            perturbation: options.perturbation, live: options.live)
        if options.live && !Model.asksOutsideDecisions(subject.config) {
            throw ReplayError.nothingLive(path: store.path)
        }
        if !Model.takesCheckpoints, let frames = options.fromCheckpoint {
            throw ReplayError.noCheckpoint(path: store.path, frameCount: frames, available: [])
        }
        if let frames = options.fromCheckpoint, !sameEngine {
            throw LedgerRunError.engineMismatch(
                path: store.path, ledger: store.header.engineVersion,
                binary: BuildInfo.engineVersion,
                action: "restore its checkpoint after \(frames) frames")
        }
        if options.bisect && Model.takesCheckpoints && sameEngine { return try bisect(subject) }
        try verifyChain()
        return try run(subject, from: options.fromCheckpoint, untilFrame: nil)
    }

    /// The stored payloads must match their hashes before the hashes stand for them.
    func verifyChain() throws {
        let chain = try ChainVerifier.verify(store: store)
        if let problem = chain.problem {
            throw LedgerError.corrupt(path: store.path, location: "chain", reason: problem)
        }
    }

    /// What is replayed: the header's config and layout, with a planted divergence in tests.
    struct Subject<Model: SimulationModel> {
        var config: Model.Config
        var layout: FrameLayout
        var perturbation: Perturbation?
        var live = false
    }

    /// Replays from a checkpoint (or the start) until `untilFrame` frames (or the end).
    func run<Model: SimulationModel>(
        _ subject: Subject<Model>, from checkpointFrames: Int?, untilFrame: Int?
    ) throws -> ReplayReport {
        let loaded = try checkpointFrames.map { frames in
            guard let loaded = try store.loadCheckpoint(frameCount: frames) else {
                throw ReplayError.noCheckpoint(
                    path: store.path, frameCount: frames, available: checkpoints.map(\.frameCount))
            }
            return loaded
        }
        let comparator = try FrameComparator(
            Model.self, config: subject.config, store: store, startFrame: checkpointFrames ?? 0,
            previousHash: loaded?.frameHash ?? store.genesisHash, untilFrame: untilFrame,
            lastCheckpoint: checkpointFrames, checksPayloads: untilFrame != nil,
            comparesStates: sameEngine)
        // The recorded answers are read on a second thread while the replay runs.
        var decisions: DecisionChannel =
            Model.asksOutsideDecisions(subject.config)
            ? PrefetchedDecisions(
                Model.self, path: store.path, from: loaded?.checkpoint.nextSequence ?? 0)
            : NoDecisions()
        var comparison: LiveComparison?
        if subject.live, let source = try Model.decisionSource(for: subject.config) {
            comparison = LiveComparison(recorded: decisions, source: source)
            decisions = comparison!
        }
        let wiring = RunWiring(
            sink: comparator, prefix: checkpointFrames.map { (store, $0) },
            decisions: decisions, perturbation: subject.perturbation)
        let run: Model.Run
        if let loaded {
            run = try wiring.restore(
                Model.self, config: subject.config, layout: subject.layout,
                from: loaded.checkpoint)
        } else {
            run = try wiring.start(Model.self, config: subject.config, layout: subject.layout)
        }
        var divergence: Divergence?
        let total = try store.head()?.eventCount ?? 0
        var steps = 0
        do {
            while try run.step() {
                if comparator.reachedEnd { break }
                steps += 1
                if steps & 0xFF == 0 { progress?(comparator.events, total) }
            }
            try comparator.finish(engineFinished: run.isFinished)
        } catch DecisionError.notRecorded(_) {
            // The replay went past the recorded answers: the recording ends here (an
            // interrupted recording that asked outside decisions).
            divergence = try comparator.recordingEnded()
        } catch {
            divergence = try comparator.divergence(endingWith: error)
        }
        return ReplayReport(
            eventsCompared: comparator.events, framesCompared: comparator.frames,
            checkpointsCompared: comparator.checkpointsCompared, runDigest: comparator.previousHash,
            divergence: divergence, liveComparison: comparison?.result, engineWarning: nil,
            segmentsRerun: 0)
    }

    /// Binary search for the first segment (between consecutive checkpoints) that does not
    /// reproduce, assuming a divergence persists once it appears (the usual case for a changed
    /// engine); then an event-by-event comparison inside that segment.
    func bisect<Model: SimulationModel>(_ subject: Subject<Model>) throws -> ReplayReport {
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
                subject, from: starts[middle] == 0 ? nil : starts[middle], untilFrame: ends[middle])
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
                runDigest: digest, divergence: nil, liveComparison: nil, engineWarning: nil,
                segmentsRerun: probes)
        }
        report.segmentsRerun = probes
        report.divergence?.segmentsRerun = probes
        return report
    }
}

/// Replay requests that cannot be carried out.
public enum ReplayError: Error, CustomStringConvertible {
    case noCheckpoint(path: String, frameCount: Int, available: [Int])
    /// `--live` on a ledger whose decisions were all taken inside the engine.
    case nothingLive(path: String)

    public var description: String {
        switch self {
        case .noCheckpoint(let path, let frameCount, let available):
            let list =
                available.prefix(12).map(String.init).joined(separator: ", ")
                + (available.count > 12 ? ", ..." : "")
            return
                "\(path): no checkpoint after \(frameCount) frames (checkpoints: \(list.isEmpty ? "none" : list))"
        case .nothingLive(let path):
            return
                "\(path): --live re-asks recorded outside decisions, and this run took all its decisions inside the engine"
        }
    }
}
