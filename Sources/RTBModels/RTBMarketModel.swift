import RTBChecking
import RTBCore
import RTBEvents
import RTBLLM
import RTBMarket
import RTBTrace

/// Seed 000's market: the same generated advertisers and publishers trading through an exchange
/// (A), directly (B) and over the shared ledger (C). Its ledgers are format 1 (the header names
/// no model; the config's first byte, its version 1, identifies it).
public enum RTBMarketModel: SimulationModel {
    public typealias Config = MarketConfig
    public typealias Run = MarketEngine
    public typealias Event = MarketEvent
    public typealias Checker = EconomicChecker

    public static let identity = ModelIdentity(name: "rtb-market", version: 1)
    public static var eventSchemaVersion: UInt32 { BuildInfo.eventSchemaVersion }
    public static var ledgerFormat: UInt32 { 1 }
    public static var invariants: [InvariantInfo] { Invariant.infos }
    public static var canaries: [String] { Canary.allCases.map(\.rawValue) }

    /// Open-traffic events per day and scenario, plus about 10,000 others a day.
    public static func expectedEvents(_ config: MarketConfig) -> Int64 {
        Int64(config.days) * (config.volume.requestsPerDay * Int64(config.scenarios.count) + 10_000)
    }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> MarketConfig {
        try MarketConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: MarketConfig) -> [UInt8] { config.canonicalBytes }

    public static func summary(of config: MarketConfig) -> String { config.summary }

    /// Market configs start with their format version, 1 to 4 (`MarketConfig.encode`).
    public static func claimsLegacyConfig(_ bytes: [UInt8]) -> Bool {
        bytes.first.map { (1...4).contains($0) } ?? false
    }

    public static func readsSharedLedger(_ config: MarketConfig) -> Bool {
        config.scenarios.contains(.c)
    }

    public static func asksOutsideDecisions(_ config: MarketConfig) -> Bool {
        config.policy.asksOutside
    }

    /// The service behind a policy that asks outside the engine.
    public static func decisionSource(for config: MarketConfig) throws -> DecisionSource? {
        switch config.policy {
        case .ruleBased, .mockLLM: return nil
        case .ruleBasedService: return RuleBasedService(config: config)
        case .llm:
            return try LLMDecisionService(config: config, environment: LLMEnvironment.current)
        }
    }

    public static func start(_ config: MarketConfig, in environment: RunEnvironment) throws
        -> MarketEngine
    {
        MarketEngine(config: config, environment: environment)
    }

    public static func restore(
        _ config: MarketConfig, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> MarketEngine {
        try MarketEngine(config: config, restoring: checkpoint, environment: environment)
    }

    public static func checker(for config: MarketConfig, options: CheckOptions)
        -> EconomicChecker
    {
        EconomicChecker(
            config: config, truthfulnessSampling: options.sampling, runFinished: options.runFinished
        )
    }

    /// Kill records: the kill and the recovery it triggers.
    public static func excludedFromDigest(_ event: MarketEvent) -> Bool { event.isKillRecord }

    public static func agent(of event: MarketEvent, config: MarketConfig) -> String? {
        EventParties.of(event.body).subject.flatMap { Market(config: config).resolve($0) }?
            .description
    }

    /// The seed's validity table for the default configuration (any seed); otherwise the
    /// properties every run must have (A's take rate within 10-20%, C recovering exactly).
    public static func expectedRanges(for config: MarketConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        var defaults = MarketConfig()
        defaults.seed = config.seed
        if config == defaults { return validityRanges }
        var ranges: [MetricRange] = []
        if config.scenarios.contains(.a),
            metrics.contains(where: { $0.name == "a.buyer_spend_micros" && $0.value > 0 })
        {
            ranges.append(MetricRange("a.take_rate_ppm", 100_000, 200_000))
        }
        if config.scenarios.contains(.c),
            metrics.contains(where: { $0.name == "c.recoveries" && $0.value > 0 })
        {
            ranges.append(MetricRange("c.recovery_rate_ppm", 1_000_000, 1_000_000))
        }
        return ranges
    }

    /// The seed's validity table for the default configuration.
    public static let validityRanges: [MetricRange] = [
        MetricRange("a.deals", 4_000, 6_000),
        MetricRange("a.take_rate_ppm", 100_000, 200_000),
        MetricRange("b.context_rot_events", 20, 50),
        MetricRange("b.hallucination_rate_ppm", 50_000, 150_000),
        MetricRange("c.recovery_rate_ppm", 1_000_000, 1_000_000),
        MetricRange("c.ledger_entries", 10_000, Int64.max),
    ]
}
