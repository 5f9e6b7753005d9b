/// Seed 004's creative fatigue rule, made exact: over the trailing 3 hours, a creative's CTR
/// per 10-minute bucket (clicks x 10^6 / impressions, ppm; buckets without impressions left
/// out) is fitted by least squares, y = a + b t; the relative decline over the window is
/// b (n - 1) / mean(y). The creative is fatigued when that is below -0.15 (strictly), with at
/// least 3 buckets and `minImpressions` impressions in all. All in integers:
/// 100 (n S_ty - S_t S_y)(n - 1) n < -15 (n S_tt - S_t^2) S_y.
public enum FatigueRule {
    /// Buckets of the window (3 hours of 10 minutes).
    public static let buckets = 18
    /// Slots per bucket (10 minutes of 30 seconds).
    public static let slotsPerBucket = 20

    /// Whether the series (impressions, clicks per bucket, oldest first) shows fatigue.
    public static func fatigued(impressions: [Int64], clicks: [Int64], minImpressions: Int64)
        -> Bool
    {
        let series = points(impressions: impressions, clicks: clicks)
        return fatigued(
            series.points, impressions: series.impressions, minImpressions: minImpressions)
    }

    /// The rule on (t, CTR ppm) points.
    public static func fatigued(
        _ points: [(t: Int64, y: Int64)], impressions: Int64, minImpressions: Int64
    ) -> Bool {
        guard points.count >= 3, impressions >= minImpressions, let fit = Fit(points) else {
            return false
        }
        // Points span at most 18 buckets and CTRs at most 10^6: every product fits in 64 bits.
        return 100 * fit.decline < -15 * fit.spread * fit.sy
    }

    /// The (t, CTR ppm) points of a series (buckets without impressions left out) and its
    /// impressions.
    public static func points(impressions: [Int64], clicks: [Int64]) -> (
        points: [(t: Int64, y: Int64)], impressions: Int64
    ) {
        var points: [(t: Int64, y: Int64)] = []
        var total: Int64 = 0
        for (t, (shown, clicked)) in zip(impressions, clicks).enumerated() where shown > 0 {
            points.append((Int64(t), clicked * 1_000_000 / shown))
            total += shown
        }
        return (points, total)
    }

    /// The relative decline b (n - 1) / mean(y) in ppm (floored toward zero), 0 without a
    /// fit.
    public static func declinePpm(_ points: [(t: Int64, y: Int64)]) -> Int64 {
        guard points.count >= 2, let fit = Fit(points) else { return 0 }
        let wide = fit.decline.multipliedFullWidth(by: 1_000_000)
        return (fit.spread * fit.sy).dividingFullWidth(wide).quotient
    }

    /// The least-squares sums: the relative decline is decline / (spread x S_y).
    struct Fit {
        /// (n S_ty - S_t S_y)(n - 1) n.
        let decline: Int64
        /// n S_tt - S_t^2.
        let spread: Int64
        let sy: Int64

        /// Nil when the points have no positive CTR or a single t.
        init?(_ points: [(t: Int64, y: Int64)]) {
            let n = Int64(points.count)
            var st: Int64 = 0
            var sy: Int64 = 0
            var stt: Int64 = 0
            var sty: Int64 = 0
            for point in points {
                st += point.t
                sy += point.y
                stt += point.t * point.t
                sty += point.t * point.y
            }
            spread = n * stt - st * st
            guard sy > 0, spread > 0 else { return nil }
            self.sy = sy
            decline = (n * sty - st * sy) * (n - 1) * n
        }
    }
}
