import RTBCore
import RTBTrace

/// A tatonnement run. Steps: the economy is recorded (one frame of agents per step), then one
/// round per step (prices announced, excess demand measured, prices updated) until the
/// largest relative excess demand is below the tolerance or the round limit is reached; a
/// converged run then records every agent's bundle at the equilibrium prices.
///
/// State: the phase, the next agent to record, the round and the prices; the economy itself
/// is redrawn from the config on restore (it depends on nothing else).
public final class EquilibriumRun: ModelRun {
    enum Phase: UInt8 {
        case economy = 0
        case rounds = 1
        case allocation = 2
        case done = 3
    }

    public let config: EconomyConfig
    public let economy: Economy
    let layout: FrameLayout
    let sink: FrameSink
    let parallel: ParallelWork
    let canary: String?
    var log: EventLog
    var phase = Phase.economy
    var cursor = 0
    var round = 1
    var prices: [Double]
    /// The exact excess demand at the final prices (after the last round).
    var finalExcess: [Double] = []
    public private(set) var outcome: TatonnementOutcome?

    public init(config: EconomyConfig, environment: RunEnvironment) {
        self.config = config
        layout = environment.layout
        sink = environment.sink
        parallel = environment.parallel
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        economy = Economy(config: config, parallel: environment.parallel)
        prices = Tatonnement.startPrices(config)
    }

    public convenience init(
        config: EconomyConfig, checkpoint: EngineCheckpoint, environment: RunEnvironment
    ) throws(CanonicalError) {
        self.init(config: config, environment: environment)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        guard let phase = Phase(rawValue: try reader.u8()) else {
            throw .valueOutOfRange(offset: reader.offset - 1, value: 0, limit: 3)
        }
        self.phase = phase
        cursor = try reader.int()
        round = try reader.int()
        prices = try reader.reals()
        finalExcess = try reader.reals()
        let code = try reader.u8()
        outcome = code == 255 ? nil : TatonnementOutcome(rawValue: code)
        try reader.expectEnd()
    }

    public var isFinished: Bool { phase == .done }

