import RTBCore
import RTBTrace

/// A run of the auction lab: `runs` independent runs of `iterations` iterations of `rounds`
/// auction rounds. A run draws every agent's items; a round draws a context, samples the
/// participants, lets each pick an item and bid, allocates the slots and draws the clicks; an
/// iteration's end records every agent's accounts and lets the learners update.
///
/// Randomness comes from streams keyed by (run, iteration): one for the environment (contexts,
/// participants, slots, clicks) and one per agent (Thompson draws, shading); a checkpoint holds
/// their states, the learners' state and the iteration's data they will learn from.
public final class LabRun: ModelRun {
    enum Phase: UInt8 {
        case opening = 0
        case playing = 1
        case done = 2
    }

    public let config: LabConfig
    let layout: FrameLayout
    let sink: FrameSink
    let canary: String?
    var log: EventLog
    var phase = Phase.opening
    public internal(set) var run = 0
    public internal(set) var iteration = 0
    /// The next round of the iteration.
    var round = 0
    /// Whether the current run's agents have been recorded.
    var drawn = false

    var items: [ItemSet] = []
    /// Every agent's items flattened for the rounds: weights, and where each agent's items
    /// start (their values are in the round scratch, `RoundScratch.load`).
    var flatWeights: [Double] = []
    var firstItem: [Int] = []
    var bidderKinds: [BidderKind] = []
    /// Per agent, read every round: its budget, whether its bidder learns from data, whether
    /// its allocator is Thompson sampling.
    let budgets: [Int64]
    let learnsFromData: [Bool]
    let thompson: [Bool]
    /// Whether any learner keeps the iteration's data.
    let collectsData: Bool
    /// The user model: each user's persona in the current run, and per user and item (every
    /// agent's, flattened) the impressions seen (for fatigue); the round's user and factors.
    var userPersonas: [Int] = []
    var exposures: [UInt16] = []
    var user = 0
    var ctrFactor = 1.0
    var cvrFactor = 1.0
    var cvrPpm: Int64 = 1_000_000
    var posteriors: [LogisticPosterior?] = []
    var bidders: [BidderState] = []
    var accounts: [AgentAccounts]
    var spent: [Int64]
    var environment: RandomStream
    var agentStreams: [RandomStream]
    var accounting: RoundAccounting
    /// The iteration's data for the learners: per agent the bid samples, per agent and item the
    /// won impressions' observed contexts and clicks.
    var samples: [[BidSample]]
    var impressions: [[ImpressionData]]
    /// Market totals over the whole experiment (summary metrics).
    var totals = LabTotals()

    // Scratch of one round.
    var context: ContextDraw
    let scratch: RoundScratch
    /// The config's per-round constants, read once.
    let stride: Int
    let width: Int
    let hasUsers: Bool
    let clickBilling: Bool

    public init(config: LabConfig, environment: RunEnvironment) {
        self.config = config
        layout = environment.layout
        sink = environment.sink
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        let agents = config.agents.count
        budgets = config.agents.map(\.budget)
        learnsFromData = config.agents.map(\.bidder.learnsFromData)
        thompson = config.agents.map { $0.allocator == .thompson }
        collectsData = config.anyLearner
        accounts = Array(repeating: AgentAccounts(), count: agents)
        spent = Array(repeating: 0, count: agents)
        self.environment = RandomStream(seed: config.seed, key: StreamKey("auction-lab", "env"))
        agentStreams = []
        accounting = RoundAccounting(config: config)
        samples = Array(repeating: [], count: agents)
        impressions = Array(repeating: [], count: agents)
        context = ContextDraw(config: config)
        scratch = RoundScratch(
            participants: config.participants, stride: config.bidStride, agents: agents,
            slots: config.maxSlots, items: config.agents.map(\.items).max() ?? 1)
        stride = config.bidStride
        width = config.embeddingSize + 1
        hasUsers = config.hasUsers
        clickBilling = config.billing == .click
        startRun()
    }

    public var isFinished: Bool { phase == .done }

