import RTBCore
import RTBTrace

/// Which economy a run clears.
public enum EconomyKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Agents with seeded endowments and preference weights (the gross-substitute cases).
    case seeded = 0
    /// Scarf's (1960) three-agent example, replicated: agent i owns one unit of good i mod 3
    /// and wants goods i and i+1 (mod 3) in equal proportions. Its unique equilibrium is equal
    /// prices, and tatonnement from any other start circles it instead of converging.
    case scarf = 1

    public var description: String { ["random", "scarf"][Int(rawValue)] }
}

/// Where round 1's prices come from.
public enum StartPrices: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Every price 1.
    case uniform = 0
    /// Seeded draws, uniform in [0.2, 1.8) before normalisation.
    case seeded = 1

    public var description: String { ["uniform", "random"][Int(rawValue)] }
}

/// The canonical config of an exchange economy cleared by tatonnement (seed 001's market
/// equilibrium). Every key is documented in docs/equilibrium.md.
public struct EconomyConfig: Equatable, Sendable {
    public var seed: UInt64 = 1
    public var agents = 1_000
    public var goods = 3
    public var economy = EconomyKind.seeded
    public var preference = Preference.cobbDouglas
    /// Elasticity of substitution sigma of CES preferences (ignored otherwise).
    public var elasticity = 2.0
    /// The run has converged when every |excess demand| / total endowment is below this.
    public var tolerance = 1e-6
    public var maxRounds = 2_000
    /// Step size lambda of the price update (Tatonnement.swift).
    public var step = 0.5
    public var start = StartPrices.seeded
    /// 0: every round scans every agent; m > 0: a seeded sample of m agents per round.
    public var sample = 0
    /// Random economies: each endowment is drawn uniform in [low, high).
    public var endowmentLow = 0.1
    public var endowmentHigh = 1.9

    public init() {}

    /// The elasticity the model uses: 1 for Cobb-Douglas, 0 for Leontief.
    public var sigma: Double {
        switch preference {
        case .cobbDouglas: return 1
        case .ces: return elasticity
        case .leontief: return 0
        }
    }

    /// The one-line reason the config cannot run, naming the key.
    public func validate() -> ConfigError? {
        if !(2...10_000_000).contains(agents) { return .invalid("agents", "2...10000000") }
        if !(2...64).contains(goods) {
            return .invalid("goods", "2...64 (G < 2 has no prices to find)")
        }
        if preference == .ces, !(elasticity > 0 && elasticity <= 50) {
            return .invalid(
                "elasticity", "a number in (0, 50] (sigma <= 0 is not a convex preference)")
        }
        if !(tolerance > 0 && tolerance < 1) { return .invalid("tolerance", "a number in (0, 1)") }
        if !(1...10_000_000).contains(maxRounds) { return .invalid("max_rounds", "1...10000000") }
        if !(step > 0 && step <= 10) { return .invalid("step", "a number in (0, 10]") }
        if !(0...agents).contains(sample) { return .invalid("sample", "0 (exact) ... agents") }
        if !(endowmentLow >= 0) {
            return .invalid("endowment_low", "a number >= 0 (endowments cannot be negative)")
        }
        if !(endowmentHigh > endowmentLow && endowmentHigh <= 1e9) {
            return .invalid("endowment_high", "a number above endowment_low, at most 1e9")
        }
        if economy == .scarf {
            if goods != 3 { return .invalid("goods", "3 for the scarf economy") }
            if agents % 3 != 0 {
                return .invalid("agents", "a multiple of 3 for the scarf economy")
            }
        }
        return nil
    }

    /// Version 1: u8 1, seed, agents, goods (varints), economy, preference (u8), elasticity
    /// (f64), tolerance (f64), max rounds (varint), step (f64), start (u8), sample (varint),
    /// endowment low and high (f64).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(1)
        writer.varint(seed)
        writer.varint(agents)
        writer.varint(goods)
        writer.u8(economy.rawValue)
        writer.u8(preference.rawValue)
        writer.f64(elasticity)
        writer.f64(tolerance)
        writer.varint(maxRounds)
        writer.f64(step)
        writer.u8(start.rawValue)
        writer.varint(sample)
        writer.f64(endowmentLow)
        writer.f64(endowmentHigh)
        return writer.bytes
    }

    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.u8() == 1 else {
                throw ConfigError.malformed("economy config version")
            }
            seed = try reader.varint()
            agents = try reader.int()
            goods = try reader.int()
            guard let economy = EconomyKind(rawValue: try reader.u8()),
                let preference = Preference(rawValue: try reader.u8())
            else { throw ConfigError.malformed("unknown economy or preference code") }
            self.economy = economy
            self.preference = preference
            elasticity = try reader.f64()
            tolerance = try reader.f64()
            maxRounds = try reader.int()
            step = try reader.f64()
            guard let start = StartPrices(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown start code")
            }
            self.start = start
            sample = try reader.int()
            endowmentLow = try reader.f64()
            endowmentHigh = try reader.f64()
            try reader.expectEnd()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
        if let problem = validate() { throw problem }
    }

    static let keys =
        "seed, agents, goods, economy, preference, elasticity, tolerance, max_rounds, step, start, sample, endowment_low, endowment_high"

    /// From a JSON object with the keys above (snake case); the ones left out keep the defaults.
    public init(json: JSONValue) throws(ConfigError) {
        var preferenceGiven = false
        for (key, value) in try json.configMembers() {
            switch key {
            case "seed": seed = try value.configSeed(key)
            case "agents": agents = Int(clamping: try value.configInteger(key))
            case "goods": goods = Int(clamping: try value.configInteger(key))
            case "max_rounds": maxRounds = Int(clamping: try value.configInteger(key))
            case "sample": sample = Int(clamping: try value.configInteger(key))
            case "elasticity": elasticity = try value.configNumber(key)
            case "tolerance": tolerance = try value.configNumber(key)
            case "step": step = try value.configNumber(key)
            case "endowment_low": endowmentLow = try value.configNumber(key)
            case "endowment_high": endowmentHigh = try value.configNumber(key)
            case "economy": economy = try value.configChoice(key, EconomyKind.allCases)
            case "start": start = try value.configChoice(key, StartPrices.allCases)
            case "preference":
                preference = try value.configChoice(key, Preference.allCases)
                preferenceGiven = true
            default: throw .invalid("key '\(key)'", "one of \(Self.keys)")
            }
        }
        if economy == .scarf && !preferenceGiven { preference = .leontief }
        if let problem = validate() { throw problem }
    }
}
