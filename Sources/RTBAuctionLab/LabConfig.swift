import RTBCore
import RTBTrace

/// One agent of the auction lab: its items, how it picks one and estimates its CTR (the
/// allocator), how it bids (the bidder, with the bidder's parameters) and its budget.
public struct LabAgentSpec: Equatable, Sendable {
    public var name = "agent"
    public var items = 12
    public var allocator = AllocatorKind.oracle
    public var bidder = BidderKind.truthful
    /// Spend allowed per iteration in micro-units of value (0: unlimited; budget-paced needs one).
    public var budget: Int64 = 0
    /// Empirical-shaded: the first gamma and the standard deviation of its exploration.
    public var initialGamma = 1.0
    public var gammaSigma = 0.02
    /// Value-learning: gammas drawn per round to search the win-rate model's best.
    public var searchDraws = 128
    /// Policy-learning: the REINFORCE step size.
    public var learningRate = 0.5

    public init() {}
}

/// A user persona: its share of the user pool and its factors on every CTR and on the value of
/// a click (the conversion rate behind it).
public struct Persona: Equatable, Sendable {
    public var name: String
    public var sharePpm: Int64
    public var ctrPpm: Int64
    public var cvrPpm: Int64

    public init(name: String, sharePpm: Int64, ctrPpm: Int64, cvrPpm: Int64) {
        self.name = name
        self.sharePpm = sharePpm
        self.ctrPpm = ctrPpm
        self.cvrPpm = cvrPpm
    }

    /// Seed 003's persona pass, as this model defines it (the spec names personas, not their
    /// figures; docs/auction-lab.md): six personas of a parental-control app's audience.
    public static let defaults = [
        Persona(name: "concerned parent", sharePpm: 300_000, ctrPpm: 1_300_000, cvrPpm: 1_400_000),
        Persona(name: "tech-savvy parent", sharePpm: 200_000, ctrPpm: 1_100_000, cvrPpm: 1_100_000),
        Persona(name: "busy professional", sharePpm: 150_000, ctrPpm: 700_000, cvrPpm: 900_000),
        Persona(name: "teen", sharePpm: 100_000, ctrPpm: 1_400_000, cvrPpm: 200_000),
        Persona(name: "educator", sharePpm: 100_000, ctrPpm: 900_000, cvrPpm: 800_000),
        Persona(name: "bargain hunter", sharePpm: 150_000, ctrPpm: 800_000, cvrPpm: 600_000),
    ]
}

/// The canonical config of an auction-lab experiment (seed 003's AuctionGym-style study;
/// docs/auction-lab.md names every key). Values, bids and prices are in micro-units of value.
public struct LabConfig: Equatable, Sendable {
    public var seed: UInt64 = 0
    /// The preset it was built from ("SP_Oracle"), or "custom".
    public var tag = "custom"
    public var runs = 1
    public var iterations = 1
    public var rounds = 10_000
    public var embeddingSize = 5
    public var embeddingVariance = 1.0
    public var observedSize = 4
    public var participants = 2
    public var maxSlots = 1
    public var priceRule = PriceRule.secondPrice
    public var billing = Billing.impression
    public var reserve: Int64 = 0
    /// Per slot, the factor on the click probability in ppm (slot 1 first).
    public var positionEffects: [Int64] = [1_000_000]
    public var agents: [LabAgentSpec] = []
    /// The user model (seed 003's persona pass): a pool of users, each of one persona (none:
    /// every factor 1), and creative fatigue: an item's CTR for a user halves every
    /// `fatigueHalfLife` impressions of it the user has seen (0: no fatigue). Without personas
    /// and fatigue there is no user model (users 0).
    public var personas: [Persona] = []
    public var users = 0
    public var fatigueHalfLife = 0

    public init() {}

    /// Whether rounds are shown to users of a pool.
    public var hasUsers: Bool { users > 0 }

