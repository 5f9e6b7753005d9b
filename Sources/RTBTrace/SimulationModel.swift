import RTBCore

/// Which model produced a ledger and its version, as the ledger header names it.
public struct ModelIdentity: Hashable, Sendable, CustomStringConvertible {
    /// A short stable name ("rtb-market").
    public var name: String
    /// Bumped whenever the model's behaviour, config layout or events change.
    public var version: UInt32

    public init(name: String, version: UInt32) {
        self.name = name
        self.version = version
    }

    /// "rtb-market 1".
    public var description: String { "\(name) \(version)" }
}

/// A named integer metric of a run (golden files pin these by name).
public struct NamedMetric: Equatable, Sendable {
    public var name: String
    public var value: Int64

    public init(_ name: String, _ value: Int64) {
        self.name = name
        self.value = value
    }
}

/// The contract between a model and the harness. The harness (recording, resume, verify,
/// replay, bisection, dump, check, goldens, recovery, benchmarks) knows a model only through
/// it; the registry maps a ledger header to the model that reads it.
///
/// A model is a namespace type (an enum without cases) conforming to this protocol. Its run
/// is a value-type state machine behind a class: it reads no clock, does no I/O, and touches
/// the world only through the `RunEnvironment` the harness hands it.
public protocol SimulationModel: SendableMetatype {
    /// The canonical config: a run is fully determined by (config, seed inside it, engine).
    associatedtype Config: Equatable & Sendable
    /// A run in progress.
    associatedtype Run: ModelRun
    /// The model's events, decoded.
    associatedtype Event: ModelEvent
    /// The model's checker: invariants over its events, observed and never steering.
    associatedtype Checker: ModelChecker where Checker.Event == Event

    /// Name and version written into the ledger header.
    static var identity: ModelIdentity { get }
    /// Version of the model's event layouts (header field; a reader refuses another).
    static var eventSchemaVersion: UInt32 { get }
    /// 1 for the two models whose ledgers predate model names (the header then names no model,
    /// and `claimsLegacyConfig` decides); 2 for every other model.
    static var ledgerFormat: UInt32 { get }
    /// The invariants its checker counts, in report order.
    static var invariants: [InvariantInfo] { get }
    /// Whether runs take checkpoints (a model without them cannot resume or bisect).
    static var takesCheckpoints: Bool { get }
    /// Names of the deliberately broken behaviours (`--canary`) its checker must catch.
    static var canaries: [String] { get }

    /// Reads canonical config bytes (from a ledger header), validating them.
    static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> Config
    /// The canonical bytes of a config.
    static func encodeConfig(_ config: Config) -> [UInt8]
    /// A config from a JSON object (`rtb-verify record --model NAME --config FILE`); errors
    /// name the key.
    static func config(json: JSONValue) throws(ConfigError) -> Config
    /// One line describing a config, printed when recording.
    static func summary(of config: Config) -> String

    /// Starts a fresh run.
    static func start(_ config: Config, in environment: RunEnvironment) throws -> Run
    /// Continues a run from a checkpoint it took.
    static func restore(
        _ config: Config, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> Run
    /// A fresh checker for the events of a run of `config`.
    static func checker(for config: Config, options: CheckOptions) -> Checker
    /// The agent an event concerns, for divergence reports, when it names or implies one.
    static func agent(of event: Event, config: Config) -> String?
    /// A function fed a run's events in order that names the agents each concerns
    /// (`dump --agent`); by default the one `agent(of:config:)` names.
    static func agentTracker(for config: Config) -> (Event) -> [String]
    /// Ticks per simulated day when ticks are seconds of a calendar (exports then add day and
    /// time-of-day columns); nil when ticks are only an order (rounds).
    static var ticksPerDay: Int64? { get }
    /// Format 1 only: whether canonical config bytes of a header without a model name are this
    /// model's.
    static func claimsLegacyConfig(_ bytes: [UInt8]) -> Bool
    /// Whether runs of `config` read the shared ledger back (then a run that records nowhere
    /// keeps its frames in memory for them).
    static func readsSharedLedger(_ config: Config) -> Bool
    /// Whether runs of `config` ask decisions outside the engine (then replay serves the
    /// answers recorded in the ledger).
    static func asksOutsideDecisions(_ config: Config) -> Bool
    /// The outside service that answers a recording's decisions (built outside the engine,
    /// from the config and the process's environment: endpoints, keys). Never asked on replay.
    static func decisionSource(for config: Config) throws -> DecisionSource?
    /// The expected ranges of summary metrics for `config` (golden files check them).
    static func expectedRanges(for config: Config, metrics: [NamedMetric]) -> [MetricRange]
    /// About how many events a run of `config` emits (sizes golden files' chunks).
    static func expectedEvents(_ config: Config) -> Int64
    /// Whether an event is left out of the model's digest (what the run wrote with
    /// `excludedFromDigest: true`); `verify --deep` recomputes the digest with it.
    static func excludedFromDigest(_ event: Event) -> Bool
    /// Decodes one frame's events and feeds each to `checker`; returns how many. (A requirement
    /// with an inlinable default, so each model's witness runs specialized code for its own
    /// events: the harness calls it once per frame through the model's existential type.)
    static func check(frame bytes: [UInt8], firstSequence: UInt64, with checker: Checker)
        throws(FrameDecodeError) -> Int
}

/// An event of a frame that does not decode: its index in the frame and why.
public struct FrameDecodeError: Error, Sendable {
    public var event: Int
    public var error: CanonicalError

