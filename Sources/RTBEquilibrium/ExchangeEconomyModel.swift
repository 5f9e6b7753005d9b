import RTBCore
import RTBTrace

/// Seed 001's market equilibrium: an exchange economy (N agents, G goods, Cobb-Douglas, CES
/// or Leontief preferences) whose prices are found by tatonnement, every round recorded.
public enum ExchangeEconomyModel: SimulationModel {
    public typealias Config = EconomyConfig
    public typealias Run = EquilibriumRun
    public typealias Event = EconomyEvent
    public typealias Checker = EquilibriumChecker

    public static let identity = ModelIdentity(name: "exchange-economy", version: 1)
    public static var eventSchemaVersion: UInt32 { EconomyEvent.schemaVersion }
    public static var invariants: [InvariantInfo] { EquilibriumChecker.invariants }
    public static var canaries: [String] {
        ["walras-skew", "negative-price", "wrong-step", "early-stop", "overspend", "suboptimal"]
    }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> EconomyConfig {
        try EconomyConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: EconomyConfig) -> [UInt8] { config.canonicalBytes }

    public static func config(json: JSONValue) throws(ConfigError) -> EconomyConfig {
        try EconomyConfig(json: json)
    }

    public static func summary(of config: EconomyConfig) -> String {
        var line =
            "exchange economy: seed \(config.seed), \(config.economy), \(config.agents) agents, "
            + "\(config.goods) goods, \(config.preference)"
        if config.preference == .ces { line += " (sigma \(config.elasticity))" }
        line +=
            ", step \(config.step), tolerance \(config.tolerance), at most \(config.maxRounds) rounds"
        if config.sample > 0 { line += ", sampled excess demand (\(config.sample) agents a round)" }
        return line
    }

    public static func start(_ config: EconomyConfig, in environment: RunEnvironment) throws
        -> EquilibriumRun
    {
        EquilibriumRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: EconomyConfig, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> EquilibriumRun {
        try EquilibriumRun(config: config, checkpoint: checkpoint, environment: environment)
    }

    public static func checker(for config: EconomyConfig, options: CheckOptions)
        -> EquilibriumChecker
    {
        EquilibriumChecker(config: config, runFinished: options.runFinished)
    }

    public static func agent(of event: EconomyEvent, config: EconomyConfig) -> String? {
        switch event.body {
        case .agentDrawn(let drawn): return "agent \(drawn.agent)"
        case .bundleAllocated(let bundle): return "agent \(bundle.agent)"
        case .economyDrawn, .roundPriced, .tatonnementEnded: return nil
        }
    }

    public static func expectedRanges(for config: EconomyConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        var ranges = [
            MetricRange("agents", Int64(config.agents), Int64(config.agents)),
            MetricRange("rounds", 1, Int64(config.maxRounds)),
        ]
        // Gross substitutes (Cobb-Douglas; CES with sigma >= 1), scanned exactly: tatonnement
        // converges, so a golden run that does not is wrong.
        let substitutes =
            config.preference == .cobbDouglas
            || (config.preference == .ces && config.elasticity >= 1)
        if config.economy == .seeded && substitutes && config.sample == 0 {
            ranges.append(MetricRange("converged", 1, 1))
        }
        return ranges
    }

    public static func expectedEvents(_ config: EconomyConfig) -> Int64 {
        2 * Int64(config.agents) + Int64(min(config.maxRounds, 1_000)) + 2
    }
}
