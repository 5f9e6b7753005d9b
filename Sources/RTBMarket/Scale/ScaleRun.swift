import RTBCore
import RTBEvents
import RTBTrace

/// A scale-mode run (seed 001): one step is one auction round. Each round the agents are
/// scanned in contiguous chunks (in parallel when the environment offers workers), the partial
/// results merged in agent order and the winners settled, so the outcome is bit-identical for
/// any number of workers. Scale runs take no checkpoints.
public final class ScaleRun: ModelRun {
    public let config: ScaleConfig
    var market: ScaleMarket
    public private(set) var log: EventLog
    let sink: FrameSink
    let parallel: ParallelWork
    let bounds: [Int]
    public private(set) var round = 0
    /// Bids placed so far (agents whose bid met the reserve and their budget).
    public private(set) var bidsPlaced: Int64 = 0

    public init(config: ScaleConfig, environment: RunEnvironment) {
        precondition(config.validate() == nil, "invalid scale config")
        self.config = config
        market = ScaleMarket(config: config)
        sink = environment.sink
        parallel = environment.parallel
        log = EventLog(
            frameTargetBytes: environment.layout.frameTargetBytes,
            perturbation: environment.perturbation)
        let workers = max(1, min(environment.parallel.workers, config.agents))
        // More chunks than workers, so a slower core takes fewer of them; merged in agent order.
        let chunks = workers == 1 ? 1 : min(workers * 8, config.agents)
        bounds = (0...chunks).map { config.agents * $0 / chunks }
        log.append(
            MarketEvent(
                .run, tick: 0,
                .runStarted(
                    RunStarted(
                        seed: config.seed, configDigest: Sha256.hash(config.canonicalBytes),
                        days: 0, scenarios: 0))))
    }

    public var isFinished: Bool { round >= config.rounds }

    public func step() throws -> Bool {
        guard !isFinished else { return false }
        // The scan reads a local copy of the agents (their arrays are shared, not copied): the
        // optimizer keeps a local's buffers in registers, not a class property's.
        let snapshot = market
        let current = round
        let parts: [ScaleMarket.PartialTop]
        if bounds.count == 2 {
            parts = [snapshot.scan(0..<config.agents, round: current)]
        } else {
            let bounds = self.bounds
            parts = parallel.map(bounds.count - 1) { chunk in
                snapshot.scan(bounds[chunk]..<bounds[chunk + 1], round: current)
            }
        }
        let top = market.merge(parts)
        bidsPlaced += Int64(top.bidders)
        log.append(
            MarketEvent(
                .run, tick: Int64(round), .scaleRound(market.settle(round: round, top: top))))
        round += 1
        if let frame = log.sealIfDue(force: isFinished) { try sink.seal(frame) }
        return !isFinished
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }
    /// Total paid by all agents so far.
    public var totalSpendCents: Int64 { market.totalSpendCents }

    public var summaryMetrics: [NamedMetric] {
        [
            NamedMetric("rounds", Int64(round)), NamedMetric("bids_placed", bidsPlaced),
            NamedMetric("total_spend_cents", totalSpendCents),
        ]
    }

    public var progress: String? { isFinished ? nil : "round \(round + 1)/\(config.rounds)" }
}
