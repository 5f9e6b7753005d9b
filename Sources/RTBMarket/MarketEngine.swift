import RTBCore
import RTBEvents
import RTBTrace

/// The discrete-event market engine: runs the configured scenarios one after the other on the
/// same generated market, emitting every event to its log. It reads no clock and does no I/O:
/// frames and checkpoints go to the sink, and scenario C recovery reads the shared ledger
/// through `SharedLedgerReader`.
public final class MarketEngine: ModelRun {
    public let config: MarketConfig
    public let market: Market
    /// Frame size and checkpoint interval.
    public let layout: FrameLayout
    /// Test only: the deliberately broken behaviour to exhibit.
    let canary: Canary?
    let policy: any TradingPolicy
    /// Whether decisions are asked outside the engine (through `decisions`).
    let asksOutside: Bool
    /// The harness's channel for decisions taken outside the engine.
    let decisions: DecisionChannel
    var state: EngineState
    public internal(set) var log: EventLog
    let sink: FrameSink
    let ledger: SharedLedgerReader
    /// Size in bytes of the last appended event (for ledger entry costs).
    var lastEventSize = 0
    /// Scratch buffers of the open-auction fast path (not part of the state).
    var openBidCampaigns: [Int] = []
    var openBidCents: [Int64] = []
    /// The trading rules of each configured scenario, in run order.
    let rulesByScenario: [TradingRules]
    /// Steps processed since this object was created (not part of the state).
    public private(set) var stepsTaken = 0
    /// A failure of the outside world met inside an action (the shared ledger unreadable):
    /// `step` throws it once the action returns, before anything is sealed.
    var worldFailure: (any Error)?

    /// A fresh run; the environment's shared ledger reads back what its sink stored.
    public init(config: MarketConfig, environment: RunEnvironment) {
        precondition(config.validate() == nil, "engine started with an invalid config")
        self.config = config
        self.market = Market(config: config)
        self.layout = environment.layout
        self.canary = environment.canary.flatMap(Canary.init(rawValue:))
        self.policy = config.policy.make(config)
        self.asksOutside = config.policy.asksOutside
        self.decisions = environment.decisions
        self.rulesByScenario = Self.rules(of: config)
        self.sink = environment.sink
        self.ledger = environment.shared
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        state = EngineState()
        state.scheduler.schedule(.startScenario, at: 0)
    }

    /// Continues a run from a checkpoint's state bytes.
    public init(
        config: MarketConfig, restoring checkpoint: EngineCheckpoint, environment: RunEnvironment
    ) throws(CanonicalError) {
        self.config = config
        self.market = Market(config: config)
        self.layout = environment.layout
        self.canary = environment.canary.flatMap(Canary.init(rawValue:))
        self.policy = config.policy.make(config)
        self.asksOutside = config.policy.asksOutside
        self.decisions = environment.decisions
        self.rulesByScenario = Self.rules(of: config)
        self.sink = environment.sink
        self.ledger = environment.shared
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        state = try EngineState.decode(from: &reader)
        try reader.expectEnd()
        for index in state.metrics.indices { state.metrics[index].adopt(config) }
        guard state.isConsistent(with: self.market, config: config) else {
            throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
        }
    }

    /// True when every scenario has finished.
    public var isFinished: Bool { state.scenarioIndex >= config.scenarios.count }

    /// The scenario being run.
    var scenario: Scenario { config.scenarios[state.scenarioIndex] }

    /// The rules of the scenario being run.
    var rules: TradingRules { rulesByScenario[state.scenarioIndex] }

    /// Metrics per scenario (finished ones and the current one).
    public var metrics: [ScenarioMetrics] { state.metrics }

    /// Digest of every event except kill records (equal for a run with recovered kills in C).
    public var marketDigest: Digest32 { log.marketDigest }

    /// Runs to the end.
    public func run() throws {
        while try step() {}
    }

    /// Processes one scheduled action; false when the run is over.
    @discardableResult
    public func step() throws -> Bool {
        guard !isFinished, let next = state.scheduler.popNext() else { return false }
        precondition(next.tick >= state.now || next.action == .startScenario, "time went backwards")
        state.now = next.tick
        perform(next.action)
        stepsTaken += 1
        if let failure = worldFailure { throw failure }
        walkInvariants()
        let sealAll = isFinished || next.action == .finishScenario
        if try log.seal(
            into: sink, checkpointEvery: layout.checkpointEveryFrames, force: sealAll,
            finished: isFinished)
        {
            try sink.checkpoint(makeCheckpoint())
        }
        return !isFinished
    }

    func perform(_ action: Action) {
        switch action {
        case .startScenario: startScenario()
        case .startDay(let day): startDay(day)
        case .exchangeHour(let day, let hour): runExchangeHour(day: day, hour: hour)
        case .buyerReview(let buyer): reviewCampaigns(buyer: buyer)
        case .sellerRespond(let negotiation): respondToRfp(negotiation)
        case .buyerDecide(let campaign, let first, let count):
            decideOffers(campaign: campaign, negotiations: first..<first + count)
        case .counterResponse(let negotiation): respondToCounter(negotiation)
        case .deliveryRound(let day, let round): deliver(day: day, round: round)
        case .trafficSlice(let day, let minute): runTrafficSlice(day: day, minute: minute)
        case .kill(let agent): kill(agent)
        case .closeDay(let day): closeDay(day)
        case .finishScenario: finishScenario()
        }
    }

    /// The checkpoint of the current state (called right after a frame is sealed).
    public func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter(capacity: 1 << 16)
        log.encodePosition(into: &writer)
        state.encode(into: &writer)
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    // MARK: - Emission

