import RTBCore
import RTBTrace

/// A run of the P2P electricity market. Steps: the market and its prosumers are recorded (one
/// frame of prosumers per step), then one five-minute interval per step: orders older than the
/// expiry leave, agents decide in turn (each decision one order, matched on arrival in the
/// CDA, collected for the batch in the call auction), and the interval's accounts close it.
///
/// State between intervals: the book, the next order number, every agent's quote stream and
/// learner memory, and the totals; the prosumers are redrawn from the config on restore.
public final class ElectricityRun: ModelRun {
    enum Phase: UInt8 {
        case opening = 0
        case trading = 1
        case done = 2
    }

    public let config: ElectricityConfig
    public let prosumers: [Prosumer]
    let layout: FrameLayout
    let sink: FrameSink
    let measurements: MeasurementSink?
    let canary: String?
    var log: EventLog
    var phase = Phase.opening
    var cursor = 0
    /// The next interval to clear.
    public internal(set) var interval = 0
    public internal(set) var book = OrderBook()
    var nextOrder: UInt64 = 0
    var quoteStreams: [RandomStream]
    var learners: [LearnerMemory]
    var totals = ElectricityTotals()
    /// Per agent: decisions, offers seen, solver calls (the per-agent means of the study).
    var agentDecisions: [Int64]
    var agentOffers: [Int64]
    var agentCalls: [Int64]
    /// Wall-clock nanoseconds each agent's decisions took, and how many were timed (since the
    /// start or the resume): a measurement, never read by the run nor checkpointed.
    public private(set) var decisionNanos: [UInt64]
    var decisionsTimed: [UInt64]

    /// The interval being cleared: its accounts, its new orders (for the planner bound) and
    /// the learners' orders waiting for their reward.
    var current = IntervalAccounts()

    public init(config: ElectricityConfig, environment: RunEnvironment) {
        self.config = config
        layout = environment.layout
        sink = environment.sink
        measurements = environment.measurements
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        let shapes = Prosumer.Shapes()
        prosumers = (0..<config.agents).map { Prosumer(index: $0, config: config, shapes: shapes) }
        quoteStreams = (0..<config.agents).map {
            RandomStream(seed: config.seed, key: StreamKey("electricity", "quote").appending($0))
        }
        learners = Array(
            repeating: LearnerMemory(), count: config.rule == .learner ? config.agents : 0)
        agentDecisions = Array(repeating: 0, count: config.agents)
        agentOffers = agentDecisions
        agentCalls = agentDecisions
        decisionNanos = Array(repeating: 0, count: config.agents)
        decisionsTimed = decisionNanos
    }

    public var isFinished: Bool { phase == .done }

    public func step() throws -> Bool {
        switch phase {
        case .opening: recordProsumers()
        case .trading: clearInterval()
        case .done: return false
        }
        if try log.seal(
            into: sink, checkpointEvery: layout.checkpointEveryFrames, force: isFinished,
            finished: isFinished)
        {
            try sink.checkpoint(makeCheckpoint())
        }
        return !isFinished
    }

    /// Records the market, then prosumers until a frame is full.
    func recordProsumers() {
        if cursor == 0 {
            emit(
                tick: 0,
                .marketOpened(
                    MarketOpened(
                        agents: config.agents, intervals: config.intervals,
                        mechanism: config.mechanism, pricing: config.pricing,
                        infoSet: config.infoSet, capMicroKWh: config.capMicroKWh,
                        capEnforced: capEnforced)))
        }
        while cursor < config.agents && log.pendingBytesCount < layout.frameTargetBytes {
            let prosumer = prosumers[cursor]
            emit(
                tick: 0,
                .prosumerDrawn(
                    ProsumerDrawn(
                        agent: cursor, rule: config.rule, tauPpm: config.tau(of: cursor),
                        k: config.k(of: cursor), markup: prosumer.markup,
                        discount: prosumer.discount, net: prosumer.net)))
            cursor += 1
        }
        if cursor == config.agents {
            phase = .trading
            cursor = 0
        }
    }

    /// The interval where a canary plants its defect: the middle of the run.
    var canaryInterval: Int { config.intervals / 2 }

    /// Whether trades respect the feeder cap: always in the call auction, in the CDA when asked.
    var capEnforced: Bool {
        config.capMicroKWh > 0 && (config.mechanism == .call || config.capInCDA)
    }

    /// The agents in this interval's decision order: by index, or a seeded shuffle.
    func decisionOrder() -> [Int] {
        var order = Array(0..<config.agents)
        guard config.semantics.shuffledOrder else { return order }
        var stream = RandomStream(
            seed: config.seed, key: StreamKey("electricity", "order").appending(interval))
        for index in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(index, Int(stream.next(below: UInt64(index + 1))))
        }
        return order
    }

    func emit(tick: Int64, _ body: PowerEventBody) {
        log.append(PowerEvent(tick: tick, body))
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }

    public var progress: String? {
        switch phase {
        case .opening: return "prosumers \(cursor)/\(config.agents)"
        case .trading: return "interval \(interval)/\(config.intervals)"
        case .done: return nil
        }
    }

    public var summaryMetrics: [NamedMetric] {
        totals.metrics(
            agents: config.agents, decisions: agentDecisions, offers: agentOffers,
            calls: agentCalls, resting: Int64(book.count(.buy) + book.count(.sell)))
    }

    /// Decisions taken so far (every agent's).
    public var decisionsTaken: Int64 { agentDecisions.reduce(0, +) }
    /// Opposite orders looked at so far: offers seen plus solver calls, over every decision.
    public var offersLookedAt: Int64 { agentOffers.reduce(0, +) + agentCalls.reduce(0, +) }

    /// Each agent's mean decision time and the mean over agents, filed under the last event.
    func fileTimings() {
        guard let measurements, log.nextSequence > 0 else { return }
        let last = log.nextSequence - 1
        var meanOfMeans = 0.0
        let timed = decisionsTimed.filter { $0 > 0 }.count
        for agent in 0..<config.agents where decisionsTimed[agent] > 0 {
            let mean = Double(decisionNanos[agent]) / Double(decisionsTimed[agent])
            meanOfMeans += mean / Double(timed)
            measurements.measure(
                sequence: last, name: "decision.wall_ns.agent.\(agent)", value: mean, unit: "ns")
        }
        measurements.measure(
            sequence: last, name: "decision.wall_ns.mean_of_agents", value: meanOfMeans, unit: "ns")
    }

    /// Adds one decision's wall-clock time to its agent (a measurement only).
    @inline(__always)
    func timed<T>(_ agent: Int, _ body: () -> T) -> T {
        let clock = ContinuousClock()  // determinism-ok: a measurement, never read by the run
        let start = clock.now
        let result = body()
        let (seconds, attoseconds) = (clock.now - start).components
        decisionNanos[agent] &+=
            UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
        decisionsTimed[agent] &+= 1
        return result
    }
}
