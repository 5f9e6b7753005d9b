import RTBCore
import RTBTrace

/// A dimension of the cells.
public enum Dimension: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case audience = 0
    case creative = 1
    case strategy = 2
    case daypart = 3
    case platform = 4

    public var description: String {
        ["audience", "creative", "bid_strategy", "daypart", "platform"][Int(rawValue)]
    }
}

/// A pattern of the learning system's library: one or two (dimension, value) terms, the values
/// by name so that a pattern learned in one campaign applies to another; its lift (the ROAS of
/// the cells it matches over the campaign's) and confidence, ppm.
public struct LearnedPattern: Equatable, Sendable {
    public struct Term: Equatable, Sendable {
        public var dimension: Dimension
        public var value: String

        public init(_ dimension: Dimension, _ value: String) {
            self.dimension = dimension
            self.value = value
        }
    }

    public var terms: [Term]
    public var liftPpm: Int64
    public var confidencePpm: Int64

    public init(terms: [Term], liftPpm: Int64, confidencePpm: Int64) {
        self.terms = terms
        self.liftPpm = liftPpm
        self.confidencePpm = confidencePpm
    }

    /// The pattern as a JSON object text, terms in order: `{"audience":"a","platform":"p"}`.
    public var text: String {
        var object = JSONObject()
        for term in terms { object["\(term.dimension)"] = .string(term.value) }
        return object.text
    }
}

/// Seed 004's learning system, made exact. At a campaign's end it stores the winning patterns:
/// every value of every dimension, and every (audience, platform) pair (the synthesizer's
/// conditions), over the cells whose first member has them (a discovered audience is no
/// pattern: its ZIPs belong to this campaign's users); a pattern wins when it has spend and its
/// ROAS exceeds the campaign's (lift = its ROAS / the campaign's, ppm); its confidence is the
/// posterior probability that its conversion rate exceeds the campaign's (`DiscoveryRule`).
/// When a campaign starts with a library, every cell matching a pattern whose confidence
/// exceeds `learning_confidence` (0.85) gets budget weight `learning_weight` (1.5) instead of
/// 1: the daily budget is split in proportion (largest remainder).
public enum LearningSystem {
    /// What the learning system reads of a cell: its dimension values (indexes), counters.
    public struct Cell: Sendable {
        public var values: [Int]
        public var spend: Int64
        public var revenue: Int64
        public var impressions: Int64
        public var conversionsPpm: Int64

        public init(
            values: [Int], spend: Int64, revenue: Int64, impressions: Int64, conversionsPpm: Int64
        ) {
            self.values = values
            self.spend = spend
            self.revenue = revenue
            self.impressions = impressions
            self.conversionsPpm = conversionsPpm
        }
    }

    /// What the learning system reads of a campaign: every cell not merged away, by the values
    /// of its first member (a discovered audience as no configured one).
    public static func cells(
        targeting: [CellTargeting], creativeOf: [Int], status: [CellStatus], spend: [Int64],
        revenue: [Int64], impressions: [Int64], conversionsPpm: [Int64], configured: Int
    ) -> [Cell] {
        status.indices.filter { status[$0] != .merged }.map { cell in
            let target = targeting[cell]
            return Cell(
                values: [
                    target.audiences[0] < configured ? target.audiences[0] : -1,
                    creativeOf[cell], target.strategy, target.dayparts[0], target.platforms[0],
                ], spend: spend[cell], revenue: revenue[cell], impressions: impressions[cell],
                conversionsPpm: conversionsPpm[cell])
        }
    }

    /// One learned pattern with the figures it was judged on.
    public struct Learned: Equatable, Sendable {
        public var pattern: LearnedPattern
        public var spend: Int64
        public var revenue: Int64
        public var impressions: Int64
        public var conversions: Int64
    }

