import RTBCore
import RTBTrace

extension ElectricityConfig {
    static let keys =
        "seed, agents, intervals, agent, mode, optimizer_mode, tau, hetero_tau, k, hetero_k, "
        + "mechanism, call_pricing, info_set, feeder_cap_kw, cda_cap, price_sigma, buy_markup, "
        + "sell_discount, expiry, semantics, agent_order, post_price, accept_remainder, "
        + "accept_price, bound_prices, self_trade"

    /// From a JSON object with the keys above (the reference's flags, snake case; prices in
    /// cents, the cap in kW); the ones left out keep the defaults. `semantics` (reference or
    /// corrected) sets every switch (corrected also makes a call auction uniform-price and
    /// enforces a CDA cap), and a switch given beside it overrides it. An inconsistent
    /// combination is refused in one line naming the key.
    public init(json: JSONValue) throws(ConfigError) {
        self.init()
        let members = try json.configMembers()
        var agent = "optimizer"
        var mode: String?
        var optimizerMode: String?
        var cdaCap: String?
        for (key, value) in members where key == "semantics" {
            switch try Self.word(value, key, ["reference", "corrected"]) {
            case "corrected": semantics = .corrected
            default: semantics = .reference
            }
        }
        for (key, value) in members {
            switch key {
            case "semantics": break
            case "seed": seed = try value.configSeed(key)
            case "agents": agents = Int(clamping: try value.configInteger(key))
            case "intervals": intervals = Int(clamping: try value.configInteger(key))
            case "expiry": expiry = Int(clamping: try value.configInteger(key))
            case "agent":
                agent = try Self.word(value, key, ["optimizer", "satisficer", "zi", "learner"])
            case "mode": mode = try Self.word(value, key, ["band", "k_search", "k_greedy"])
            case "optimizer_mode": optimizerMode = try Self.word(value, key, ["greedy", "single"])
            case "tau", "hetero_tau":
                guard taus.isEmpty else { throw .invalid(key, "not both tau and hetero_tau") }
                taus = try Self.list(value, key, single: key == "tau").map {
                    percent throws(ConfigError) in
                    guard percent > 0 && percent <= 100 else {
                        throw .invalid(key, "percentages in (0, 100]")
                    }
                    return Int64((percent * 10_000).rounded())
                }
            case "k", "hetero_k":
                guard ks.isEmpty else { throw .invalid(key, "not both k and hetero_k") }
                ks = try Self.list(value, key, single: key == "k").map {
                    number throws(ConfigError) in
                    guard number >= 1 && number <= 1_000_000 && number == number.rounded() else {
                        throw .invalid(key, "integers in 1...1000000")
                    }
                    return Int(number)
                }
            case "mechanism": mechanism = try value.configChoice(key, Mechanism.allCases)
            case "call_pricing": pricing = try value.configChoice(key, CallPricing.allCases)
            case "info_set": infoSet = try value.configChoice(key, InfoSet.allCases)
            case "feeder_cap_kw":
                let kw = try value.configNumber(key)
                guard kw >= 0 && kw <= 1e9 else { throw .invalid(key, "kW in [0, 1e9]") }
                feederCapWatts = Int64((kw * 1_000).rounded())
            case "cda_cap": cdaCap = try Self.word(value, key, ["enforce", "bound-only"])
            case "price_sigma": priceSigma = try value.configNumber(key)
            case "buy_markup": buyMarkup = try Self.cents(value, key)
            case "sell_discount": sellDiscount = try Self.cents(value, key)
            case "agent_order":
                semantics.shuffledOrder =
                    try Self.word(value, key, ["fixed", "shuffled"]) == "shuffled"
            case "post_price":
                semantics.postRedraws =
                    try Self.word(value, key, ["redraw", "decision"]) == "redraw"
            case "accept_remainder":
                semantics.postsRemainder = try Self.word(value, key, ["drop", "post"]) == "post"
            case "accept_price":
                semantics.acceptsAtQuote = try Self.word(value, key, ["maker", "quote"]) == "quote"
            case "bound_prices":
                semantics.boundAtTick = try Self.word(value, key, ["unrounded", "tick"]) == "tick"
            case "self_trade":
                semantics.preventsSelfTrade =
                    try Self.word(value, key, ["allow", "prevent"]) == "prevent"
            default: throw .invalid("key '\(key)'", "one of \(Self.keys)")
            }
        }
        rule = try Self.rule(agent: agent, mode: mode, optimizerMode: optimizerMode)
        let corrected = members.contains { $0.key == "semantics" } && semantics == .corrected
        if corrected && mechanism == .call && !members.contains(where: { $0.key == "call_pricing" })
        {
            pricing = .uniform
        }
        if corrected && cdaCap == nil { cdaCap = "enforce" }
        if mechanism == .cda && feederCapWatts > 0 {
            guard let cdaCap else {
                throw .invalid(
                    "feeder_cap_kw",
                    "with mechanism cda also cda_cap: enforce (trades respect it) or bound-only (the reference: only the planner bound)"
                )
            }
            capInCDA = cdaCap == "enforce"
        } else if cdaCap != nil && !(corrected && members.allSatisfy { $0.key != "cda_cap" }) {
            throw .invalid("cda_cap", "only with mechanism cda and a feeder_cap_kw")
        }
        if let problem = validate() { throw problem }
    }

    static func rule(agent: String, mode: String?, optimizerMode: String?) throws(ConfigError)
        -> DecisionRule
    {
        if agent != "satisficer", let mode {
            throw .invalid("mode", "absent for agent \(agent) (\(mode) is a satisficer mode)")
        }
        if agent != "optimizer", optimizerMode != nil {
            throw .invalid("optimizer_mode", "absent for agent \(agent)")
        }
        switch agent {
        case "optimizer": return optimizerMode == "single" ? .optimizerSingle : .optimizerGreedy
        case "zi": return .zeroIntelligence
        case "learner": return .learner
        default:
            switch mode {
            case "band": return .band
            case "k_search": return .kSearch
            case "k_greedy": return .kGreedy
            default: throw .invalid("mode", "band, k_search or k_greedy for agent satisficer")
            }
        }
    }

    static func cents(_ value: JSONValue, _ key: String) throws(ConfigError) -> Int64 {
        let cents = try value.configNumber(key)
        guard cents >= 0 && cents <= 5 else { throw .invalid(key, "cents in [0, 5]") }
        return Int64((cents * 1_000_000).rounded())
    }

    static func list(_ value: JSONValue, _ key: String, single: Bool) throws(ConfigError)
        -> [Double]
    {
        if single { return [try value.configNumber(key)] }
        guard let items = value.arrayValue, !items.isEmpty else {
            throw .invalid(key, "a non-empty list of numbers, cycled over the agents")
        }
        var numbers: [Double] = []
        for item in items { numbers.append(try item.configNumber(key)) }
        return numbers
    }

    static func word(_ value: JSONValue, _ key: String, _ words: [String]) throws(ConfigError)
        -> String
    {
        guard case .string(let text) = value, words.contains(text) else {
            throw .invalid(key, words.joined(separator: ", "))
        }
        return text
    }
}
