import RTBCore
import RTBTrace

/// A targetable audience of seed 004: ZIP codes and behavioural signals.
public struct Audience: Equatable, Sendable {
    public var id: String
    public var zips: [String]
    public var signals: [String]

    public init(id: String, zips: [String], signals: [String]) {
        self.id = id
        self.zips = zips
        self.signals = signals
    }
}

/// How a conversion's credit is split over the touchpoints of its journey.
public enum AttributionModel: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case lastTouch = 0
    case linear = 1
    case timeDecay = 2
    case positionBased = 3

    public var description: String {
        ["last-touch", "linear", "time-decay", "position-based"][Int(rawValue)]
    }
}

/// How often each agent runs, in 30-second slots (the JSON gives seconds). The creative
/// optimizer's cadence is a whole number of its window's 10-minute buckets.
public struct Cadences: Equatable, Sendable {
    public var monitor: Int64 = 1
    public var reallocation: Int64 = 4
    public var lifecycle: Int64 = 4
    public var discovery: Int64 = 10
    public var fatigue: Int64 = 20
    public var synthesizer: Int64 = 30

    public init() {}

    /// (JSON key, slots) in a fixed order.
    public var all: [(String, Int64)] {
        [
            ("monitor", monitor), ("reallocation", reallocation), ("lifecycle", lifecycle),
            ("discovery", discovery), ("fatigue", fatigue), ("synthesizer", synthesizer),
        ]
    }

    /// Whether an agent with this cadence runs after `slot` has been delivered.
    static func due(_ cadence: Int64, after slot: Int64) -> Bool { (slot + 1) % cadence == 0 }
}

/// The canonical config of a campaign atomization run (seed 004). Every key is documented in
/// docs/atomization.md. Money is in micro-dollars, rates in parts per million.
public struct AtomizationConfig: Equatable, Sendable {
    public static func == (a: AtomizationConfig, b: AtomizationConfig) -> Bool {
        a.canonicalBytes == b.canonicalBytes
    }

    public var seed: UInt64 = 1
    /// The seed of the world (the dimensions' effects, the ZIPs); nil: `seed`. Campaigns of one
    /// advertiser in one market share a world and differ in `seed` (the learning study).
    public var worldSeed: UInt64?
    public var days = 1
    public var audiences = [
        Audience(
            id: "eco_urban_renters", zips: ["10013", "10011"],
            signals: ["sustainability", "transit"]),
        Audience(
            id: "suburban_families", zips: ["07030", "07042"], signals: ["schools", "retail"]),
        Audience(
            id: "luxury_seekers", zips: ["10021", "90210"], signals: ["premium", "experiences"]),
    ]
    public var creatives = ["creative_a", "creative_b", "creative_c"]
    /// Names from `BidStrategy` (their effects are fixed, docs/atomization.md).
    public var bidStrategies = ["aggressive", "balanced", "efficient"]
    /// Names from `Daypart`.
    public var dayparts = ["morning", "afternoon", "prime", "late_night"]
    public var platforms = ["hulu", "disney+", "peacock", "paramount+"]
    /// The campaign's daily budget, split equally over the cells at the start.
    public var dailyBudget: Micros = Micros(50_000_000_000)
    /// Impressions the campaign's cells could win in a day if every cell bid balanced.
    public var impressionsPerDay: Int64 = 200_000
    /// The simulated viewers whose journeys cross the cells.
    public var users = 100_000
    /// Cost per thousand impressions of a balanced bid.
    public var baseCPM: Micros = Micros(30_000_000)
    /// Revenue of one conversion.
    public var conversionValue: Micros = Micros(60_000_000)
    /// Click-through rate of a first exposure, before audience and platform effects.
    public var baseCTRppm: Int64 = 2_000
    /// Conversions per impression, before audience effects.
    public var baseCVRppm: Int64 = 1_500
    /// A test cell that has spent more than this without a conversion is terminated.
    public var minTestBudget: Micros = Micros(200_000_000)
    /// Impressions a cell needs before reallocation ranks it.
    public var minImpressions: Int64 = 1_000
    /// Impressions a cell needs over the monitor's 5-minute window before it can be flagged.
    public var monitorMinImpressions: Int64 = 1_000
    public var attribution = AttributionModel.linear
    /// Journeys look back this many days for touchpoints.
    public var lookbackDays = 1
    /// Half-life of the time-decay attribution, in hours.
    public var halfLifeHours = 24
    public var monitor = true
    public var reallocation = true
    public var lifecycle = true
    public var fatigue = true
    public var synthesizer = true
    /// The audience discovery agent (docs/atomization.md, the discovery rule).
    public var discovery = true
    /// Whether the lifecycle agent merges similar winners into power cells.
    public var merge = true
    /// The learning system: at the run's end it records the campaign's winning patterns.
    public var learning = true
    /// Patterns learned by earlier campaigns (`tools/atomization_library.py` makes the list
    /// from a ledger); confident ones weight the opening budgets.
    public var library: [LearnedPattern] = []
    /// A library pattern weights its cells when its confidence exceeds this, ppm.
    public var learningConfidencePpm: Int64 = 850_000
    /// The opening budget weight of a cell matching a confident pattern, ppm (tenths only).
    public var learningWeightPpm: Int64 = 1_500_000
    public var cadences = Cadences()
    /// ZIP codes of the user pool: the audiences' ZIPs first, then synthetic ones (user u lives
    /// in ZIP u mod `zipPool`).
    public var zipPool = 60
    /// Behavioural signals beyond the audiences' own (the signal vocabulary is the audiences'
    /// signals, then these).
    public var extraSignals = ["streaming", "outdoors", "pets", "fitness", "travel", "gaming"]
    /// A discovered cluster must beat the campaign's conversion rate with at least this
    /// posterior probability (strictly), ppm.
    public var discoveryConfidencePpm: Int64 = 800_000
    /// Signals shared by at least this share of the high-converting ZIPs define the cluster, ppm.
    public var signalSharePpm: Int64 = 500_000
    /// A cluster is discovered only with at least this many conversions (the evidence the
    /// normal tail of the posterior needs; the seed gives none).
    public var discoveryMinConversions: Int64 = 30
    /// At most this many audiences are discovered in a run.
    public var maxDiscoveries = 6
    /// Impressions a creative needs over the 3-hour window before the fatigue rule applies.
    public var fatigueMinImpressions: Int64 = 10_000
    /// Agents whose memory is wiped after a slot's delivery (at most 100).
    public var kills: [(agent: AgentName, slot: Int64)] = []
    /// How a killed agent rebuilds its memory.
    public var recovery = RecoveryMode.ledger