    public func step() throws -> Bool {
        switch phase {
        case .opening:
            emit(
                tick: 0,
                .labOpened(
                    LabOpened(
                        runs: config.runs, iterations: config.iterations,
                        rounds: Int64(config.rounds), agents: config.agents.count,
                        participants: config.participants, maxSlots: config.maxSlots,
                        priceRule: config.priceRule, billing: config.billing,
                        reserve: config.reserve, positionEffects: config.positionEffects)))
            phase = .playing
        case .playing:
            if !drawn { recordAgents() }
            playRounds()
            if round == config.rounds { closeIteration() }
        case .done:
            return false
        }
        if try log.seal(
            into: sink, checkpointEvery: layout.checkpointEveryFrames, force: isFinished,
            finished: isFinished)
        {
            try sink.checkpoint(makeCheckpoint())
        }
        return !isFinished
    }

    /// The tick of the next round (rounds counted over the whole experiment).
    var tick: Int64 {
        (Int64(run) * Int64(config.iterations) + Int64(iteration)) * Int64(config.rounds)
            + Int64(round)
    }

    /// A new run: items drawn, learners reset.
    func startRun() {
        items = config.agents.indices.map { ItemSet(config: config, run: run, agent: $0) }
        flatWeights = items.flatMap(\.weights)
        firstItem = items.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        bidderKinds = config.agents.map(\.bidder)
        scratch.load(
            items: items, firstItem: firstItem, thompson: thompson, kinds: bidderKinds,
            budgets: budgets)
        drawUsers()
        accounting.values = items.map(\.valueMicros)
        posteriors = config.agents.map {
            $0.allocator == .thompson
                ? LogisticPosterior(items: $0.items, width: config.observedSize + 1) : nil
        }
        bidders = config.agents.map { BidderState($0) }
        drawn = false
        startIteration()
    }

    /// A new iteration: its streams, empty accounts and data.
    func startIteration() {
        let key = StreamKey("auction-lab", "round").appending(run).appending(iteration)
        environment = RandomStream(seed: config.seed, key: key)
        agentStreams = config.agents.indices.map {
            RandomStream(
                seed: config.seed,
                key: StreamKey("auction-lab", "agent").appending(run).appending(iteration)
                    .appending($0))
        }
        for agent in config.agents.indices {
            accounts[agent] = AgentAccounts()
            spent[agent] = 0
            samples[agent].removeAll(keepingCapacity: true)
            if config.agents[agent].allocator == .thompson {
                impressions[agent] = Array(repeating: ImpressionData(), count: items[agent].count)
            }
        }
        round = 0
    }

    /// The run's users: each one's persona by the shares (one uniform draw each), and no
    /// exposures yet.
    func drawUsers() {
        guard config.hasUsers else { return }
        var stream = RandomStream(
            seed: config.seed, key: StreamKey("auction-lab", "users").appending(run))
        userPersonas = (0..<config.users).map { _ in
            guard !config.personas.isEmpty else { return 0 }
            let draw = Int64(stream.next(below: 1_000_000))
            var cumulative: Int64 = 0
            for (index, persona) in config.personas.enumerated() {
                cumulative += persona.sharePpm
                if draw < cumulative { return index }
            }
            return config.personas.count - 1
        }
        exposures =
            config.fatigueHalfLife > 0
            ? Array(repeating: 0, count: config.users * firstItem.last!) : []
    }

    func recordAgents() {
        for (index, spec) in config.agents.enumerated() {
            emit(
                tick: tick,
                .agentDrawn(
                    AgentDrawn(
                        run: run, agent: index, allocator: spec.allocator, bidder: spec.bidder,
                        budget: spec.budget, values: items[index].valueMicros,
                        embeddings: items[index].weights)))
        }
        if config.hasUsers {
            emit(
                tick: tick,
                .usersDrawn(UsersDrawn(run: run, personas: userPersonas.map(Int64.init))))
        }
        drawn = true
    }

    func emit(tick: Int64, _ body: LabEventBody) {
        log.append(LabEvent(tick: tick, body))
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }

    public var progress: String? {
        switch phase {
        case .opening: return nil
        case .playing:
            return "run \(run + 1)/\(config.runs) iteration \(iteration + 1)/\(config.iterations)"
        case .done: return nil
        }
    }

    public var summaryMetrics: [NamedMetric] { totals.metrics }
}

/// The won impressions of one item in an iteration: observed contexts (rows) and clicks.
struct ImpressionData: Equatable {
    var features: [Double] = []
    var clicks: [Bool] = []
}

/// A participant's choice in a round.
struct Choice {
    var agent = 0
    var item = 0
    var trueCTR = 0.0
    var estimate = 0.0
    var gamma = 0.0
    var sample = 0.0
}
