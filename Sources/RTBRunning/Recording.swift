import RTBCore
import RTBIntegrity
import RTBLedger
import RTBModels
import RTBTrace

/// What a finished (or resumed) recording produced, whatever its model.
public struct RunOutcome: Sendable {
    public var model: ModelIdentity
    /// The config's one-line summary.
    public var summary: String
    /// SHA-256 of the config's canonical bytes (those of the ledger header).
    public var configDigest: Digest32
    public var metrics: [NamedMetric]
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
    /// Why the head file beside the ledger could not be written (nil: it was).
    public var headFileProblem: String?
}

/// How a run is recorded; nothing here but `layout` reaches the ledger header.
public struct RecordingSettings {
    public var layout = FrameLayout()
    public var zstdLevel: Int32 = ZstdCompressor.defaultLevel
    /// Sync every commit to disk.
    public var durable = false
    /// Test hook: a fault at a deterministic write.
    public var fault: LedgerFault?
    /// Test only: the model's deliberately broken behaviour.
    public var canary: String?
    /// Test only: a planted divergence.
    public var perturbation: Perturbation?
    /// Parallel work for models that split a step (never changes a digest).
    public var parallel: ParallelWork = SerialWork()
    /// Answers decisions the engine cannot take alone (recorded as events).
    public var decisions: DecisionChannel?
    /// Checked between steps: a recording asked to stop keeps what it committed.
    public var stop: StopRequest?

    public init(layout: FrameLayout = FrameLayout()) {
        self.layout = layout
    }
}

