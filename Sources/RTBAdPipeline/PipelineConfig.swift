import RTBCore
import RTBTrace

/// The canonical config of a creative-pipeline study (seed 003's offline pipeline, made
/// honest; docs/creative-pipeline.md). The baselines are copied in, so a ledger replays without
/// the file. Money in micro-dollars.
public struct PipelineConfig: Equatable, Sendable {
    public var seed: UInt64 = 1
    /// The baselines file's name (a label only).
    public var tag = "baselines"
    public var mode = PipelineMode.honest
    public var budget: Int64 = 30_000_000_000
    public var forecastDraws = 5_000
    /// Auction rounds per creative at the central grid point, and at every other point.
    public var rounds = 2_000
    public var sensitivityRounds = 1_000
    /// The sensitivity grid, in ppm; the central point is the one closest to (1, 1).
    public var bidMults: [Int64] = [800_000, 1_000_000, 1_200_000]
    public var qualityMults: [Int64] = [900_000, 1_000_000, 1_100_000]
    public var days = 3
    public var slate = 8
    public var bootstrap = 500
    /// Slots per auction and the reserve price per click.
    public var slots = 4
    public var reserve: Int64 = 500_000
    /// Honest mode: what a signup is worth to us, in dollars (our value per click is this x
    /// CVR); the forecast's P(CAC <= 240) names the same threshold.
    public var targetCAC = 240.0
    public var creatives: [CreativeBaseline] = []

    public init() {}

    /// The AELP wrapper's six competitors: name, budget (dollars), shading factor (1: truthful).
    public static let competitors: [(name: String, budget: Double, gamma: Double)] = [
        ("Qustodio", 199, 0.6), ("Bark", 244, 1), ("Circle", 229, 0.7), ("Norton", 180, 1),
        ("Competitor5", 150, 0.5), ("Competitor6", 200, 1),
    ]

    /// Grid points, row-major over (bid multiplier, quality multiplier).
    public var points: Int { bidMults.count * qualityMults.count }
    /// The grid point nearest (1, 1): the main study.
    public var centralPoint: Int {
        let bid = bidMults.indices.min {
            abs(bidMults[$0] - 1_000_000) < abs(bidMults[$1] - 1_000_000)
        }!
        let quality = qualityMults.indices.min {
            abs(qualityMults[$0] - 1_000_000) < abs(qualityMults[$1] - 1_000_000)
        }!
        return bid * qualityMults.count + quality
    }
    /// Rounds at grid point `point`.
    public func rounds(at point: Int) -> Int { point == centralPoint ? rounds : sensitivityRounds }

    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(1)
        writer.varint(seed)
        writer.string(tag)
        writer.u8(mode.rawValue)
        writer.varint(UInt64(budget))
        for value in [forecastDraws, rounds, sensitivityRounds, days, slate, bootstrap, slots] {
            writer.varint(value)
        }
        writer.signedVarints(bidMults)
        writer.signedVarints(qualityMults)
        writer.varint(UInt64(reserve))
        writer.f64(targetCAC)
        writer.varint(creatives.count)
        for creative in creatives {
            writer.string(creative.id)
            writer.f64(creative.pWin)
            writer.reals(creative.cpm + creative.ctr + creative.cvr)
        }
        return writer.bytes
    }

    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.u8() == 1 else {
                throw ConfigError.malformed("pipeline config version")
            }
            seed = try reader.varint()
            tag = try reader.string()
            guard let mode = PipelineMode(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown pipeline mode")
            }
            self.mode = mode
            budget = Int64(clamping: try reader.varint())
            forecastDraws = try reader.int()
            rounds = try reader.int()
            sensitivityRounds = try reader.int()
            days = try reader.int()
            slate = try reader.int()
            bootstrap = try reader.int()
            slots = try reader.int()
            bidMults = try reader.signedVarints()
            qualityMults = try reader.signedVarints()
            reserve = Int64(clamping: try reader.varint())
            targetCAC = try reader.f64()
            let count = try reader.count(limit: 100_000)
            creatives = []
            for _ in 0..<count {
                let id = try reader.string()
                let pWin = try reader.f64()
                let values = try reader.reals()
                guard values.count == 9 else {
                    throw ConfigError.malformed("a creative's baselines")
                }
                creatives.append(
                    CreativeBaseline(
                        id: id, pWin: pWin, cpm: Array(values[0..<3]), ctr: Array(values[3..<6]),
                        cvr: Array(values[6..<9])))
            }
            try reader.expectEnd()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .malformed("pipeline config: \(error)")
        }
        try validate()
    }

    public func validate() throws(ConfigError) {
        guard !creatives.isEmpty else {
            throw .invalid(
                "baselines", "a baselines file with at least one creative (the key is required)")
        }
        for (index, creative) in creatives.enumerated() {
            try Baselines.validate(creative, row: "creative \(index + 1) (\(creative.id))")
        }
        guard budget > 0 && budget <= 1_000_000_000_000_000 else {
            throw .invalid("budget", "an amount > 0 (a budget of 0 buys nothing)")
        }
        guard forecastDraws >= 10 && forecastDraws <= 10_000_000 else {
            throw .invalid("forecast_draws", "10...10000000")
        }
        guard rounds >= 1 && rounds <= 100_000_000 else {
            throw .invalid("rounds", "1...100000000")
        }
        guard sensitivityRounds >= 1 && sensitivityRounds <= 100_000_000 else {
            throw .invalid("sensitivity_rounds", "1...100000000")
        }
        guard days >= 1 && days <= 3_650 else { throw .invalid("days", "1...3650") }
        guard slate >= 1 && slate <= creatives.count else {
            throw .invalid("slate", "1...the number of creatives (\(creatives.count))")
        }
        guard bootstrap >= 10 && bootstrap <= 100_000 else {
            throw .invalid("bootstrap", "10...100000")
        }
        let bidders = Self.competitors.count + 1
        guard slots >= 1 && slots <= bidders else {
            throw .invalid("slots", "1...\(bidders) (more slots than bidders)")
        }
        guard reserve >= 0 && reserve <= 1_000_000_000 else {
            throw .invalid("reserve", "a price in [0, 1000]")
        }
        for (key, list) in [("bid_mults", bidMults), ("quality_mults", qualityMults)] {
            guard
                !list.isEmpty && list.count <= 20 && list.allSatisfy({ $0 > 0 && $0 <= 10_000_000 })
            else {
                throw .invalid(key, "1 to 20 multipliers in (0, 10]")
            }
        }
    }
}
