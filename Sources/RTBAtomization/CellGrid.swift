import RTBCore

/// A bid strategy's fixed effects: what it pays per thousand impressions (relative to the
/// base CPM) and the share of its opportunities it wins.
public enum BidStrategy: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case aggressive = 0
    case balanced = 1
    case efficient = 2

    public var description: String { ["aggressive", "balanced", "efficient"][Int(rawValue)] }

    init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = found
    }

    /// CPM as parts per million of the base CPM.
    var cpmPpm: Int64 { [1_300_000, 1_000_000, 800_000][Int(rawValue)] }
    /// Share of opportunities won, parts per million.
    var winPpm: Int64 { [900_000, 700_000, 500_000][Int(rawValue)] }
}

/// A daypart: its hours and its share of a day's impressions.
public enum Daypart: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case morning = 0
    case afternoon = 1
    case prime = 2
    case lateNight = 3

    public var description: String {
        ["morning", "afternoon", "prime", "late_night"][Int(rawValue)]
    }

    init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = found
    }

    /// Whether the hour of day (0-23) falls in the daypart: morning 06-12, afternoon 12-18,
    /// prime 18-23, late night 23-06.
    func covers(hour: Int) -> Bool {
        switch self {
        case .morning: return (6..<12).contains(hour)
        case .afternoon: return (12..<18).contains(hour)
        case .prime: return (18..<23).contains(hour)
        case .lateNight: return hour >= 23 || hour < 6
        }
    }

    var hours: Int { [6, 6, 5, 7][Int(rawValue)] }
    /// Share of a day's impressions, parts per million.
    var sharePpm: Int64 { [200_000, 250_000, 400_000, 150_000][Int(rawValue)] }
}

/// One test cell: a point of the Cartesian product of the dimensions (indexes into the
/// config's lists).
public struct CellSpec: Equatable, Sendable {
    public var index: Int
    public var audience: Int
    public var creative: Int
    public var strategy: Int
    public var daypart: Int
    public var platform: Int
}

/// The cell factory and the fixed effects of every dimension value, drawn from the seed:
/// audience CTR and CVR multipliers in [0.5, 1.5], platform CTR multipliers in [0.8, 1.2]
/// and reach weights in [0.5, 1.5] (normalised), creative fatigue rates lambda in
/// [0.05, 0.20] per exposure.
public struct CellGrid: Sendable {
    public let cells: [CellSpec]
    public let strategies: [BidStrategy]
    public let dayparts: [Daypart]
    let audienceCTRppm: [Int64]
    let audienceCVRppm: [Int64]
    let platformCTRppm: [Int64]
    let platformReachPpm: [Int64]
    /// Per creative, CTR multiplier (ppm) after f earlier exposures of a user, f = 0...15.
    let fatiguePpm: [[Int64]]
    /// Price of one impression per strategy, micros.
    public let pricePerImpression: [Int64]

    static let fatigueCap = 15

    public init(config: AtomizationConfig) {
        var cells: [CellSpec] = []
        cells.reserveCapacity(config.cellCount)
        for audience in config.audiences.indices {
            for creative in config.creatives.indices {
                for strategy in config.bidStrategies.indices {
                    for daypart in config.dayparts.indices {
                        for platform in config.platforms.indices {
                            cells.append(
                                CellSpec(
                                    index: cells.count, audience: audience, creative: creative,
                                    strategy: strategy, daypart: daypart, platform: platform))
                        }
                    }
                }
            }
        }
        self.cells = cells
        strategies = config.bidStrategies.map { BidStrategy(name: $0)! }
        dayparts = config.dayparts.map { Daypart(name: $0)! }
        var random = RandomStream(seed: config.effectsSeed, key: StreamKey("atomization-effects"))
        func draw(_ count: Int, _ low: Int64, _ high: Int64) -> [Int64] {
            (0..<count).map { _ in random.int(in: low...high) }
        }
        audienceCTRppm = draw(config.audiences.count, 500_000, 1_500_000)
        audienceCVRppm = draw(config.audiences.count, 500_000, 1_500_000)
        platformCTRppm = draw(config.platforms.count, 800_000, 1_200_000)
        let weights = draw(config.platforms.count, 500_000, 1_500_000)
        let total = weights.reduce(0, +)
        platformReachPpm = weights.map { $0 * 1_000_000 / total }
        fatiguePpm = draw(config.creatives.count, 50_000, 200_000).map { lambda in
            (0...Self.fatigueCap).map { exposures in
                Int64(
                    (DeterministicMath.exp(-Double(lambda) / 1e6 * Double(exposures)) * 1e6)
                        .rounded())
            }
        }
        pricePerImpression = strategies.map { config.baseCPM.raw * $0.cpmPpm / 1_000_000 / 1_000 }
    }

    /// What a member of a cell needs per slot and impression, fixed when the cell is created.
    struct Member {
        let daypart: Daypart
        let expectedMicro: Int64
        let ctrBase: Int64
        let cvr: Int64
    }

    /// A member whose audience reaches `reachPpm` of a configured audience's opportunities.
    func member(_ spec: CellSpec, config: AtomizationConfig, reachPpm: Int64) -> Member {
        Member(
            daypart: dayparts[spec.daypart],
            expectedMicro: expectedMicroImpressions(spec, config: config) * reachPpm / 1_000_000,
            ctrBase: ctrBasePpm(spec, config: config), cvr: cvrPpm(spec, config: config))
    }

    /// Expected impressions of a cell in one 30-second slot of its daypart, in millionths.
    func expectedMicroImpressions(_ cell: CellSpec, config: AtomizationConfig) -> Int64 {
        let daypart = dayparts[cell.daypart]
        let slots = Int64(daypart.hours * 120)
        let others = Int64(
            config.audiences.count * config.creatives.count * config.bidStrategies.count)
        // impressions per day x daypart share x platform reach x win rate / (slots x others),
        // in millionths of an impression; each factor in ppm is divided out as it comes.
        var value = config.impressionsPerDay * daypart.sharePpm / slots
        value = value * platformReachPpm[cell.platform] / 1_000_000
        value = value * strategies[cell.strategy].winPpm / 1_000_000
        return value / others
    }

    /// The click-through rate of a first exposure, ppm; a user's f-th earlier exposure to the
    /// creative multiplies it by `fatiguePpm[creative][min(f, 15)]` / 10^6.
    func ctrBasePpm(_ cell: CellSpec, config: AtomizationConfig) -> Int64 {
        config.baseCTRppm * Self.effect(audienceCTRppm, cell.audience) / 1_000_000
            * platformCTRppm[cell.platform] / 1_000_000
    }

    /// Conversions per impression, ppm.
    func cvrPpm(_ cell: CellSpec, config: AtomizationConfig) -> Int64 {
        config.baseCVRppm * Self.effect(audienceCVRppm, cell.audience) / 1_000_000
    }

    /// A configured audience's drawn effect; a discovered audience's is neutral (its edge is
    /// its ZIPs' conversion lift).
    static func effect(_ effects: [Int64], _ audience: Int) -> Int64 {
        audience < effects.count ? effects[audience] : 1_000_000
    }
}
