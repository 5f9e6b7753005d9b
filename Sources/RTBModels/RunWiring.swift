import RTBLedger
import RTBTrace

/// The one place that builds a run's environment, for every model and every harness
/// operation (recording, resuming, replaying, bisecting, golden runs, recovery studies,
/// benchmarks). It owns the rule every model relies on: the shared ledger a run reads is
/// exactly what its sink has stored, preceded by the stored frames the run continues from.
public struct RunWiring {
    /// Where the run's frames go.
    public var sink: FrameSink
    /// Set when `sink` itself reads back what it stores (the ledger recorder).
    public var reader: SharedLedgerReader?
    /// The stored frames a run continues from (replay from a checkpoint): read from the store,
    /// before the run's own frames.
    public var prefix: (store: LedgerStore, frames: Int)?
    public var decisions: DecisionChannel
    public var parallel: ParallelWork
    public var perturbation: Perturbation?
    public var canary: String?
    public var measurements: MeasurementSink?

    public init(
        sink: FrameSink, reader: SharedLedgerReader? = nil,
        prefix: (store: LedgerStore, frames: Int)? = nil,
        decisions: DecisionChannel = NoDecisions(), parallel: ParallelWork = SerialWork(),
        perturbation: Perturbation? = nil, canary: String? = nil,
        measurements: MeasurementSink? = nil
    ) {
        self.sink = sink
        self.reader = reader
        self.prefix = prefix
        self.decisions = decisions
        self.parallel = parallel
        self.perturbation = perturbation
        self.canary = canary
        self.measurements = measurements
    }

    /// The environment of a run of `config`. When the sink cannot read back and the model
    /// reads the shared ledger, the run's frames are also kept in memory for it.
    public func environment<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, layout: FrameLayout
    ) -> RunEnvironment {
        var sink = self.sink
        var shared: SharedLedgerReader
        if let reader {
            shared = reader
        } else if Model.readsSharedLedger(config) {
            let memory = MemoryFrameStore(forwardingTo: sink)
            sink = memory
            shared = memory
        } else {
            shared = UnreadLedger()
        }
        if let prefix {
            shared = PrefixedLedgerReader(store: prefix.store, prefixFrames: prefix.frames, rest: shared)
        }
        return RunEnvironment(
            sink: sink, shared: shared, layout: layout, decisions: decisions, parallel: parallel,
            perturbation: perturbation, canary: canary, measurements: measurements)
    }

    /// Starts a fresh run of `config`.
    public func start<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, layout: FrameLayout
    ) throws -> Model.Run {
        try Model.start(config, in: environment(model, config: config, layout: layout))
    }

    /// Continues a run from a checkpoint.
    public func restore<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, layout: FrameLayout,
        from checkpoint: EngineCheckpoint
    ) throws -> Model.Run {
        try Model.restore(
            config, from: checkpoint, in: environment(model, config: config, layout: layout))
    }
}

/// The shared ledger of a model that never reads it.
final class UnreadLedger: SharedLedgerReader {
    func sealedFrames(from sequence: UInt64) throws -> [SealedFrame] {
        preconditionFailure("this model declared that it does not read the shared ledger")
    }
}
