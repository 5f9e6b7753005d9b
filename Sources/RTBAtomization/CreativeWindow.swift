import RTBCore

/// Each creative's impressions and clicks per 10-minute bucket over the last 3 hours, as
/// both the creative optimization agent and the checker keep it from the deliveries: a ring
/// of 18 buckets per creative; a bucket is cleared when its first slot begins.
struct CreativeWindow: Equatable {
    let creatives: Int
    var impressions: [Int64]
    var clicks: [Int64]

    init(creatives: Int) {
        self.creatives = creatives
        impressions = [Int64](repeating: 0, count: creatives * FatigueRule.buckets)
        clicks = impressions
    }

    static func bucket(of slot: Int64) -> Int {
        Int(slot / Int64(FatigueRule.slotsPerBucket) % Int64(FatigueRule.buckets))
    }

    /// Clears the bucket `slot` begins, if it begins one.
    mutating func begin(slot: Int64) {
        guard slot % Int64(FatigueRule.slotsPerBucket) == 0 else { return }
        let bucket = Self.bucket(of: slot)
        for creative in 0..<creatives {
            impressions[creative * FatigueRule.buckets + bucket] = 0
            clicks[creative * FatigueRule.buckets + bucket] = 0
        }
    }

    mutating func add(creative: Int, slot: Int64, impressions shown: Int64, clicks clicked: Int64) {
        let at = creative * FatigueRule.buckets + Self.bucket(of: slot)
        impressions[at] += shown
        clicks[at] += clicked
    }

    /// The creative's buckets, oldest first, for the window ending with `slot`'s bucket.
    func series(_ creative: Int, endingAt slot: Int64) -> (impressions: [Int64], clicks: [Int64]) {
        let last = Self.bucket(of: slot)
        var shown: [Int64] = []
        var clicked: [Int64] = []
        for step in 1...FatigueRule.buckets {
            let at = creative * FatigueRule.buckets + (last + step) % FatigueRule.buckets
            shown.append(impressions[at])
            clicked.append(clicks[at])
        }
        return (shown, clicked)
    }

    /// Each creative's verdict at the end of `slot`'s bucket: its decline (ppm) when fatigued.
    func fatigue(endingAt slot: Int64, minImpressions: Int64) -> [Int64?] {
        (0..<creatives).map { creative in
            let (shown, clicked) = series(creative, endingAt: slot)
            let series = FatigueRule.points(impressions: shown, clicks: clicked)
            guard
                FatigueRule.fatigued(
                    series.points, impressions: series.impressions, minImpressions: minImpressions)
            else { return nil }
            return FatigueRule.declinePpm(series.points)
        }
    }

    /// Window impressions of a creative.
    func total(_ creative: Int) -> (impressions: Int64, clicks: Int64) {
        let range = creative * FatigueRule.buckets..<(creative + 1) * FatigueRule.buckets
        return (impressions[range].reduce(0, +), clicks[range].reduce(0, +))
    }

    /// The creative to rotate to from `from`: the highest CTR over the window among the others
    /// that are not fatigued and have impressions (ties to the lower index); nil if none.
    func best(from: Int, fatigued: [Bool]) -> Int? {
        var best: (creative: Int, impressions: Int64, clicks: Int64)?
        for creative in 0..<creatives where creative != from && !fatigued[creative] {
            let (shown, clicked) = total(creative)
            guard shown > 0 else { continue }
            // clicked / shown > best.clicks / best.impressions
            if let current = best, clicked * current.impressions <= current.clicks * shown {
                continue
            }
            best = (creative, shown, clicked)
        }
        return best?.creative
    }
}
