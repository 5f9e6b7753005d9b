import RTBCore
import RTBTrace

/// Seed 003's offline pipeline made honest: baselines -> Monte Carlo forecasts -> a per-creative
/// auction study against competitors that can outbid us (with a bid x quality sensitivity grid)
/// -> a Thompson-sampling allocator -> slates compared with the forecast reference; the
/// reference's behaviour (an auction decided before it starts, phantom bandit updates) as
/// `mode: reference` (docs/creative-pipeline.md).
public enum CreativePipelineModel: SimulationModel {
    public typealias Config = PipelineConfig
    public typealias Run = PipelineRun
    public typealias Event = PipeEvent
    public typealias Checker = PipelineChecker

    public static let identity = ModelIdentity(name: "creative-pipeline", version: 1)
    public static var eventSchemaVersion: UInt32 { PipeEvent.schemaVersion }
    public static var invariants: [InvariantInfo] { PipelineChecker.invariants }
    public static var canaries: [String] {
        [
            "unsorted-forecast", "overcharge", "lost-click", "fund-leak", "phantom-update",
            "inflate-precision",
        ]
    }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> PipelineConfig {
        try PipelineConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: PipelineConfig) -> [UInt8] { config.canonicalBytes }

    public static func config(json: JSONValue) throws(ConfigError) -> PipelineConfig {
        try PipelineConfig(json: json)
    }

    public static func summary(of config: PipelineConfig) -> String {
        "creative pipeline: \(config.tag), \(config.creatives.count) creatives, \(config.mode) mode, "
            + "budget \(config.budget / 1_000_000) dollars, \(config.rounds) rounds per creative, "
            + "\(config.points) grid points, \(config.days) bandit days, slate \(config.slate)"
    }

    public static func start(_ config: PipelineConfig, in environment: RunEnvironment) throws
        -> PipelineRun
    {
        PipelineRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: PipelineConfig, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> PipelineRun {
        try PipelineRun(config: config, checkpoint: checkpoint, environment: environment)
    }

    public static func checker(for config: PipelineConfig, options: CheckOptions) -> PipelineChecker
    {
        PipelineChecker(config: config, runFinished: options.runFinished)
    }

    public static func expectedRanges(for config: PipelineConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        let creatives = Int64(config.creatives.count)
        let rounds = creatives * Int64(config.rounds)
        let spend = config.budget * Int64(config.days)
        return [
            MetricRange("creatives", creatives, creatives),
            MetricRange("study_rounds", rounds, rounds),
            MetricRange("study_wins", 0, rounds),
            MetricRange("bandit_spend_micros", spend, spend),
        ]
    }

    public static func expectedEvents(_ config: PipelineConfig) -> Int64 {
        Int64(config.creatives.count)
            * (Int64(config.rounds) + Int64(config.points - 1) * Int64(config.sensitivityRounds))
    }
}
