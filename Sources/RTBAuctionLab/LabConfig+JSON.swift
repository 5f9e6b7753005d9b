import RTBCore
import RTBTrace

extension LabConfig {
    static let keys =
        "preset, random_seed, num_runs, num_iter, rounds_per_iter, num_participants_per_round, "
        + "embedding_size, embedding_var, obs_embedding_size, allocation, max_slots, reserve, "
        + "billing, position_effects, agents, personas, users, fatigue_half_life, output_dir"

    /// The upstream configurations this model runs by name (`"preset": "SP_Oracle"`; keys given
    /// beside it override it). FP_DR_TS (a doubly robust bidder) is not built.
    public static let presetNames = [
        "SP_Oracle", "SP_Truthful_TS", "FP_DM_Oracle", "FP_DM_TS", "FP_IPS_TS", "FP_Shaded_Oracle",
    ]

    /// An upstream configuration: seed 0, embedding 5 (observed 4), variance 1, two
    /// participants per round, one slot, 10,000 rounds per iteration, 12 items per agent.
    public static func preset(_ name: String) -> LabConfig? {
        var config = LabConfig()
        config.tag = name
        config.seed = 0
        config.rounds = 10_000
        var agent = LabAgentSpec()
        agent.items = 12
        var copies = 6
        switch name {
        case "SP_Oracle":
            (config.runs, config.iterations) = (3, 20)
            agent.name = "Oracle, truthful"
        case "SP_Truthful_TS":
            (config.runs, config.iterations) = (3, 20)
            agent.name = "TS, truthful"
            agent.allocator = .thompson
        case "FP_DM_Oracle":
            (config.runs, config.iterations) = (3, 20)
            config.priceRule = .firstPrice
            agent.name = "Oracle, DM (search)"
            agent.bidder = .valueLearning
        case "FP_DM_TS":
            (config.runs, config.iterations, copies) = (2, 3, 3)
            config.priceRule = .firstPrice
            agent.name = "TS, DM (search)"
            agent.allocator = .thompson
            agent.bidder = .valueLearning
        case "FP_IPS_TS":
            (config.runs, config.iterations, copies) = (2, 3, 3)
            config.priceRule = .firstPrice
            agent.name = "TS, policy (REINFORCE)"
            agent.allocator = .thompson
            agent.bidder = .policyLearning
        case "FP_Shaded_Oracle":
            (config.runs, config.iterations) = (3, 20)
            config.priceRule = .firstPrice
            agent.name = "Oracle, empirical shaded"
            agent.bidder = .empiricalShaded
        default:
            return nil
        }
        config.agents = Array(repeating: agent, count: copies)
        return config
    }

    /// From a JSON object: the upstream AuctionGym keys above (its config files run as they
    /// are; `output_dir` is ignored), plus max_slots, reserve (units of value), billing
    /// (impression or click) and position_effects. An agent is {name, num_copies, num_items,
    /// allocator, bidder, budget}; allocator and bidder are upstream class names (as a string
    /// or {"type", "kwargs"}) or this model's names. Errors name the key.
    public init(json: JSONValue) throws(ConfigError) {
        let members = try json.configMembers()
        if let preset = members.first(where: { $0.key == "preset" }) {
            guard let name = preset.value.stringValue, let base = LabConfig.preset(name) else {
                throw .invalid("preset", LabConfig.presetNames.joined(separator: ", "))
            }
            self = base
        } else {
            self.init()
        }
        for (key, value) in members {
            switch key {
            case "preset", "output_dir": break
            case "random_seed": seed = try value.configSeed(key)
            case "num_runs": runs = try Self.integer(value, key)
            case "num_iter": iterations = try Self.integer(value, key)
            case "rounds_per_iter": rounds = try Self.integer(value, key)
            case "num_participants_per_round": participants = try Self.integer(value, key)
            case "embedding_size": embeddingSize = try Self.integer(value, key)
            case "obs_embedding_size": observedSize = try Self.integer(value, key)
            case "embedding_var": embeddingVariance = try value.configNumber(key)
            case "max_slots": maxSlots = try Self.integer(value, key)
            case "allocation":
                switch value.stringValue {
                case "FirstPrice", "first-price": priceRule = .firstPrice
                case "SecondPrice", "second-price": priceRule = .secondPrice
                default: throw .invalid(key, "FirstPrice or SecondPrice")
                }
            case "billing": billing = try value.configChoice(key, Billing.allCases)
            case "reserve": reserve = try Self.units(value, key)
            case "position_effects":
                guard let items = value.arrayValue, !items.isEmpty else {
                    throw .invalid(key, "a list of factors in (0, 1]")
                }
                positionEffects = try items.map { item throws(ConfigError) in
                    let factor = try item.configMillionths(
                        key, in: 0...1, "a list of factors in (0, 1]")
                    guard factor > 0 else { throw .invalid(key, "a list of factors in (0, 1]") }
                    return factor
                }
            case "agents":
                guard let items = value.arrayValue, !items.isEmpty else {
                    throw .invalid(key, "a non-empty list of agents")
                }
                agents = []
                for (index, item) in items.enumerated() {
                    let (spec, copies) = try Self.agent(item, "agents[\(index)]")
                    agents += Array(repeating: spec, count: copies)
                    guard agents.count <= 10_000 else {
                        throw .invalid(key, "1 to 10000 agents (num_copies over all entries)")
                    }
                }
            case "users": users = try Self.integer(value, key)
            case "fatigue_half_life": fatigueHalfLife = try Self.integer(value, key)
            case "personas": personas = try Self.personas(value, key)
            default:
                throw .invalid(key, "one of the keys \(Self.keys)")
            }
        }
        if users == 0 && (!personas.isEmpty || fatigueHalfLife > 0)
            && !members.contains(where: { $0.key == "users" })
        {
            users = 10_000
        }
        let overrides = members.filter { $0.key != "preset" && $0.key != "output_dir" }
        if tag != "custom" && !overrides.isEmpty { tag += " (modified)" }
        try validate()
    }

