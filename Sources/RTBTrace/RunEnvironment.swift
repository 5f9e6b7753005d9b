/// How a run cuts its events into frames and how often it checkpoints (stored in the header).
public struct FrameLayout: Equatable, Sendable {
    /// A frame is sealed at the first step boundary with at least this many bytes pending.
    public static let defaultFrameTargetBytes = 64 * 1_024
    /// A checkpoint is taken after every this many frames (about 2 MiB of events).
    public static let defaultCheckpointEveryFrames = 32

    public var frameTargetBytes: Int
    public var checkpointEveryFrames: Int

    public init(
        frameTargetBytes: Int = FrameLayout.defaultFrameTargetBytes,
        checkpointEveryFrames: Int = FrameLayout.defaultCheckpointEveryFrames
    ) {
        self.frameTargetBytes = frameTargetBytes
        self.checkpointEveryFrames = checkpointEveryFrames
    }
}

/// Everything a run may touch outside its own state. The harness builds it in one place
/// (`RunWiring`), which guarantees the rule every model relies on: `shared` reads back exactly
/// what `sink` has stored (plus the ledger's earlier frames when a run continues one).
public struct RunEnvironment {
    /// Where sealed frames and checkpoints go.
    public var sink: FrameSink
    /// The shared ledger as the run has written it so far.
    public var shared: SharedLedgerReader
    /// Frame size and checkpoint interval.
    public var layout: FrameLayout
    /// Decisions taken outside the engine: live, or the recorded answers on replay and resume.
    public var decisions: DecisionChannel
    /// Parallel work for models that split a step across cores (results in a fixed order).
    public var parallel: ParallelWork
    /// Test only, never recorded: a planted divergence.
    public var perturbation: Perturbation?
    /// Test only, never recorded: the name of a deliberately broken behaviour of the model.
    public var canary: String?
    /// Where a model files wall-clock measurements (outside every digest), when recording.
    public var measurements: MeasurementSink?

    public init(
        sink: FrameSink, shared: SharedLedgerReader, layout: FrameLayout,
        decisions: DecisionChannel = NoDecisions(), parallel: ParallelWork = SerialWork(),
        perturbation: Perturbation? = nil, canary: String? = nil,
        measurements: MeasurementSink? = nil
    ) {
        self.sink = sink
        self.shared = shared
        self.layout = layout
        self.decisions = decisions
        self.parallel = parallel
        self.perturbation = perturbation
        self.canary = canary
        self.measurements = measurements
    }
}

/// Receives a model's measurements (wall-clock timings): data about a run that never enters a
/// digest and that the run never reads. The recorder stores them with the frame of the event
/// they describe.
public protocol MeasurementSink: AnyObject {
    func measure(sequence: UInt64, name: String, value: Double, unit: String)
}

/// Runs independent pieces of one step, possibly on several threads, and returns their results
/// in index order, so the outcome never depends on the number of workers.
public protocol ParallelWork {
    /// Workers available (1: serial).
    var workers: Int { get }
    /// `body(0) ..< body(count)`, in index order.
    func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T]
}

/// One worker: the pieces run in order on the calling thread.
public struct SerialWork: ParallelWork {
    public init() {}
    public var workers: Int { 1 }
    public func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        (0..<count).map(body)
    }
}