    /// Emits one event of the current scenario at the current tick; applies it to the memories
    /// of the agents it concerns and, in scenario C, records it in the shared ledger.
    @discardableResult
    func emit(_ body: EventBody) -> UInt64 {
        let event = MarketEvent(scenario, tick: state.now, body)
        let before = log.pendingBytesCount
        let excluded = event.isKillRecord
        let sequence = log.append(event, excludedFromMarketDigest: excluded)
        if excluded { state.killRecords += 1 }
        lastEventSize = log.pendingBytesCount - before
        state.metrics[state.metrics.count - 1].observe(event)
        applyToMemories(event)
        if rules.writesSharedLedger, let payer = ledgerPayer(of: event) {
            recordLedgerEntry(kind: event.kind, payer: payer)
        }
        return sequence
    }

    /// Emits a run-level event (scenario code `run`).
    func emitRunEvent(_ body: EventBody) {
        let event = MarketEvent(.run, tick: 0, body)
        log.append(event)
        state.metrics[state.metrics.count - 1].observe(event)
    }

    func recordLedgerEntry(kind: EventKind, payer: AgentRef) {
        let entry = LedgerEntry(
            entry: state.nextLedgerEntry, recordedKind: Int64(kind.rawValue),
            sizeBytes: Int64(lastEventSize),
            cost: LedgerCostModel.cost(bytes: lastEventSize), payer: payer)
        state.nextLedgerEntry += 1
        let event = MarketEvent(scenario, tick: state.now, .ledgerEntry(entry))
        log.append(event)
        state.metrics[state.metrics.count - 1].observe(event)
    }

    /// Which agent writes (and pays for) an event in the shared ledger; nil if not recorded.
    func ledgerPayer(of event: MarketEvent) -> AgentRef? {
        EventParties.of(event.body).ledgerPayer.flatMap { resolve($0) }
    }

    /// Memory index of an agent: buyers first, then sellers.
    func memoryIndex(_ agent: AgentRef) -> Int {
        agent.kind == .buyer ? agent.index : config.buyers + agent.index
    }

    /// The agent owning memory slot `index`.
    func agent(atMemoryIndex index: Int) -> AgentRef {
        index < config.buyers ? .buyer(index) : .seller(index - config.buyers)
    }

    func applyToMemories(_ event: MarketEvent) {
        switch EventParties.of(event.body).memory {
        case .none:
            return
        case .everyone:
            for index in state.memories.indices {
                state.memories[index].apply(
                    event, agent: agent(atMemoryIndex: index), market: market,
                    claims: claimHandling)
            }
        case .parties(let buyer, let seller):
            if let buyer { applyToMemory(of: buyer, event) }
            if let seller { applyToMemory(of: seller, event) }
        }
    }

    func applyToMemory(of party: Party, _ event: MarketEvent) {
        guard let agent = resolve(party) else { return }
        state.memories[memoryIndex(agent)].apply(
            event, agent: agent, market: market, claims: claimHandling)
    }

    /// How this scenario's buyers treat offers' claims.
    var claimHandling: ClaimHandling {
        config.claimHandling(trustsClaims: rules.trustsClaims)
    }
}

/// The engine resolves every id from the market and its own state.
extension MarketEngine: PartyDirectory {
    public func buyer(ofCampaign campaign: Int) -> Int? { market.buyer(ofCampaign: campaign) }
    public func seller(ofProduct product: Int) -> Int? { market.seller(ofProduct: product) }

    public func campaign(ofNegotiation negotiation: Int) -> Int? {
        state.negotiations.indices.contains(negotiation)
            ? state.negotiations[negotiation].campaign : nil
    }

    public func product(ofNegotiation negotiation: Int) -> Int? {
        state.negotiations.indices.contains(negotiation)
            ? state.negotiations[negotiation].product : nil
    }

    public func campaign(ofDeal deal: Int) -> Int? {
        state.deals.indices.contains(deal) ? state.deals[deal].campaign : nil
    }

    public func product(ofDeal deal: Int) -> Int? {
        state.deals.indices.contains(deal) ? state.deals[deal].product : nil
    }
}

extension MarketEngine {
    /// The rules of each of the config's scenarios (validated to be trading models).
    static func rules(of config: MarketConfig) -> [TradingRules] {
        config.scenarios.map { scenario in
            guard let rules = TradingRules.of(scenario) else {
                preconditionFailure("a validated config runs trading models only")
            }
            return rules
        }
    }

    /// The next event's sequence number.
    public var nextSequence: UInt64 { log.nextSequence }
    /// Frames sealed so far.
    public var framesSealed: Int { log.framesSealed }
    /// Every counter and ratio of every scenario run so far, named as golden files pin them.
    public var summaryMetrics: [NamedMetric] { ScenarioMetrics.named(metrics) }
    /// "recording c day 3/30" while running.
    public var progress: String? {
        isFinished ? nil : "scenario \(currentScenarioName) day \(currentDay)/\(config.days)"
    }

    /// Name of the scenario being run ("a", "b" or "c").
    public var currentScenarioName: String { isFinished ? "-" : scenario.description }
    /// The simulated day of the current action.
    public var currentDay: Int { SimTime(tick: state.now).day }
}

extension MarketEngine {
    /// The action the next `step()` will perform (for harnesses that time or inspect it).
    public var nextAction: Action? { state.scheduler.peek?.action }

    /// An agent's current memory (for harnesses comparing it before and after a kill).
    public func memory(of agent: AgentRef) -> AgentMemory? {
        guard agent.kind != .exchange, !state.memories.isEmpty else { return nil }
        return state.memories[memoryIndex(agent)]
    }
}