    /// `true` (the six default personas), `false`, or a list of {name, share, ctr_mult,
    /// cvr_mult}.
    static func personas(_ value: JSONValue, _ key: String) throws(ConfigError) -> [Persona] {
        if case .bool(let on) = value { return on ? Persona.defaults : [] }
        guard let items = value.arrayValue, !items.isEmpty else {
            throw .invalid(key, "true, false or a list of {name, share, ctr_mult, cvr_mult}")
        }
        return try items.enumerated().map { (index, item) throws(ConfigError) in
            var persona = Persona(
                name: "persona \(index + 1)", sharePpm: 0, ctrPpm: 1_000_000, cvrPpm: 1_000_000)
            for (field, member) in try item.configMembers() {
                let path = "\(key)[\(index)].\(field)"
                switch field {
                case "name":
                    guard let name = member.stringValue else { throw .invalid(path, "a string") }
                    persona.name = name
                case "share":
                    persona.sharePpm = try member.configMillionths(
                        path, in: 0...10, "a number in [0, 10]")
                case "ctr_mult":
                    persona.ctrPpm = try member.configMillionths(
                        path, in: 0...10, "a number in [0, 10]")
                case "cvr_mult":
                    persona.cvrPpm = try member.configMillionths(
                        path, in: 0...10, "a number in [0, 10]")
                default: throw .invalid(path, "one of name, share, ctr_mult, cvr_mult")
                }
            }
            return persona
        }
    }

    /// An integer; its range is the validation's (which names the same key).
    static func integer(_ value: JSONValue, _ key: String) throws(ConfigError) -> Int {
        Int(clamping: try value.configInteger(key))
    }

    /// A price or budget in units of value, as micro-units.
    static func units(_ value: JSONValue, _ key: String) throws(ConfigError) -> Int64 {
        try value.configMillionths(key, in: 0...1e9, "an amount in [0, 1e9]")
    }

    static func agent(_ json: JSONValue, _ key: String) throws(ConfigError) -> (LabAgentSpec, Int) {
        var spec = LabAgentSpec()
        var copies = 1
        for (field, value) in try json.configMembers() {
            let path = "\(key).\(field)"
            switch field {
            case "name":
                guard let name = value.stringValue else { throw .invalid(path, "a string") }
                spec.name = name
            case "num_copies":
                copies = try integer(value, path)
                // Checked here: copies are expanded before the config is validated.
                guard copies >= 1 && copies <= 10_000 else { throw .invalid(path, "1...10000") }
            case "num_items": spec.items = try integer(value, path)
            case "budget": spec.budget = try units(value, path)
            case "allocator":
                let (type, _) = try typed(value, path)
                switch type {
                case "OracleAllocator", "oracle": spec.allocator = .oracle
                case "PyTorchLogisticRegressionAllocator", "LogisticTSAllocator", "thompson":
                    spec.allocator = .thompson
                default:
                    throw .invalid(path, "OracleAllocator or PyTorchLogisticRegressionAllocator")
                }
            case "bidder":
                let (type, kwargs) = try typed(value, path)
                switch type {
                case "TruthfulBidder", "truthful": spec.bidder = .truthful
                case "EmpiricalShadedBidder", "empirical-shaded": spec.bidder = .empiricalShaded
                case "ValueLearningBidder", "value-learning": spec.bidder = .valueLearning
                case "PolicyLearningBidder", "policy-learning": spec.bidder = .policyLearning
                case "BudgetPacedBidder", "budget-paced": spec.bidder = .budgetPaced
                default:
                    throw .invalid(
                        path,
                        "TruthfulBidder, EmpiricalShadedBidder, ValueLearningBidder, PolicyLearningBidder or BudgetPacedBidder"
                    )
                }
                for (name, argument) in kwargs {
                    let argumentPath = "\(path).kwargs.\(name)"
                    switch name {
                    case "gamma_sigma": spec.gammaSigma = try argument.configNumber(argumentPath)
                    case "init_gamma": spec.initialGamma = try argument.configNumber(argumentPath)
                    case "search_draws": spec.searchDraws = try integer(argument, argumentPath)
                    case "learning_rate":
                        spec.learningRate = try argument.configNumber(argumentPath)
                    // Upstream's inference mode and loss name variants this model replaces
                    // (docs/auction-lab.md): accepted, not used.
                    case "inference", "loss": break
                    default:
                        throw .invalid(
                            argumentPath,
                            "one of gamma_sigma, init_gamma, search_draws, learning_rate, inference, loss"
                        )
                    }
                }
            default:
                throw .invalid(
                    path, "one of name, num_copies, num_items, budget, allocator, bidder")
            }
        }
        return (spec, copies)
    }

    /// A class name given as a string or as {"type": ..., "kwargs": {...}}.
    static func typed(_ value: JSONValue, _ key: String) throws(ConfigError) -> (
        String, [(key: String, value: JSONValue)]
    ) {
        if let name = value.stringValue { return (name, []) }
        var type: String?
        var kwargs: [(key: String, value: JSONValue)] = []
        for (field, member) in try value.configMembers() {
            switch field {
            case "type": type = member.stringValue
            case "kwargs": kwargs = try member.configMembers()
            default: throw .invalid("\(key).\(field)", "type or kwargs")
            }
        }
        guard let type else { throw .invalid("\(key).type", "a class name") }
        return (type, kwargs)
    }
}
