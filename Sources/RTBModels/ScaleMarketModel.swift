import RTBChecking
import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// Seed 001's scale mode: sealed-bid auction rounds among up to 10 million bidders. Its ledgers
/// are format 1 (the config's tag byte 'S' identifies it); runs take no checkpoints.
public enum ScaleMarketModel: SimulationModel {
    public typealias Config = ScaleConfig
    public typealias Run = ScaleRun
    public typealias Event = MarketEvent
    public typealias Checker = ScaleRoundChecker

    public static let identity = ModelIdentity(name: "rtb-scale", version: 1)
    public static var eventSchemaVersion: UInt32 { BuildInfo.eventSchemaVersion }
    public static var ledgerFormat: UInt32 { 1 }
    public static var invariants: [InvariantInfo] { Invariant.infos }
    public static var takesCheckpoints: Bool { false }

    public static func decodeConfig(_ bytes: [UInt8]) throws(ConfigError) -> ScaleConfig {
        guard let config = ScaleConfig(canonical: bytes) else {
            throw .malformed("not a valid scale config")
        }
        return config
    }

    public static func encodeConfig(_ config: ScaleConfig) -> [UInt8] { config.canonicalBytes }

    /// Keys: seed, agents, rounds, mechanism (first-price, second-price, gsp, vcg), slots,
    /// reserve_cents; the ones left out keep `rtb-sim scale`'s defaults.
    public static func config(json: JSONValue) throws(ConfigError) -> ScaleConfig {
        var config = ScaleConfig()
        var slots: Int?
        for (key, value) in try json.configMembers() {
            switch key {
            case "seed": config.seed = try value.configSeed(key)
            case "agents": config.agents = Int(clamping: try value.configInteger(key))
            case "rounds": config.rounds = Int(clamping: try value.configInteger(key))
            case "slots": slots = Int(clamping: try value.configInteger(key))
            case "reserve_cents": config.reserveCents = try value.configInteger(key)
            case "mechanism":
                guard case .string(let name) = value,
                    let mechanism = Mechanism.allCases.first(where: { $0.description == name })
                else { throw .invalid("mechanism", "first-price, second-price, gsp or vcg") }
                config.mechanism = mechanism
            default:
                throw .invalid(
                    "key '\(key)'", "one of seed, agents, rounds, mechanism, slots, reserve_cents")
            }
        }
        config.slots = slots ?? (config.mechanism == .gsp || config.mechanism == .vcg ? 3 : 1)
        if let problem = config.validate() { throw problem }
        return config
    }

    public static func summary(of config: ScaleConfig) -> String {
        "scale: seed \(config.seed), \(config.agents) agents, \(config.rounds) rounds, "
            + "\(config.mechanism), \(config.slots) slot(s), reserve \(config.reserveCents) cents"
    }

    public static func claimsLegacyConfig(_ bytes: [UInt8]) -> Bool { bytes.first == 0x53 }

    public static func start(_ config: ScaleConfig, in environment: RunEnvironment) throws
        -> ScaleRun
    {
        ScaleRun(config: config, environment: environment)
    }

    public static func restore(
        _ config: ScaleConfig, from checkpoint: EngineCheckpoint, in environment: RunEnvironment
    ) throws -> ScaleRun {
        throw ConfigError.malformed("scale runs take no checkpoints")
    }

    public static func checker(for config: ScaleConfig, options: CheckOptions)
        -> ScaleRoundChecker
    {
        ScaleRoundChecker(config: config, runFinished: options.runFinished)
    }
}
