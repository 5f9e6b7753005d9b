/// Seed 004's cross-platform synthesizer (every 15 minutes), made exact: on each platform the
/// best audience is the one with the highest ROAS over the running cells' spend and credited
/// revenue so far (with some spend; ties to the lower index). When one audience is best on
/// every platform, it is a pattern that wins everywhere and is scaled on all platforms; else
/// each platform's best is scaled on that platform only. Scaling moves 5% (floored) of the daily
/// budget of every running cell in scope with another audience to the running cells in scope
/// with the pattern's audience, split equally (largest remainder): the total is conserved.
public enum Synthesizer {
    /// Slots between runs (15 minutes).
    public static let cadence: Int64 = 30
    /// Percent of a donor cell's daily budget moved.
    public static let share: Int64 = 5

    /// A pattern: an audience, on one platform or (nil) on all.
    public struct Pattern: Equatable, Sendable {
        public var audience: Int
        public var platform: Int?

        public init(audience: Int, platform: Int?) {
            self.audience = audience
            self.platform = platform
        }

        /// The `DecisionRound` target: the audience for a pattern everywhere, else
        /// audience + audiences x (platform + 1).
        public func target(audiences: Int) -> Int64 {
            Int64(audience + audiences * ((platform ?? -1) + 1))
        }

        /// The action kind code (1 scale everywhere, 2 scale on one platform).
        public var kind: Int64 { platform == nil ? 1 : 2 }
    }

    /// What the synthesizer sees of a cell.
    public struct Cell: Sendable {
        public var audience: Int
        public var platform: Int
        public var running: Bool
        public var spend: Int64
        public var revenue: Int64
        public var budget: Int64

        public init(
            audience: Int, platform: Int, running: Bool, spend: Int64, revenue: Int64,
            budget: Int64
        ) {
            self.audience = audience
            self.platform = platform
            self.running = running
            self.spend = spend
            self.revenue = revenue
            self.budget = budget
        }
    }

    /// The patterns to recommend, with each one's lift over its scope's ROAS (ppm, in [0, 10^6]).
    public static func patterns(_ cells: [Cell], audiences: Int, platforms: Int) -> [(
        pattern: Pattern, lift: Int64
    )] {
        var best: [Int?] = []
        for platform in 0..<platforms {
            var spend = [Int64](repeating: 0, count: audiences)
            var revenue = spend
            for cell in cells where cell.running && cell.platform == platform {
                spend[cell.audience] += cell.spend
                revenue[cell.audience] += cell.revenue
            }
            var winner: Int?
            for audience in 0..<audiences where spend[audience] > 0 {
                guard let current = winner else {
                    winner = audience
                    continue
                }
                // revenue[a] / spend[a] > revenue[current] / spend[current]
                if Attribution.product(
                    revenue[audience], spend[current], exceeds: revenue[current], spend[audience])
                {
                    winner = audience
                }
            }
            best.append(winner)
        }
        let found: [Pattern]
        if let first = best.first ?? nil, best.allSatisfy({ $0 == first }) {
            found = [Pattern(audience: first, platform: nil)]
        } else {
            found = best.enumerated().compactMap { platform, audience in
                audience.map { Pattern(audience: $0, platform: platform) }
            }
        }
        return found.map { pattern in
            let scope = cells.filter {
                $0.running && (pattern.platform == nil || $0.platform == pattern.platform)
            }
            let winners = scope.filter { $0.audience == pattern.audience }
            let spend = winners.reduce(0) { $0 + $1.spend }
            let revenue = winners.reduce(0) { $0 + $1.revenue }
            let allSpend = scope.reduce(0) { $0 + $1.spend }
            let allRevenue = scope.reduce(0) { $0 + $1.revenue }
            guard spend > 0, allRevenue > 0, allSpend > 0 else { return (pattern, 0) }
            // ROAS(winners) / ROAS(scope) - 1, in ppm, clamped to [0, 10^6].
            let ratio = Attribution.ratioPpm(
                Attribution.ratioPpm(revenue, spend),
                max(1, Attribution.ratioPpm(allRevenue, allSpend)))
            return (pattern, min(1_000_000, max(0, ratio - 1_000_000)))
        }
    }

    /// The budget changes of scaling `pattern`: donors first (in cell order), then recipients.
    public static func moves(_ pattern: Pattern, _ cells: [Cell]) -> [(cell: Int, delta: Int64)] {
        var donors: [(cell: Int, delta: Int64)] = []
        var recipients: [Int] = []
        for (index, cell) in cells.enumerated()
        where cell.running && (pattern.platform == nil || cell.platform == pattern.platform) {
            if cell.audience == pattern.audience {
                recipients.append(index)
            } else if cell.budget * share / 100 > 0 {
                donors.append((index, -(cell.budget * share / 100)))
            }
        }
        let total = -donors.reduce(0) { $0 + $1.delta }
        guard total > 0, !recipients.isEmpty else { return [] }
        let shares = Attribution.largestRemainder(recipients.map { _ in 1 }, total: total)
        return donors + zip(recipients, shares).map { ($0, $1) }
    }
}
