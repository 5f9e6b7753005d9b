import RTBCore
import RTBTrace

extension AtomizationConfig {
    static let keys =
        "seed, world_seed, days, audiences, creatives, bid_strategies, dayparts, platforms, daily_budget, "
        + "impressions_per_day, users, base_cpm, conversion_value, base_ctr_ppm, base_cvr_ppm, "
        + "min_test_budget, min_impressions, monitor_min_impressions, attribution, lookback_days, "
        + "half_life_hours, fatigue_min_impressions, agents, cadences, zip_pool, extra_signals, "
        + "discovery_confidence_ppm, signal_share_ppm, discovery_min_conversions, max_discoveries, "
        + "library, learning_confidence_ppm, learning_weight_ppm, kills, recovery"

    /// From a JSON object with the keys above; the ones left out keep the defaults (seed 004's
    /// dimensions). Money in dollars; `agents` is an object of booleans (monitor, reallocation,
    /// lifecycle, fatigue, synthesizer, discovery, merge); `cadences` an object of seconds.
    public init(json: JSONValue) throws(ConfigError) {
        self.init()
        for (key, value) in try json.configMembers() {
            switch key {
            case "seed": seed = try value.configSeed(key)
            case "world_seed": worldSeed = try value.configSeed(key)
            case "days": days = Int(clamping: try value.configInteger(key))
            case "users": users = Int(clamping: try value.configInteger(key))
            case "impressions_per_day": impressionsPerDay = try value.configInteger(key)
            case "base_ctr_ppm": baseCTRppm = try value.configInteger(key)
            case "base_cvr_ppm": baseCVRppm = try value.configInteger(key)
            case "min_impressions": minImpressions = try value.configInteger(key)
            case "monitor_min_impressions": monitorMinImpressions = try value.configInteger(key)
            case "lookback_days": lookbackDays = Int(clamping: try value.configInteger(key))
            case "half_life_hours": halfLifeHours = Int(clamping: try value.configInteger(key))
            case "fatigue_min_impressions": fatigueMinImpressions = try value.configInteger(key)
            case "zip_pool": zipPool = Int(clamping: try value.configInteger(key))
            case "extra_signals": extraSignals = try Self.names(value, key)
            case "discovery_confidence_ppm": discoveryConfidencePpm = try value.configInteger(key)
            case "signal_share_ppm": signalSharePpm = try value.configInteger(key)
            case "discovery_min_conversions":
                discoveryMinConversions = try value.configInteger(key)
            case "learning_confidence_ppm": learningConfidencePpm = try value.configInteger(key)
            case "learning_weight_ppm": learningWeightPpm = try value.configInteger(key)
            case "library": library = try Self.library(value, key)
            case "max_discoveries": maxDiscoveries = Int(clamping: try value.configInteger(key))
            case "cadences":
                for (agent, entry) in try value.configMembers() {
                    let at = "cadences.\(agent)"
                    let seconds = try entry.configInteger(at)
                    guard seconds > 0, seconds % AtomizationRun.slotSeconds == 0 else {
                        throw .invalid(at, "a positive multiple of 30 seconds")
                    }
                    let slots = seconds / AtomizationRun.slotSeconds
                    switch agent {
                    case "monitor": cadences.monitor = slots
                    case "reallocation": cadences.reallocation = slots
                    case "lifecycle": cadences.lifecycle = slots
                    case "discovery": cadences.discovery = slots
                    case "fatigue": cadences.fatigue = slots
                    case "synthesizer": cadences.synthesizer = slots
                    default:
                        throw .invalid(
                            at, "one of \(cadences.all.map(\.0).joined(separator: ", "))")
                    }
                }
            case "daily_budget": dailyBudget = try Self.dollars(value, key)
            case "base_cpm": baseCPM = try Self.dollars(value, key)
            case "conversion_value": conversionValue = try Self.dollars(value, key)
            case "min_test_budget": minTestBudget = try Self.dollars(value, key)
            case "creatives": creatives = try Self.names(value, key)
            case "bid_strategies": bidStrategies = try Self.names(value, key)
            case "dayparts": dayparts = try Self.names(value, key)
            case "platforms": platforms = try Self.names(value, key)
            case "audiences": audiences = try Self.audiences(value, key)
            case "attribution":
                guard case .string(let name) = value,
                    let model = AttributionModel.allCases.first(where: { "\($0)" == name })
                else {
                    throw .invalid(
                        key, AttributionModel.allCases.map(\.description).joined(separator: ", "))
                }
                attribution = model
            case "recovery":
                guard case .string(let name) = value,
                    let mode = RecoveryMode.allCases.first(where: { "\($0)" == name })
                else { throw .invalid(key, "ledger or none") }
                recovery = mode
            case "kills":
                guard let items = value.arrayValue else {
                    throw .invalid(key, "a list of {\"agent\", \"slot\"}")
                }
                kills = []
                for (index, item) in items.enumerated() {
                    var agent: AgentName?
                    var slot: Int64?
                    for (field, entry) in try item.configMembers() {
                        let at = "kills[\(index)].\(field)"
                        switch field {
                        case "agent":
                            guard case .string(let name) = entry,
                                let found = AgentName.allCases.first(where: { "\($0)" == name })
                            else { throw .invalid(at, "monitor or fatigue") }
                            agent = found
                        case "slot": slot = try entry.configInteger(at)
                        default: throw .invalid(at, "one of agent, slot")
                        }
                    }
                    guard let agent, let slot else {
                        throw .invalid("kills[\(index)]", "an object with agent and slot")
                    }
                    kills.append((agent, slot))
                }
            case "agents":
                for (agent, flag) in try value.configMembers() {
                    guard case .bool(let on) = flag else {
                        throw .invalid("agents.\(agent)", "true or false")
                    }
                    switch agent {
                    case "monitor": monitor = on
                    case "reallocation": reallocation = on
                    case "lifecycle": lifecycle = on
                    case "fatigue": fatigue = on
                    case "synthesizer": synthesizer = on
                    case "discovery": discovery = on
                    case "merge": merge = on
                    case "learning": learning = on
                    default:
                        throw .invalid(
                            "agents.\(agent)",
                            "one of monitor, reallocation, lifecycle, fatigue, synthesizer, discovery, merge, learning"
                        )
                    }
                }
            default: throw .invalid("key '\(key)'", "one of \(Self.keys)")
            }
        }
        if let problem = validate() { throw problem }
    }