/// Runs a model into a ledger, into memory, or into nothing.
public enum Recording {
    /// Records a new run of `config` into `path` (refuses an existing file). `observer` sees
    /// the run after every step (progress lines).
    public static func record<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, path: String,
        settings: RecordingSettings = RecordingSettings(), alsoTo extra: FrameSink? = nil,
        observer: ((Model.Run) -> Void)? = nil
    ) throws -> (outcome: RunOutcome, run: Model.Run) {
        let header = RunHeader.of(Model.self, config: config, layout: settings.layout)
        // The decision source first: a missing key or a bad setting creates no ledger.
        let source =
            try settings.decisions == nil ? decisionSource(Model.self, config: config) : nil
        let store = try LedgerStore.create(
            path: path, header: header, durable: settings.durable, fault: settings.fault)
        let recorder = LedgerRecorder(store: store, zstdLevel: settings.zstdLevel)
        let wiring = RunWiring(
            sink: extra.map { TeeSink(recorder, $0) } ?? recorder, reader: recorder,
            decisions: settings.decisions
                ?? source.map { LiveDecisions($0, measurements: recorder.measurements) }
                ?? NoDecisions(),
            parallel: settings.parallel,
            perturbation: settings.perturbation, canary: settings.canary,
            measurements: recorder.measurements)
        let run = try wiring.start(Model.self, config: config, layout: settings.layout)
        while try run.step() {
            observer?(run)
            try stopIfAsked(
                settings, recorder: recorder, path: path, resumable: Model.takesCheckpoints)
        }
        try recorder.finish(marketDigest: run.marketDigest)
        return (recorded(Model.self, config: config, run: run, recorder: recorder), run)
    }

    /// Continues a recording that was interrupted, from its last checkpoint; ends with the
    /// digest an uninterrupted recording would have. The model comes from the header.
    public static func resume(path: String, settings: RecordingSettings = RecordingSettings())
        throws -> RunOutcome
    {
        // Every refusal happens on a read-only connection: a ledger that cannot be resumed is
        // left exactly as it was (not even a migration is added).
        let reader = try LedgerStore.open(path: path)
        let model = try ModelRegistry.model(of: reader)
        try checkResumable(model, store: reader)
        let store = try LedgerStore.open(path: path, writable: true, durable: settings.durable)
        store.fault = settings.fault
        return try resume(model, store: store, settings: settings)
    }

    /// Throws why a ledger cannot be resumed: a model without checkpoints, another engine or
    /// model version, no frame committed, already finished, or a chain that does not verify.
    static func checkResumable<Model: SimulationModel>(_ model: Model.Type, store: LedgerStore)
        throws
    {
        let path = store.path
        guard Model.takesCheckpoints else {
            throw LedgerRunError.nothingToResume(
                path: path,
                reason: "\(Model.identity.name) runs take no checkpoints; record it again")
        }
        _ = try ModelRegistry.config(Model.self, of: store)
        guard store.header.engineVersion == BuildInfo.engineVersion else {
            throw LedgerRunError.engineMismatch(
                path: path, ledger: store.header.engineVersion, binary: BuildInfo.engineVersion,
                action: "resume")
        }
        // An older model version would continue the history with other rules.
        if let recorded = store.header.model, recorded != Model.identity {
            throw LedgerRunError.modelMismatch(
                path: path, ledger: recorded.description, binary: Model.identity.description,
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
        if LedgerStore.isBeingRecorded(path) { throw LedgerError.busy(path: path) }
        let chain = try ChainVerifier.verify(store: store)
        if let problem = chain.problem {
            throw LedgerError.corrupt(path: path, location: "chain", reason: problem)
        }
    }

    static func resume<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, settings: RecordingSettings
    ) throws -> RunOutcome {
        let config = try ModelRegistry.config(Model.self, of: store)
        guard let head = try store.head(), !head.finished else {
            throw LedgerRunError.nothingToResume(
                path: store.path, reason: "the head changed while resuming")
        }
        let last = try store.checkpointIndex().last { $0.frameCount <= head.frameCount }
        let loaded = try last.flatMap { try store.loadCheckpoint(frameCount: $0.frameCount) }
        let recorder = LedgerRecorder(
            resuming: store, head: head, fromFrame: loaded?.checkpoint.frameCount ?? 0,
            previousHash: loaded?.frameHash ?? store.genesisHash,
            eventsBefore: loaded?.checkpoint.nextSequence ?? 0, zstdLevel: settings.zstdLevel)
        let decisions = try RecordedDecisions.ledger(
            Model.self, config: config, store: store, from: loaded?.checkpoint.nextSequence ?? 0,
            then: liveDecisions(Model.self, config: config, settings: settings, recorder: recorder))
        let wiring = RunWiring(
            sink: recorder, reader: recorder, decisions: decisions, parallel: settings.parallel,
            measurements: recorder.measurements)
        let layout = store.header.layout
        let run: Model.Run
        if let loaded {
            run = try wiring.restore(
                Model.self, config: config, layout: layout, from: loaded.checkpoint)
        } else {
            run = try wiring.start(Model.self, config: config, layout: layout)
        }
        while try run.step() {
            try stopIfAsked(settings, recorder: recorder, path: store.path, resumable: true)
        }
        try recorder.finish(marketDigest: run.marketDigest)
        var outcome = recorded(Model.self, config: config, run: run, recorder: recorder)
        outcome.framesVerifiedOnResume = head.frameCount
        outcome.framesRederivedOnResume = head.frameCount - (loaded?.checkpoint.frameCount ?? 0)
        return outcome
    }

    /// The outcome of a finished recording.
    static func recorded<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, run: Model.Run, recorder: LedgerRecorder
    ) -> RunOutcome {
        RunOutcome(
            model: Model.identity, summary: Model.summary(of: config),
            configDigest: Sha256.hash(recorder.store.header.config), metrics: run.summaryMetrics,
            events: run.nextSequence, frames: recorder.framesWritten,
            rawBytes: recorder.rawBytesWritten, runDigest: recorder.headHash,
            marketDigest: run.marketDigest, bytesOnDisk: recorder.store.bytesOnDisk,
            headFileProblem: recorder.headFileProblem)
    }

    /// Between steps: when asked to stop, drains the recorder (every sealed frame committed,
    /// the unfinished head published) and throws what was kept.
    static func stopIfAsked(
        _ settings: RecordingSettings, recorder: LedgerRecorder, path: String, resumable: Bool
    ) throws {
        guard let signal = settings.stop?.signal else { return }
        let head = try recorder.drain()
        throw RecordingStopped(
            path: path, signal: signal, frames: head?.frameCount ?? 0,
            events: head?.eventCount ?? 0, resumable: resumable)
    }

    /// The channel that answers a recording's outside decisions: the settings' own, or the
    /// model's source with its latencies measured into the recorder; nil when the config asks
    /// none.
    public static func liveDecisions<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, settings: RecordingSettings,
        recorder: LedgerRecorder?
    ) throws -> DecisionChannel? {
        if let decisions = settings.decisions { return decisions }
        guard let source = try decisionSource(Model.self, config: config) else { return nil }
        return LiveDecisions(source, measurements: recorder?.measurements ?? MeasurementLog())
    }

    /// The model's outside source when the config asks outside decisions.
    static func decisionSource<Model: SimulationModel>(_ model: Model.Type, config: Model.Config)
        throws -> DecisionSource?
    {
        guard Model.asksOutsideDecisions(config) else { return nil }
        return try Model.decisionSource(for: config)
    }

    /// Runs without a ledger: frames go to `sink` (a null sink by default); a model that reads
    /// the shared ledger reads it from memory.
    public static func run<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config,
        settings: RecordingSettings = RecordingSettings(), sink: FrameSink = NullSink(),
        observer: ((Model.Run) -> Void)? = nil
    ) throws -> (outcome: RunOutcome, run: Model.Run) {
        let wiring = RunWiring(
            sink: sink,
            decisions: try liveDecisions(
                Model.self, config: config, settings: settings, recorder: nil)
                ?? NoDecisions(),
            parallel: settings.parallel, perturbation: settings.perturbation,
            canary: settings.canary)
        let run = try wiring.start(Model.self, config: config, layout: settings.layout)
        while try run.step() { observer?(run) }
        let outcome = RunOutcome(
            model: Model.identity, summary: Model.summary(of: config),
            configDigest: Sha256.hash(Model.encodeConfig(config)), metrics: run.summaryMetrics,
            events: run.nextSequence, frames: run.framesSealed, rawBytes: 0, runDigest: nil,
            marketDigest: run.marketDigest, bytesOnDisk: nil)
        return (outcome, run)
    }
}
