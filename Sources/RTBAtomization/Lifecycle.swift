import RTBCore

/// A cell's status.
public enum CellStatus: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case test = 0
    case evergreen = 1
    case terminated = 2
    /// Merged into a power cell: like a terminated cell, it never delivers again.
    case merged = 3

    public var description: String {
        ["test", "evergreen", "terminated", "merged"][Int(rawValue)]
    }

    /// Whether the cell still delivers and takes part in the agents' rankings.
    public var isRunning: Bool {
        switch self {
        case .test, .evergreen: return true
        case .terminated, .merged: return false
        }
    }
}

/// Seed 004's lifecycle rules, exactly (both conditions strict).
public enum Lifecycle {
    /// A test cell graduates to evergreen when its conversions exceed 100 (in ppm of a
    /// conversion: above 100,000,000) and its ROAS exceeds 3.5 (2 x revenue > 7 x spend).
    public static func graduates(conversionsPpm: Int64, revenue: Int64, spend: Int64) -> Bool {
        conversionsPpm > 100 * Attribution.whole
            && Attribution.product(revenue, 2, exceeds: spend, 7)
    }

    /// A winner, for the merge: ROAS at least 3.5 (2 x revenue >= 7 x spend).
    public static func winner(revenue: Int64, spend: Int64) -> Bool {
        !Attribution.product(spend, 7, exceeds: revenue, 2)
    }

    /// A test cell is terminated when it has spent more than the minimum test budget without a
    /// single (fraction of a) conversion.
    public static func terminates(conversionsPpm: Int64, spend: Int64, minTestBudget: Micros)
        -> Bool
    {
        spend > minTestBudget.raw && conversionsPpm == 0
    }
}

/// Seed 004's budget reallocation: rank the eligible cells by ROAS (revenue per dollar spent,
/// best first; ties by lower cost per conversion, then lower cell index); the bottom
/// k = max(1, floor(n / 5)) cells keep half their budget (floored) and the freed total is split
/// equally over the top k (the remainder one micro each to the best of them); nothing happens
/// when n < 2k (the sets would overlap). Total budget is conserved exactly.
public enum Reallocation {
    public struct Candidate: Sendable {
        public var cell: Int
        public var budget: Int64
        public var revenue: Int64
        public var spend: Int64
        public var conversionsPpm: Int64

        public init(cell: Int, budget: Int64, revenue: Int64, spend: Int64, conversionsPpm: Int64) {
            self.cell = cell
            self.budget = budget
            self.revenue = revenue
            self.spend = spend
            self.conversionsPpm = conversionsPpm
        }
    }

    /// (cell, budget change) pairs, cut cells first in rank order, then the funded ones.
    public static func plan(_ candidates: [Candidate]) -> [(cell: Int, delta: Int64)] {
        let count = candidates.count
        let k = max(1, count / 5)
        guard count >= 2 * k else { return [] }
        let ranked = candidates.sorted(by: better)
        var changes: [(cell: Int, delta: Int64)] = []
        var freed: Int64 = 0
        for poor in ranked.suffix(k) {
            let cut = poor.budget - poor.budget / 2
            freed += cut
            changes.append((poor.cell, -cut))
        }
        let share = freed / Int64(k)
        var rest = freed % Int64(k)
        for top in ranked.prefix(k) {
            let extra: Int64 = rest > 0 ? 1 : 0
            rest -= extra
            changes.append((top.cell, share + extra))
        }
        return changes
    }

    /// The best running cell with spend by this ranking (the model a discovered audience's
    /// test cell copies).
    public static func bestRunning(
        status: [CellStatus], budget: [Int64], revenue: [Int64], spend: [Int64],
        conversionsPpm: [Int64]
    ) -> Int? {
        status.indices.filter { status[$0].isRunning && spend[$0] > 0 }.map {
            Candidate(
                cell: $0, budget: budget[$0], revenue: revenue[$0], spend: spend[$0],
                conversionsPpm: conversionsPpm[$0])
        }.min(by: better)?.cell
    }

    /// Ranking: higher ROAS; then lower cost per conversion (no conversion ranks last); then
    /// the lower cell index.
    static func better(_ a: Candidate, _ b: Candidate) -> Bool {
        // ROAS a > ROAS b  <=>  a.revenue x b.spend > b.revenue x a.spend (spends > 0).
        if Attribution.product(a.revenue, b.spend, exceeds: b.revenue, a.spend) { return true }
        if Attribution.product(b.revenue, a.spend, exceeds: a.revenue, b.spend) { return false }
        // CPA a < CPA b  <=>  a.spend x b.conversions < b.spend x a.conversions.
        if a.conversionsPpm != b.conversionsPpm && (a.conversionsPpm == 0 || b.conversionsPpm == 0)
        {
            return a.conversionsPpm > 0
        }
        if Attribution.product(b.spend, a.conversionsPpm, exceeds: a.spend, b.conversionsPpm) {
            return true
        }
        if Attribution.product(a.spend, b.conversionsPpm, exceeds: b.spend, a.conversionsPpm) {
            return false
        }
        return a.cell < b.cell
    }
}