    public init(event: Int, error: CanonicalError) {
        self.event = event
        self.error = error
    }
}

extension SimulationModel {
    public static var ledgerFormat: UInt32 { 2 }
    public static var takesCheckpoints: Bool { true }
    public static var canaries: [String] { [] }
    public static func claimsLegacyConfig(_ bytes: [UInt8]) -> Bool { false }
    public static func agent(of event: Event, config: Config) -> String? { nil }
    public static func agentTracker(for config: Config) -> (Event) -> [String] {
        { event in agent(of: event, config: config).map { [$0] } ?? [] }
    }
    public static var ticksPerDay: Int64? { nil }
    public static func readsSharedLedger(_ config: Config) -> Bool { false }
    public static func asksOutsideDecisions(_ config: Config) -> Bool { false }
    public static func decisionSource(for config: Config) throws -> DecisionSource? { nil }
    public static func expectedRanges(for config: Config, metrics: [NamedMetric]) -> [MetricRange] {
        []
    }
    public static func expectedEvents(_ config: Config) -> Int64 { 100_000 }
    public static func excludedFromDigest(_ event: Event) -> Bool { false }

    @inlinable
    public static func check(frame bytes: [UInt8], firstSequence: UInt64, with checker: Checker)
        throws(FrameDecodeError) -> Int
    {
        var reader = CanonicalReader(bytes)
        var index = 0
        while !reader.isAtEnd {
            let start = reader.offset
            let event: Event
            do {
                event = try Event.decode(from: &reader)
            } catch {
                throw FrameDecodeError(event: index, error: error)
            }
            checker.observe(
                event, sequence: firstSequence + UInt64(index), size: reader.offset - start)
            index += 1
        }
        return index
    }
    public static func config(json: JSONValue) throws(ConfigError) -> Config {
        throw .malformed("\(identity.name) takes its config from its own command's options")
    }
}

/// The range a summary metric must fall in (inclusive).
public struct MetricRange: Equatable, Sendable {
    public var name: String
    public var low: Int64
    public var high: Int64

    public init(_ name: String, _ low: Int64, _ high: Int64) {
        self.name = name
        self.low = low
        self.high = high
    }
}

/// A run in progress: the harness calls `step` until it returns false.
public protocol ModelRun: AnyObject {
    /// Processes one step (emitting events, sealing frames and checkpoints into the sink);
    /// false when the run is over.
    func step() throws -> Bool
    /// True when the run has ended.
    var isFinished: Bool { get }
    /// The model's digest contribution: its events minus those it excludes (kill records), so
    /// a run with recovered kills equals the uninterrupted one. Stored in the ledger's head.
    var marketDigest: Digest32 { get }
    /// The next event's sequence number (events emitted so far).
    var nextSequence: UInt64 { get }
    /// Frames sealed so far.
    var framesSealed: Int { get }
    /// Summary metrics so far (golden files pin them by name).
    var summaryMetrics: [NamedMetric] { get }
    /// Where the run is, for progress lines ("scenario c day 3/30"), or nil.
    var progress: String? { get }
    /// A line of the model's live feed (one JSON object, a dashboard's update) when its last
    /// step produced one; `record --feed FILE` writes them. Outside every digest.
    var feedLine: String? { get }
}

extension ModelRun {
    /// Models without a live feed.
    public var feedLine: String? { nil }
}

/// How a checker samples expensive properties, and whether the history is a whole run.
public struct CheckOptions: Sendable {
    /// Every n-th eligible instance of a sampled property is probed (1: all).
    public var sampling: Int
    /// The events are a finished run, so properties of its end (every round recorded, the
    /// last event's follow-up present) are checked; false for the prefix an interrupted
    /// recording kept.
    public var runFinished: Bool

    public init(sampling: Int = 8, runFinished: Bool = true) {
        self.sampling = max(1, sampling)
        self.runFinished = runFinished
    }
}
