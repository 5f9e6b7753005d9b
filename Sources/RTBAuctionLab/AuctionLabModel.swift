import RTBCore
import RTBTrace

/// Seed 003's auction lab: AuctionGym's simulation (contexts, items with logistic CTRs,
/// generalised first- and second-price auctions over slots with a reserve and position
/// effects, learning allocators and bidders, regret accounting), every round recorded
/// (docs/auction-lab.md).
public enum AuctionLabModel: SimulationModel {
    public typealias Config = LabConfig
    public typealias Run = LabRun
    public typealias Event = LabEvent
    public typealias Checker = LabChecker

    public static let identity = ModelIdentity(name: "auction-lab", version: 1)
    public static var eventSchemaVersion: UInt32 { LabEvent.schemaVersion }
    public static var invariants: [InvariantInfo] { LabChecker.invariants }
    public static var canaries: [String] {
        [
            "pay-own-bid", "skip-best", "overcharge", "overspend", "revenue-leak", "regret-leak",
            "phantom-update", "drop-round",
        ]
    }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> LabConfig {
        try LabConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: LabConfig) -> [UInt8] { config.canonicalBytes }

    public static func config(json: JSONValue) throws(ConfigError) -> LabConfig {
        try LabConfig(json: json)
    }

    public static func summary(of config: LabConfig) -> String {
        var parts = [
            "auction lab: \(config.tag)",
            "\(config.runs) run\(config.runs == 1 ? "" : "s") x \(config.iterations) iteration\(config.iterations == 1 ? "" : "s") x \(config.rounds) rounds",
            "\(config.agents.count) agents, \(config.participants) per round",
            "\(config.priceRule), \(config.maxSlots) slot\(config.maxSlots == 1 ? "" : "s")",
            "pay per \(config.billing)",
        ]
        if config.reserve > 0 { parts.append("reserve \(Double(config.reserve) / 1e6)") }
        if config.hasUsers {
            parts.append(
                "\(config.users) users"
                    + (config.personas.isEmpty ? "" : ", \(config.personas.count) personas")
                    + (config.fatigueHalfLife > 0
                        ? ", fatigue half-life \(config.fatigueHalfLife)" : ""))
        }
        return parts.joined(separator: ", ")
    }

    public static func start(_ config: LabConfig, in environment: RunEnvironment) throws -> LabRun {
        LabRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: LabConfig, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> LabRun {
        try LabRun(config: config, checkpoint: checkpoint, environment: environment)
    }

    public static func checker(for config: LabConfig, options: CheckOptions) -> LabChecker {
        LabChecker(config: config, runFinished: options.runFinished)
    }

    public static func agent(of event: LabEvent, config: LabConfig) -> String? {
        switch event.body {
        case .agentDrawn(let drawn): return "agent \(drawn.agent)"
        case .bidderUpdated(let update): return "agent \(update.agent)"
        case .allocatorUpdated(let update): return "agent \(update.agent)"
        case .agentIteration(let summary): return "agent \(summary.agent)"
        case .roundPlayed, .labOpened, .iterationClosed, .usersDrawn: return nil
        }
    }

    public static func agentTracker(for config: LabConfig) -> (LabEvent) -> [String] {
        { event in
            if case .roundPlayed(let round) = event.body {
                return (0..<round.bids.rows).map { "agent \(round.bids[$0, 0])" }
            }
            return agent(of: event, config: config).map { [$0] } ?? []
        }
    }

    public static func expectedRanges(for config: LabConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        let iterations = Int64(config.runs) * Int64(config.iterations)
        let participations = config.totalRounds * Int64(config.participants)
        return [
            MetricRange("iterations", iterations, iterations),
            MetricRange("participations", participations, participations),
            MetricRange("wins", 0, config.totalRounds * Int64(config.maxSlots)),
        ]
    }

    public static func expectedEvents(_ config: LabConfig) -> Int64 {
        config.totalRounds + Int64(config.runs * config.iterations * (config.agents.count + 1))
    }
}
