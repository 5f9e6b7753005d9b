import RTBCore
import RTBTrace

/// Seed 002's peer-to-peer electricity market: N prosumers with load and PV profiles trade
/// their net need every five minutes in a continuous double auction or a periodic call
/// auction, deciding by an optimizer's or a satisficer's rule (docs/electricity.md).
public enum P2PElectricityModel: SimulationModel {
    public typealias Config = ElectricityConfig
    public typealias Run = ElectricityRun
    public typealias Event = PowerEvent
    public typealias Checker = ElectricityChecker

    public static let identity = ModelIdentity(name: "p2p-electricity", version: 1)
    public static var eventSchemaVersion: UInt32 { PowerEvent.schemaVersion }
    public static var invariants: [InvariantInfo] { ElectricityChecker.invariants }
    public static var canaries: [String] {
        [
            "skip-best", "taker-price", "crossed-book", "overfill", "over-need", "cap-leak",
            "inflate-welfare", "bound-skip", "off-tick", "split-price",
        ]
    }
    /// Ticks are intervals (five minutes), not seconds.
    public static var ticksPerDay: Int64? { nil }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> ElectricityConfig {
        try ElectricityConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: ElectricityConfig) -> [UInt8] {
        config.canonicalBytes
    }

    public static func config(json: JSONValue) throws(ConfigError) -> ElectricityConfig {
        try ElectricityConfig(json: json)
    }

    public static func summary(of config: ElectricityConfig) -> String {
        var parts = ["p2p electricity: \(config.tag)", "\(config.intervals) intervals"]
        parts.append(
            config.mechanism == .cda ? "cda" : "call auction (\(config.pricing))")
        parts.append("info \(config.infoSet)")
        if config.feederCapWatts > 0 {
            parts.append(
                "feeder cap \(config.feederCapWatts / 1_000) kW"
                    + (config.mechanism == .cda && !config.capInCDA ? " (bound only)" : ""))
        }
        if config.expiry > 0 { parts.append("expiry \(config.expiry) intervals") }
        parts.append("sigma \(config.priceSigma) c, \(config.semantics.name) semantics")
        return parts.joined(separator: ", ")
    }

    public static func start(_ config: ElectricityConfig, in environment: RunEnvironment) throws
        -> ElectricityRun
    {
        ElectricityRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: ElectricityConfig, from checkpoint: EngineCheckpoint,
        in environment: RunEnvironment
    ) throws -> ElectricityRun {
        try ElectricityRun(config: config, checkpoint: checkpoint, environment: environment)
    }

    public static func checker(for config: ElectricityConfig, options: CheckOptions)
        -> ElectricityChecker
    {
        ElectricityChecker(config: config, runFinished: options.runFinished)
    }

    public static func agent(of event: PowerEvent, config: ElectricityConfig) -> String? {
        switch event.body {
        case .prosumerDrawn(let drawn): return "agent \(drawn.agent)"
        case .orderSubmitted(let order): return "agent \(order.agent)"
        case .orderRemoved(let removal): return "agent \(removal.agent)"
        case .trade(let trade): return "agent \(trade.buyer)"
        case .marketOpened, .intervalCleared: return nil
        }
    }

    public static func agentTracker(for config: ElectricityConfig) -> (PowerEvent) -> [String] {
        { event in
            if case .trade(let trade) = event.body {
                return ["agent \(trade.buyer)", "agent \(trade.seller)"]
            }
            return agent(of: event, config: config).map { [$0] } ?? []
        }
    }

    public static func expectedRanges(for config: ElectricityConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        [
            MetricRange("agents", Int64(config.agents), Int64(config.agents)),
            MetricRange("intervals", Int64(config.intervals), Int64(config.intervals)),
            MetricRange("w_hat_mean_ppm", 0, config.semantics.boundAtTick ? 1_000_000 : 1_100_000),
        ]
    }

    public static func expectedEvents(_ config: ElectricityConfig) -> Int64 {
        Int64(config.agents) * Int64(config.intervals) * 3
    }
}