    public init() {}

    /// The seed the world's effects are drawn from.
    public var effectsSeed: UInt64 { worldSeed ?? seed }

    /// Cells of the full Cartesian product.
    public var cellCount: Int {
        audiences.count * creatives.count * bidStrategies.count * dayparts.count * platforms.count
    }

    /// The one-line reason the config cannot run, naming the key.
    public func validate() -> ConfigError? {
        if !(1...366).contains(days) { return .invalid("days", "1...366") }
        let lists: [(String, [String])] = [
            ("audiences", audiences.map(\.id)), ("creatives", creatives),
            ("bid_strategies", bidStrategies), ("dayparts", dayparts), ("platforms", platforms),
        ]
        for (key, names) in lists {
            if names.isEmpty { return .invalid(key, "a non-empty list") }
            if names.count > 64 { return .invalid(key, "at most 64 entries") }
            if let empty = names.firstIndex(where: \.isEmpty) {
                return .invalid("\(key)[\(empty)]", "a non-empty name")
            }
            for (index, name) in names.enumerated() where names[..<index].contains(name) {
                return .invalid(
                    "\(key)[\(index)]", "a name not already listed ('\(name)' is twice)")
            }
        }
        for (index, name) in bidStrategies.enumerated() where BidStrategy(name: name) == nil {
            return .invalid(
                "bid_strategies[\(index)]",
                BidStrategy.allCases.map(\.description).joined(separator: ", "))
        }
        for (index, name) in dayparts.enumerated() where Daypart(name: name) == nil {
            return .invalid(
                "dayparts[\(index)]", Daypart.allCases.map(\.description).joined(separator: ", "))
        }
        if cellCount > 100_000 { return .invalid("dimensions", "at most 100000 cells in all") }
        if !(dailyBudget.raw > 0 && dailyBudget.raw <= 1_000_000_000_000_000) {
            return .invalid("daily_budget", "dollars above 0, at most 1e9")
        }
        if !(1...1_000_000_000).contains(impressionsPerDay) {
            return .invalid("impressions_per_day", "1...1000000000")
        }
        if !(1...10_000_000).contains(users) { return .invalid("users", "1...10000000") }
        if !(baseCPM.raw >= 1_000 && baseCPM.raw <= 1_000_000_000) {
            return .invalid("base_cpm", "dollars in [0.001, 1000]")
        }
        if !(conversionValue.raw >= 0 && conversionValue.raw <= 1_000_000_000_000) {
            return .invalid("conversion_value", "dollars in [0, 1e6]")
        }
        if !(0...1_000_000).contains(baseCTRppm) { return .invalid("base_ctr_ppm", "0...1000000") }
        if !(0...200_000).contains(baseCVRppm) { return .invalid("base_cvr_ppm", "0...200000") }
        if minTestBudget.raw < 0 { return .invalid("min_test_budget", "dollars, 0 or more") }
        if !(1...1_000_000_000).contains(minImpressions) {
            return .invalid("min_impressions", "1...1000000000")
        }
        if !(1...1_000_000_000).contains(monitorMinImpressions) {
            return .invalid("monitor_min_impressions", "1...1000000000")
        }
        if !(1...30).contains(lookbackDays) { return .invalid("lookback_days", "1...30") }
        if !(1...720).contains(halfLifeHours) { return .invalid("half_life_hours", "1...720") }
        if !(1...1_000_000_000).contains(fatigueMinImpressions) {
            return .invalid("fatigue_min_impressions", "1...1000000000")
        }
        if users * creatives.count > 200_000_000 {
            return .invalid("users", "at most 200000000 users x creatives (memory)")
        }
        for (name, slots) in cadences.all where !(1...2_880).contains(slots) {
            return .invalid("cadences.\(name)", "a positive multiple of 30 seconds, at most a day")
        }
        if cadences.fatigue % Int64(FatigueRule.slotsPerBucket) != 0 {
            return .invalid("cadences.fatigue", "a positive multiple of 600 seconds (10 minutes)")
        }
        let named = Set(audiences.flatMap(\.zips))
        if !(max(1, named.count)...100_000).contains(zipPool) {
            return .invalid(
                "zip_pool", "\(max(1, named.count))...100000 (at least the audiences' ZIPs)")
        }
        if users < zipPool { return .invalid("users", "at least zip_pool (\(zipPool))") }
        if let empty = extraSignals.firstIndex(where: \.isEmpty) {
            return .invalid("extra_signals[\(empty)]", "a non-empty name")
        }
        if signalVocabulary.count > 64 {
            return .invalid("extra_signals", "at most 64 signals in all")
        }
        if !(0...1_000_000).contains(discoveryConfidencePpm) {
            return .invalid("discovery_confidence_ppm", "0...1000000")
        }
        if !(1...1_000_000).contains(signalSharePpm) {
            return .invalid("signal_share_ppm", "1...1000000")
        }
        if !(1...1_000_000_000).contains(discoveryMinConversions) {
            return .invalid("discovery_min_conversions", "1...1000000000")
        }
        if !(0...1_000).contains(maxDiscoveries) { return .invalid("max_discoveries", "0...1000") }
        if library.count > 10_000 { return .invalid("library", "at most 10000 patterns") }
        for (index, pattern) in library.enumerated() {
            let dimensions = pattern.terms.map(\.dimension)
            if pattern.terms.isEmpty || Set(dimensions).count != dimensions.count {
                return .invalid(
                    "library[\(index)].pattern", "one or more distinct dimensions with a value")
            }
            if !(0...1_000_000).contains(pattern.confidencePpm) {
                return .invalid("library[\(index)].confidence_ppm", "0...1000000")
            }
            if !(0...1_000_000_000_000).contains(pattern.liftPpm) {
                return .invalid("library[\(index)].lift_ppm", "0...1000000000000")
            }
        }
        if !(0...1_000_000).contains(learningConfidencePpm) {
            return .invalid("learning_confidence_ppm", "0...1000000")
        }
        if !(1_000_000...10_000_000).contains(learningWeightPpm)
            || learningWeightPpm % 100_000 != 0
        {
            return .invalid("learning_weight_ppm", "1000000...10000000 in steps of 100000")
        }
        if kills.count > 100 { return .invalid("kills", "at most 100 kills") }
        let slots = Int64(days) * 2_880
        for (index, kill) in kills.enumerated() where !(0..<slots).contains(kill.slot) {
            return .invalid("kills[\(index)].slot", "0...\(slots - 1) (a slot of the run)")
        }
        return nil
    }

    /// The ZIP codes of the pool: the audiences' ZIPs (first appearance), then "zip-N".
    public var zipCodes: [String] {
        var codes: [String] = []
        for zip in audiences.flatMap(\.zips) where !codes.contains(zip) { codes.append(zip) }
        var next = codes.count
        while codes.count < zipPool {
            let name = "zip-\(next)"
            next += 1
            if !codes.contains(name) { codes.append(name) }
        }
        return codes
    }

    /// The signal vocabulary: the audiences' signals (first appearance), then `extraSignals`.
    public var signalVocabulary: [String] {
        var names: [String] = []
        for name in audiences.flatMap(\.signals) + extraSignals where !names.contains(name) {
            names.append(name)
        }
        return names
    }
}
