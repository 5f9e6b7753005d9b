import RTBCore
import RTBTrace

/// Seed 004's campaign atomization: a campaign split into test cells over the product of its
/// dimensions, delivered by a simulated DSP, and steered by agents (monitor, budget
/// reallocation, lifecycle) whose every move is an event (docs/atomization.md).
public enum CampaignAtomizationModel: SimulationModel {
    public typealias Config = AtomizationConfig
    public typealias Run = AtomizationRun
    public typealias Event = AtomEvent
    public typealias Checker = AtomizationChecker

    public static let identity = ModelIdentity(name: "campaign-atomization", version: 2)
    public static var eventSchemaVersion: UInt32 { AtomEvent.schemaVersion }
    public static var invariants: [InvariantInfo] { AtomizationChecker.invariants }
    public static var canaries: [String] {
        [
            "leak-budget", "overspend", "bad-fraction", "phantom-touch", "early-graduate",
            "zombie-cell", "false-fatigue", "bad-priority", "wrong-rotation", "misplaced-cell",
            "wrong-pattern", "false-discovery", "loose-merge", "unearned-weight",
            "inflated-lift",
        ]
    }
    public static var ticksPerDay: Int64? { 86_400 }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> AtomizationConfig {
        try AtomizationConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: AtomizationConfig) -> [UInt8] {
        config.canonicalBytes
    }

    public static func config(json: JSONValue) throws(ConfigError) -> AtomizationConfig {
        try AtomizationConfig(json: json)
    }

    public static func summary(of config: AtomizationConfig) -> String {
        let agents = [
            config.monitor ? "monitor" : nil, config.reallocation ? "reallocation" : nil,
            config.lifecycle ? "lifecycle" : nil, config.fatigue ? "fatigue" : nil,
            config.synthesizer ? "synthesizer" : nil,
        ].compactMap { $0 }
        return
            "campaign atomization: seed \(config.seed), \(config.days) days, \(config.cellCount) cells "
            + "(\(config.audiences.count) audiences x \(config.creatives.count) creatives x "
            + "\(config.bidStrategies.count) bid strategies x \(config.dayparts.count) dayparts x "
            + "\(config.platforms.count) platforms), \(config.impressionsPerDay) impressions a day, "
            + "\(config.users) users, \(config.attribution) attribution, agents: "
            + (agents.isEmpty ? "none" : agents.joined(separator: ", "))
    }

    public static func start(_ config: AtomizationConfig, in environment: RunEnvironment) throws
        -> AtomizationRun
    {
        AtomizationRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: AtomizationConfig, from checkpoint: EngineCheckpoint,
        in environment: RunEnvironment
    ) throws -> AtomizationRun {
        try AtomizationRun(config: config, checkpoint: checkpoint, environment: environment)
    }

    public static func checker(for config: AtomizationConfig, options: CheckOptions)
        -> AtomizationChecker
    {
        AtomizationChecker(config: config, runFinished: options.runFinished)
    }

    public static func agent(of event: AtomEvent, config: AtomizationConfig) -> String? {
        switch event.body {
        case .cellFlagged: return "monitor"
        case .budgetReallocated(let moved):
            switch moved.reason {
            case .reallocate: return "reallocation"
            case .terminate: return "lifecycle"
            case .synthesize: return "synthesizer"
            case .spawn: return "audience-discovery"
            case .merge: return "lifecycle"
            }
        case .cellStatusChanged, .cellsMerged: return "lifecycle"
        case .audienceDiscovered: return "audience-discovery"
        case .patternLearned: return "learning"
        case .creativeFatigued, .cellRotated: return "creative-optimization"
        case .decisionRound: return "decision-engine"
        case .agentKilled(let killed): return "\(killed.agent)"
        case .agentRecovered(let recovered): return "\(recovered.agent)"
        case .campaignStarted, .cellCreated, .slotDelivered, .conversion, .dayClosed: return nil
        }
    }

    public static func expectedRanges(for config: AtomizationConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        [
            MetricRange(
                "cells", Int64(config.cellCount), Int64(config.cellCount) + 1_000_000),
            MetricRange("impressions", 1, config.impressionsPerDay * Int64(config.days) * 2),
            MetricRange("spend_micros", 1, config.dailyBudget.raw * Int64(config.days)),
        ]
    }

    /// Kills and recoveries are left out of the digest: a run whose killed agents recover
    /// from the ledger has the digest of the run without kills.
    public static func excludedFromDigest(_ event: AtomEvent) -> Bool {
        switch event.body {
        case .agentKilled, .agentRecovered: return true
        case .campaignStarted, .cellCreated, .slotDelivered, .conversion, .cellFlagged,
            .budgetReallocated, .cellStatusChanged, .dayClosed, .creativeFatigued, .decisionRound,
            .cellRotated, .audienceDiscovered, .cellsMerged, .patternLearned:
            return false
        }
    }

    public static func readsSharedLedger(_ config: AtomizationConfig) -> Bool {
        !config.kills.isEmpty && config.recovery == .ledger
    }

    public static func expectedEvents(_ config: AtomizationConfig) -> Int64 {
        Int64(config.cellCount) + Int64(config.days * AtomizationRun.slotsPerDay) * 2
    }
}