    /// Rounds over the whole experiment.
    public var totalRounds: Int64 { Int64(runs) * Int64(iterations) * Int64(rounds) }
    /// Integers per participant in a RoundPlayed event.
    public var bidStride: Int { billing == .click ? 7 : 6 }
    /// Whether any agent learns between iterations from the iteration's data.
    public var anyLearner: Bool {
        agents.contains { $0.allocator == .thompson || $0.bidder.learnsFromData }
    }

    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(1)
        writer.varint(seed)
        writer.string(tag)
        writer.varint(runs)
        writer.varint(iterations)
        writer.varint(rounds)
        writer.varint(embeddingSize)
        writer.f64(embeddingVariance)
        writer.varint(observedSize)
        writer.varint(participants)
        writer.varint(maxSlots)
        writer.u8(priceRule.rawValue)
        writer.u8(billing.rawValue)
        writer.varint(UInt64(reserve))
        writer.signedVarints(positionEffects)
        writer.varint(agents.count)
        for agent in agents {
            writer.string(agent.name)
            writer.varint(agent.items)
            writer.u8(agent.allocator.rawValue)
            writer.u8(agent.bidder.rawValue)
            writer.varint(UInt64(agent.budget))
            writer.f64(agent.initialGamma)
            writer.f64(agent.gammaSigma)
            writer.varint(agent.searchDraws)
            writer.f64(agent.learningRate)
        }
        writer.varint(personas.count)
        for persona in personas {
            writer.string(persona.name)
            writer.signedVarints([persona.sharePpm, persona.ctrPpm, persona.cvrPpm])
        }
        writer.varint(users)
        writer.varint(fatigueHalfLife)
        return writer.bytes
    }

    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.u8() == 1 else {
                throw ConfigError.malformed("auction-lab config version")
            }
            seed = try reader.varint()
            tag = try reader.string()
            runs = try reader.int()
            iterations = try reader.int()
            rounds = try reader.int()
            embeddingSize = try reader.int()
            embeddingVariance = try reader.f64()
            observedSize = try reader.int()
            participants = try reader.int()
            maxSlots = try reader.int()
            guard let priceRule = PriceRule(rawValue: try reader.u8()),
                let billing = Billing(rawValue: try reader.u8())
            else { throw ConfigError.malformed("unknown price rule or billing code") }
            self.priceRule = priceRule
            self.billing = billing
            reserve = Int64(clamping: try reader.varint())
            positionEffects = try reader.signedVarints()
            let count = try reader.count(limit: 10_000)
            agents = []
            for _ in 0..<count {
                var agent = LabAgentSpec()
                agent.name = try reader.string()
                agent.items = try reader.int()
                guard let allocator = AllocatorKind(rawValue: try reader.u8()),
                    let bidder = BidderKind(rawValue: try reader.u8())
                else { throw ConfigError.malformed("unknown allocator or bidder code") }
                agent.allocator = allocator
                agent.bidder = bidder
                agent.budget = Int64(clamping: try reader.varint())
                agent.initialGamma = try reader.f64()
                agent.gammaSigma = try reader.f64()
                agent.searchDraws = try reader.int()
                agent.learningRate = try reader.f64()
                agents.append(agent)
            }
            personas = []
            for _ in 0..<(try reader.count(limit: 1_000)) {
                let name = try reader.string()
                let figures = try reader.signedVarints()
                guard figures.count == 3 else { throw ConfigError.malformed("a persona's figures") }
                personas.append(
                    Persona(
                        name: name, sharePpm: figures[0], ctrPpm: figures[1], cvrPpm: figures[2]))
            }
            users = try reader.int()
            fatigueHalfLife = try reader.int()
            try reader.expectEnd()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .malformed("auction-lab config: \(error)")
        }
        try validate()
    }

    /// Refuses a config the engine cannot run, naming the key.
    public func validate() throws(ConfigError) {
        guard runs >= 1 && runs <= 1_000 else { throw .invalid("num_runs", "1...1000") }
        guard iterations >= 1 && iterations <= 100_000 else {
            throw .invalid("num_iter", "1...100000")
        }
        guard rounds >= 1 && rounds <= 1_000_000_000 else {
            throw .invalid("rounds_per_iter", "1...1000000000")
        }
        guard embeddingSize >= 1 && embeddingSize <= 64 else {
            throw .invalid("embedding_size", "1...64")
        }
        guard observedSize >= 1 && observedSize <= embeddingSize else {
            throw .invalid("obs_embedding_size", "1...embedding_size")
        }
        guard embeddingVariance > 0 && embeddingVariance <= 100 else {
            throw .invalid("embedding_var", "a variance in (0, 100]")
        }
        guard !agents.isEmpty && agents.count <= 10_000 else {
            throw .invalid("agents", "1 to 10000 agents")
        }
        guard participants >= 1 && participants <= agents.count else {
            throw .invalid("num_participants_per_round", "1...number of agents")
        }
        guard maxSlots >= 1 && maxSlots <= participants else {
            throw .invalid("max_slots", "1...num_participants_per_round (more slots than bidders)")
        }
        guard positionEffects.count >= maxSlots,
            positionEffects.allSatisfy({ $0 > 0 && $0 <= 1_000_000 }),
            zip(positionEffects, positionEffects.dropFirst()).allSatisfy({ $0 >= $1 })
        else {
            throw .invalid(
                "position_effects", "max_slots factors in (0, 1], not increasing by slot")
        }
        guard reserve >= 0 && reserve <= 1_000_000_000 else {
            throw .invalid("reserve", "a price in [0, 1000] units")
        }
        guard users >= 0 && users <= 10_000_000 else { throw .invalid("users", "0...10000000") }
        // Memory: every item's weights (and a Thompson allocator's two arrays), and a fatigue
        // count per user and item, must fit comfortably.
        let items = agents.reduce(0) { $0 + $1.items }
        guard items * (embeddingSize + 1) <= 20_000_000 else {
            throw .invalid(
                "agents",
                "at most 20000000 item weights over all agents (num_items x (embedding_size + 1))")
        }
        guard fatigueHalfLife == 0 || users * items <= 200_000_000 else {
            throw .invalid(
                "users",
                "at most 200000000 user-item fatigue counts (users x items over all agents)")
        }
        guard users > 0 || (personas.isEmpty && fatigueHalfLife == 0) else {
            throw .invalid("users", "a pool of at least 1 user for personas or fatigue")
        }
        guard fatigueHalfLife >= 0 && fatigueHalfLife <= 1_000_000 else {
            throw .invalid("fatigue_half_life", "0...1000000 impressions")
        }
        if !personas.isEmpty {
            guard
                personas.allSatisfy({
                    $0.sharePpm >= 0 && $0.ctrPpm > 0 && $0.ctrPpm <= 10_000_000
                        && $0.cvrPpm >= 0 && $0.cvrPpm <= 10_000_000
                }),
                personas.reduce(0, { $0 + $1.sharePpm }) == 1_000_000
            else {
                throw .invalid(
                    "personas",
                    "shares summing to 1 and factors in (0, 10] (CVR factors in [0, 10])")
            }
        }
        for (index, agent) in agents.enumerated() {
            let key = "agents[\(index)]"
            guard agent.items >= 1 && agent.items <= 1_000 else {
                throw .invalid("\(key).num_items", "1...1000")
            }
            guard agent.budget >= 0 else { throw .invalid("\(key).budget", "a budget >= 0") }
            guard agent.bidder != .budgetPaced || agent.budget > 0 else {
                throw .invalid("\(key).budget", "a budget > 0 for a budget-paced bidder")
            }
            guard agent.initialGamma >= 0 && agent.initialGamma <= 1 else {
                throw .invalid("\(key).bidder.kwargs.init_gamma", "a factor in [0, 1]")
            }
            guard agent.gammaSigma >= 0 && agent.gammaSigma <= 1 else {
                throw .invalid("\(key).bidder.kwargs.gamma_sigma", "a standard deviation in [0, 1]")
            }
            guard agent.searchDraws >= 1 && agent.searchDraws <= 100_000 else {
                throw .invalid("\(key).bidder.kwargs.search_draws", "1...100000")
            }
            guard agent.learningRate > 0 && agent.learningRate <= 100 else {
                throw .invalid("\(key).bidder.kwargs.learning_rate", "a step size in (0, 100]")
            }
        }
    }
}

extension BidderKind {
    /// Whether the bidder updates from an iteration's recorded data (the others update from
    /// running counters or not at all).
    var learnsFromData: Bool {
        switch self {
        case .empiricalShaded, .valueLearning, .policyLearning: return true
        case .truthful, .budgetPaced: return false
        }
    }
}
