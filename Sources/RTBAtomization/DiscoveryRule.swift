import RTBCore

/// Seed 004's audience discovery, made exact (every 5 minutes by default):
/// 1. The campaign's conversion rate p0 = conversions / impressions so far (users' ZIPs counted
///    per impression and per conversion); nothing when there is no conversion yet.
/// 2. The high-converting ZIPs: those whose confidence exceeds the threshold (0.8), the
///    confidence being the posterior probability that the ZIP's rate exceeds p0 (a uniform
///    prior, so the posterior is Beta(1 + c, 1 + n - c); its tail is taken from the normal with
///    the posterior's mean and variance, and floored to ppm).
/// 3. Their shared signals: those carried by at least `signal_share` (0.5) of them.
/// 4. The cluster: every ZIP carrying all the shared signals; an audience (cluster ZIPs,
///    shared signals) is discovered when the cluster holds at least the minimum conversions,
///    its pooled confidence exceeds the threshold and no audience already discovered has the
///    same ZIPs.
public enum DiscoveryRule {
    public struct Finding: Equatable, Sendable {
        public var zips: [Int]
        public var signals: [Int]
        public var impressions: Int64
        public var conversions: Int64
        public var campaignImpressions: Int64
        public var campaignConversions: Int64
        public var confidence: Int64
    }

    public static func find(
        zipImpressions: [Int64], zipConversions: [Int64], pool: ZipPool, signals: Int,
        known: [[Int]], thresholdPpm: Int64, sharePpm: Int64, minConversions: Int64
    ) -> Finding? {
        let total = zipImpressions.reduce(0, +)
        let converted = zipConversions.reduce(0, +)
        guard total > 0, converted > 0 else { return nil }
        let top = zipImpressions.indices.filter {
            zipImpressions[$0] > 0
                && confidencePpm(
                    conversions: zipConversions[$0], impressions: zipImpressions[$0],
                    campaignConversions: converted, campaignImpressions: total) > thresholdPpm
        }
        guard !top.isEmpty else { return nil }
        var shared: UInt64 = 0
        var sharedList: [Int] = []
        for signal in 0..<signals {
            let bit: UInt64 = 1 << UInt64(signal)
            let carriers = Int64(top.filter { pool.signalMasks[$0] & bit != 0 }.count)
            if carriers * 1_000_000 >= sharePpm * Int64(top.count) {
                shared |= bit
                sharedList.append(signal)
            }
        }
        guard shared != 0 else { return nil }
        let cluster = pool.signalMasks.indices.filter { pool.signalMasks[$0] & shared == shared }
        guard !cluster.isEmpty, !known.contains(cluster) else { return nil }
        let impressions = cluster.reduce(0) { $0 + zipImpressions[$1] }
        let conversions = cluster.reduce(0) { $0 + zipConversions[$1] }
        guard impressions > 0, conversions >= minConversions else { return nil }
        let confidence = confidencePpm(
            conversions: conversions, impressions: impressions, campaignConversions: converted,
            campaignImpressions: total)
        guard confidence > thresholdPpm else { return nil }
        return Finding(
            zips: cluster, signals: sharedList, impressions: impressions, conversions: conversions,
            campaignImpressions: total, campaignConversions: converted, confidence: confidence)
    }

    /// P(rate > campaign rate) under the Beta(1 + c, 1 + n - c) posterior, by the normal with
    /// the posterior's mean and variance; ppm, floored.
    public static func confidencePpm(
        conversions: Int64, impressions: Int64, campaignConversions: Int64,
        campaignImpressions: Int64
    ) -> Int64 {
        guard campaignImpressions > 0, impressions >= conversions, conversions >= 0 else {
            return 0
        }
        let a = Double(conversions + 1)
        let b = Double(impressions - conversions + 1)
        let mean = a / (a + b)
        let variance = a * b / ((a + b) * (a + b) * (a + b + 1))
        let z =
            (mean - Double(campaignConversions) / Double(campaignImpressions))
            / variance.squareRoot()
        let probability = 0.5 * complementaryError(-z / 2.0.squareRoot())
        return min(1_000_000, max(0, Int64((probability * 1e6).rounded(.down))))
    }

    /// erfc(x) by the Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7), with
    /// the project's deterministic exp.
    static func complementaryError(_ x: Double) -> Double {
        let magnitude = abs(x)
        let t = 1 / (1 + 0.5 * magnitude)
        var poly = 0.17087277
        for c in [
            -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418,
            0.37409196, 1.00002368, -1.26551223,
        ] {
            poly = c + t * poly
        }
        let value = t * DeterministicMath.exp(-magnitude * magnitude + poly)
        return x >= 0 ? value : 2 - value
    }
}