    public func step() throws -> Bool {
        switch phase {
        case .economy: recordAgents()
        case .rounds: runRound()
        case .allocation: recordBundles()
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

    /// Records agents until a frame is full.
    func recordAgents() {
        if cursor == 0 {
            emit(
                tick: 0,
                .economyDrawn(
                    EconomyDrawn(
                        agents: config.agents, goods: config.goods,
                        preference: config.preference, elasticity: config.sigma,
                        startPrices: prices)))
        }
        let goods = config.goods
        while cursor < config.agents && log.pendingBytesCount < layout.frameTargetBytes {
            let row = cursor * goods..<(cursor + 1) * goods
            emit(
                tick: 0,
                .agentDrawn(
                    AgentDrawn(
                        agent: cursor, endowment: Array(economy.endowments[row]),
                        weights: Array(economy.weights[row]))))
            cursor += 1
        }
        if cursor == config.agents {
            phase = .rounds
            cursor = 0
        }
    }

    /// One round: announce, measure, stop or update.
    func runRound() {
        var excess: [Double]
        var bound: [Double] = []
        if config.sample > 0 {
            (excess, bound) = Tatonnement.sampledExcess(
                economy, at: prices, size: config.sample, seed: config.seed, round: round,
                parallel: parallel)
        } else {
            excess = economy.excessDemand(at: prices, parallel: parallel)
        }
        var recordedPrices = prices
        var recordedExcess = excess
        if canary == "walras-skew" && round == 2 { recordedExcess[0] += 0.01 * economy.totals[0] }
        if canary == "negative-price" && round == 3 {
            recordedPrices[config.goods - 1] = -recordedPrices[config.goods - 1]
        }
        emit(
            tick: Int64(round),
            .roundPriced(
                RoundPriced(
                    round: round, prices: recordedPrices, excess: recordedExcess, bound: bound)
            ))
        let largest = Tatonnement.largestRelativeExcess(excess, totals: economy.totals)
        let stops = largest < config.tolerance || (canary == "early-stop" && round == 2)
        if stops || round == config.maxRounds {
            finish(estimate: excess, stoppedInside: stops)
            return
        }
        let step = canary == "wrong-step" && round == 4 ? 2 * config.step : config.step
        prices = Tatonnement.update(prices, excess: excess, totals: economy.totals, step: step)
        round += 1
    }

    /// The end of the rounds: the exact excess at the final prices decides the outcome.
    func finish(estimate: [Double], stoppedInside: Bool) {
        finalExcess =
            config.sample > 0 ? economy.excessDemand(at: prices, parallel: parallel) : estimate
        let exactInside =
            Tatonnement.largestRelativeExcess(finalExcess, totals: economy.totals)
            < config.tolerance
        let ended: TatonnementOutcome
        if canary == "early-stop" && stoppedInside {
            ended = .converged
        } else if stoppedInside {
            ended = exactInside ? .converged : .sampleNotExact
        } else {
            ended = .roundLimit
        }
        outcome = ended
        emit(
            tick: Int64(round),
            .tatonnementEnded(
                TatonnementEnded(rounds: round, outcome: ended, prices: prices, excess: finalExcess)
            ))
        phase = ended == .converged ? .allocation : .done
        cursor = 0
    }

    /// Records bundles at the final prices until a frame is full.
    func recordBundles() {
        let factors = economy.roundFactors(prices)
        var bundle = [Double](repeating: 0, count: config.goods)
        while cursor < config.agents && log.pendingBytesCount < layout.frameTargetBytes {
            economy.demand(of: cursor, prices: prices, factors: factors, into: &bundle)
            if canary == "overspend" && cursor == 0 { bundle = bundle.map { $0 * 1.01 } }
            if canary == "suboptimal" && cursor == 1 {
                let moved = 0.1 * bundle[0]
                bundle[0] -= moved
                bundle[1] += moved * prices[0] / prices[1]
            }
            emit(
                tick: Int64(round + 1),
                .bundleAllocated(BundleAllocated(agent: cursor, bundle: bundle)))
            cursor += 1
        }
        if cursor == config.agents { phase = .done }
    }

    func emit(tick: Int64, _ body: EconomyEventBody) {
        log.append(EconomyEvent(tick: tick, body))
    }

    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.u8(phase.rawValue)
        writer.varint(cursor)
        writer.varint(round)
        writer.reals(prices)
        writer.reals(finalExcess)
        writer.u8(outcome?.rawValue ?? 255)
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }

    public var progress: String? {
        switch phase {
        case .economy: return "economy \(cursor)/\(config.agents) agents"
        case .rounds: return "round \(round)/\(config.maxRounds)"
        case .allocation: return "allocation \(cursor)/\(config.agents) agents"
        case .done: return nil
        }
    }

    /// The current prices (the equilibrium ones once the run has converged).
    public var currentPrices: [Double] { prices }

    public var summaryMetrics: [NamedMetric] {
        EquilibriumMetrics.metrics(
            agents: config.agents, rounds: outcome == nil ? round - 1 : round, outcome: outcome,
            finalExcess: finalExcess, totals: economy.totals)
    }
}

/// The summary metrics of a run, the same whether taken from the engine or from the events.
public enum EquilibriumMetrics {
    public static func metrics(
        agents: Int, rounds: Int, outcome: TatonnementOutcome?, finalExcess: [Double],
        totals: [Double]
    ) -> [NamedMetric] {
        let largest =
            finalExcess.isEmpty ? 0 : Tatonnement.largestRelativeExcess(finalExcess, totals: totals)
        let ppb = largest.isFinite ? Int64((min(largest, 1e9) * 1e9).rounded()) : -1
        return [
            NamedMetric("agents", Int64(agents)),
            NamedMetric("rounds", Int64(rounds)),
            NamedMetric("converged", outcome == .converged ? 1 : 0),
            NamedMetric("final_max_relative_excess_ppb", ppb),
        ]
    }
}