    /// The candidate patterns as (dimension, value index) terms, in order.
    static func candidates(_ config: AtomizationConfig) -> [[(Dimension, Int)]] {
        let sizes = [
            config.audiences.count, config.creatives.count, config.bidStrategies.count,
            config.dayparts.count, config.platforms.count,
        ]
        var list: [[(Dimension, Int)]] = []
        for dimension in Dimension.allCases {
            for value in 0..<sizes[Int(dimension.rawValue)] { list.append([(dimension, value)]) }
        }
        for audience in 0..<config.audiences.count {
            for platform in 0..<config.platforms.count {
                list.append([(.audience, audience), (.platform, platform)])
            }
        }
        return list
    }

    static func name(_ dimension: Dimension, _ value: Int, _ config: AtomizationConfig) -> String {
        switch dimension {
        case .audience: return config.audiences[value].id
        case .creative: return config.creatives[value]
        case .strategy: return config.bidStrategies[value]
        case .daypart: return config.dayparts[value]
        case .platform: return config.platforms[value]
        }
    }

    /// The winning patterns of a campaign's cells, in candidate order.
    public static func learn(_ cells: [Cell], config: AtomizationConfig) -> [Learned] {
        let spend = cells.reduce(0) { $0 + $1.spend }
        let revenue = cells.reduce(0) { $0 + $1.revenue }
        let impressions = cells.reduce(0) { $0 + $1.impressions }
        let conversions = cells.reduce(0) { $0 + $1.conversionsPpm } / Attribution.whole
        guard spend > 0, revenue > 0 else { return [] }
        let campaignROAS = Attribution.ratioPpm(revenue, spend)
        // A ROAS below one ppm gives no lift to measure against.
        guard campaignROAS > 0 else { return [] }
        var learned: [Learned] = []
        for terms in candidates(config) {
            let matching = cells.filter { cell in
                terms.allSatisfy { cell.values[Int($0.0.rawValue)] == $0.1 }
            }
            let patternSpend = matching.reduce(0) { $0 + $1.spend }
            let patternRevenue = matching.reduce(0) { $0 + $1.revenue }
            guard patternSpend > 0 else { continue }
            let lift = Attribution.ratioPpm(
                Attribution.ratioPpm(patternRevenue, patternSpend), campaignROAS)
            guard lift > Attribution.whole else { continue }
            let shown = matching.reduce(0) { $0 + $1.impressions }
            let converted = matching.reduce(0) { $0 + $1.conversionsPpm } / Attribution.whole
            learned.append(
                Learned(
                    pattern: LearnedPattern(
                        terms: terms.map { .init($0.0, name($0.0, $0.1, config)) }, liftPpm: lift,
                        confidencePpm: DiscoveryRule.confidencePpm(
                            conversions: converted, impressions: shown,
                            campaignConversions: conversions, campaignImpressions: impressions)),
                    spend: patternSpend, revenue: patternRevenue, impressions: shown,
                    conversions: converted))
        }
        return learned
    }

    /// The opening daily budgets of the product's cells: weight `learning_weight` for a cell
    /// matching a confident library pattern, 1 otherwise (in tenths, so the split cannot
    /// overflow), split by largest remainder. `ignoringConfidence` is the unearned-weight
    /// canary's mistake.
    public static func openingBudgets(
        _ cells: [CellSpec], config: AtomizationConfig, ignoringConfidence: Bool = false
    ) -> [Int64] {
        let confident = config.library.filter {
            ignoringConfidence || $0.confidencePpm > config.learningConfidencePpm
        }
        let weights = cells.map { cell -> Int64 in
            let values = [cell.audience, cell.creative, cell.strategy, cell.daypart, cell.platform]
            let matches = confident.contains { pattern in
                pattern.terms.allSatisfy {
                    name($0.dimension, values[Int($0.dimension.rawValue)], config) == $0.value
                }
            }
            return matches ? config.learningWeightPpm / 100_000 : 10
        }
        return Attribution.largestRemainder(weights, total: config.dailyBudget.raw)
    }
}
