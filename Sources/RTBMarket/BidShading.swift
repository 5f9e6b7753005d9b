import RTBCore
import RTBTrace

/// First-price bid shading that learns from win rates (scenario A, `bid_shading`).
///
/// Under first price a winner pays its bid, so a buyer bidding its value gains nothing; it bids
/// a fraction s of its value, one of `levels` (60% to 100% in steps of 5%). Each campaign keeps,
/// per level, the auctions it entered at that level and those it won (won: it was sold a lot),
/// and picks the level that maximises its expected surplus per unit of value,
/// (1 - s) x (wins + 1) / (tries + 2) (the win rate with one win and one loss of prior, so an
/// untried level counts as won half the time); ties go to the higher level. One auction in ten
/// (from the campaign's own random bits) it tries a level drawn uniformly instead, so the win
/// rates of every level keep being learned as competitors change. The counts are integers and
/// the comparison is exact, so the rule is deterministic and replayable.
struct BidShading: Equatable, Sendable {
    /// The shading levels, ppm of the value bid.
    static let levels: [Int64] = stride(from: 600_000, through: 1_000_000, by: 50_000).map {
        Int64($0)
    }
    /// Auctions in a thousand at which a campaign explores a random level.
    static let explorePermille: UInt64 = 100

    /// Tries and wins by `campaign * levels.count + level`.
    var tries: [Int64]
    var wins: [Int64]

    init(campaigns: Int) {
        tries = [Int64](repeating: 0, count: campaigns * Self.levels.count)
        wins = tries
    }

    var isActive: Bool { !tries.isEmpty }

    /// The most auctions a count may hold in a restored state (far above any run's).
    static let countLimit: Int64 = 1 << 40

    /// Whether restored counts can be this run's: sized for `campaigns` (or empty), each count
    /// within 0...`countLimit`, wins at most tries.
    func isConsistent(campaigns: Int) -> Bool {
        (tries.isEmpty || tries.count == campaigns * Self.levels.count)
            && wins.count == tries.count
            && zip(tries, wins).allSatisfy { tries, wins in
                (0...Self.countLimit).contains(tries) && (0...tries).contains(wins)
            }
    }

    /// The level a campaign bids at in an auction, from its random bits.
    func level(campaign: Int, randomBits: UInt64) -> Int {
        let count = Self.levels.count
        if randomBits % 1_000 < Self.explorePermille {
            return Int((randomBits / 1_000) % UInt64(count))
        }
        var best = 0
        for level in 1..<count where beats(campaign, level, best) { best = level }
        return best
    }

    /// Whether `level` has an expected surplus at least `other`'s (exact cross-multiplication,
    /// in 128 bits).
    func beats(_ campaign: Int, _ level: Int, _ other: Int) -> Bool {
        let base = campaign * Self.levels.count
        func score(_ mine: Int, _ theirs: Int) -> Int128 {
            Int128(1_000_000 - Self.levels[mine]) * Int128(wins[base + mine] + 1)
                * Int128(tries[base + theirs] + 2)
        }
        return score(level, other) >= score(other, level)
    }

    /// The bid at `level` for a value bid: rounded down to whole cents, at least the reserve
    /// (rounded up to cents) when the value reaches it.
    static func shade(_ value: Micros, level: Int, reserve: Micros) -> Micros {
        let shaded = Micros.cents(value.raw * levels[level] / 1_000_000 / 10_000)
        guard shaded < reserve else { return shaded }
        let lowest = Micros.cents((reserve.raw + 9_999) / 10_000)
        return lowest <= value ? lowest : value
    }

    /// Books one auction a campaign entered at `level`.
    mutating func record(campaign: Int, level: Int, won: Bool) {
        let index = campaign * Self.levels.count + level
        tries[index] += 1
        if won { wins[index] += 1 }
    }

    func encode(into writer: inout CanonicalWriter) {
        writer.varint(tries.count)
        for index in tries.indices {
            writer.signedVarint(tries[index])
            writer.signedVarint(wins[index])
        }
    }

    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> BidShading {
        let start = reader.offset
        let count = try reader.elementCount()
        guard count % levels.count == 0 else {
            throw .wrongCount(
                offset: start, count: count, expected: count / levels.count * levels.count,
                what: "shading counts (not a multiple of \(levels.count) levels)")
        }
        var shading = BidShading(campaigns: count / levels.count)
        for index in 0..<count {
            shading.tries[index] = try reader.signedVarint()
            shading.wins[index] = try reader.signedVarint()
        }
        return shading
    }
}