    static func dollars(_ value: JSONValue, _ key: String) throws(ConfigError) -> Micros {
        guard let number = value.double, number.isFinite, abs(number) <= 1e12 else {
            throw .invalid(key, "dollars")
        }
        return Micros(Int64((number * 1_000_000).rounded()))
    }

    static func names(_ value: JSONValue, _ key: String) throws(ConfigError) -> [String] {
        guard let items = value.arrayValue else { throw .invalid(key, "a list of names") }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let name) = item else {
                throw .invalid("\(key)[\(index)]", "a name")
            }
            names.append(name)
        }
        return names
    }

    /// `[{"pattern": {"audience": "a", "platform": "p"}, "lift_ppm": N, "confidence_ppm": N}]`
    /// (other keys of a learned pattern's line, as `tools/atomization_library.py` writes it, are
    /// refused: the library holds only what the learning system reads).
    static func library(_ value: JSONValue, _ key: String) throws(ConfigError) -> [LearnedPattern] {
        guard let items = value.arrayValue else {
            throw .invalid(key, "a list of {pattern, lift_ppm, confidence_ppm}")
        }
        var patterns: [LearnedPattern] = []
        for (index, item) in items.enumerated() {
            var pattern = LearnedPattern(terms: [], liftPpm: -1, confidencePpm: -1)
            for (field, entry) in try item.configMembers() {
                let at = "\(key)[\(index)].\(field)"
                switch field {
                case "pattern":
                    for (name, term) in try entry.configMembers() {
                        guard let dimension = Dimension.allCases.first(where: { "\($0)" == name })
                        else {
                            throw .invalid(
                                "\(at).\(name)",
                                Dimension.allCases.map(\.description).joined(separator: ", "))
                        }
                        guard case .string(let text) = term else {
                            throw .invalid("\(at).\(name)", "a name")
                        }
                        pattern.terms.append(.init(dimension, text))
                    }
                    pattern.terms.sort { $0.dimension.rawValue < $1.dimension.rawValue }
                case "lift_ppm": pattern.liftPpm = try entry.configInteger(at)
                case "confidence_ppm": pattern.confidencePpm = try entry.configInteger(at)
                default: throw .invalid(at, "one of pattern, lift_ppm, confidence_ppm")
                }
            }
            patterns.append(pattern)
        }
        return patterns
    }

    static func audiences(_ value: JSONValue, _ key: String) throws(ConfigError) -> [Audience] {
        guard let items = value.arrayValue else {
            throw .invalid(key, "a list of {id, zips, signals}")
        }
        var audiences: [Audience] = []
        for (index, item) in items.enumerated() {
            var audience = Audience(id: "", zips: [], signals: [])
            for (field, entry) in try item.configMembers() {
                let at = "\(key)[\(index)].\(field)"
                switch field {
                case "id":
                    guard case .string(let id) = entry else { throw .invalid(at, "a name") }
                    audience.id = id
                case "zips": audience.zips = try names(entry, at)
                case "signals": audience.signals = try names(entry, at)
                default: throw .invalid(at, "one of id, zips, signals")
                }
            }
            audiences.append(audience)
        }
        return audiences
    }
}
