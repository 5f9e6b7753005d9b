import RTBCore
import RTBTrace

/// A minimal model on the harness: the test bank. It proves that a model which is only this
/// module (and one registration line in its executable) is recorded, verified, replayed,
/// bisected, checked, dumped and resumed by the harness unchanged.
public enum BankModel: SimulationModel {
    public typealias Config = BankConfig
    public typealias Run = BankRun
    public typealias Event = BankEvent
    public typealias Checker = BankChecker

    public static let identity = ModelIdentity(name: "test-bank", version: 1)
    public static var eventSchemaVersion: UInt32 { BankEvent.schemaVersion }
    public static var invariants: [InvariantInfo] { BankChecker.invariants }
    public static var canaries: [String] { ["overdraw", "leak"] }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> BankConfig {
        try BankConfig(canonical: bytes)
    }

    public static func encodeConfig(_ config: BankConfig) -> [UInt8] { config.canonicalBytes }

    public static func config(json: JSONValue) throws(ConfigError) -> BankConfig {
        try BankConfig(json: json)
    }

    public static func summary(of config: BankConfig) -> String {
        "test bank: seed \(config.seed), \(config.accounts) accounts, \(config.steps) steps"
            + (config.oracle ? ", amounts from the oracle" : "")
    }

    public static func start(_ config: BankConfig, in environment: RunEnvironment) throws
        -> BankRun
    {
        BankRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: BankConfig, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> BankRun {
        try BankRun(config: config, checkpoint: checkpoint, environment: environment)
    }

    public static func checker(for config: BankConfig, options: CheckOptions) -> BankChecker {
        BankChecker(config: config)
    }

    public static func asksOutsideDecisions(_ config: BankConfig) -> Bool { config.oracle }

    public static func decisionSource(for config: BankConfig) throws -> DecisionSource? {
        BankOracle()
    }

    public static func expectedRanges(for config: BankConfig, metrics: [NamedMetric])
        -> [MetricRange]
    {
        let total = Int64(config.accounts) * config.openingBalance
        return [MetricRange("total_balance", total, total)]
    }

    public static func expectedEvents(_ config: BankConfig) -> Int64 {
        Int64(config.steps) * (config.oracle ? 2 : 1) + Int64(config.accounts) + 1
    }
}
