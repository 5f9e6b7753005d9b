import RTBCore

/// A creative's Monte Carlo forecast at a budget (the reference's generator): each of CPM, CTR
/// and CVR ~ triangular(p10, p50, p90), CTR x (0.5 + p_win), CVR x (0.8 + 0.4 p_win);
/// impressions = 1000 B / CPM, clicks, signups, CAC = B / signups; the draws sorted by CAC give
/// the percentiles, so the median draw's impressions, clicks and signups belong together.
struct Forecast: Equatable {
    var cac: [Double]
    var impressions: Double
    var clicks: Double
    var signups: Double
    var under240: Double
    var under200: Double

    /// CTR and CVR of the median-CAC draw (clicks / impressions, signups / clicks), floored at
    /// 1e-6: the rates the study uses.
    var ctr: Double { max(1e-6, clicks / impressions) }
    var cvr: Double { max(1e-6, signups / clicks) }

    init(_ creative: CreativeBaseline, budget: Double, draws: Int, seed: UInt64, index: Int) {
        var stream = RandomStream(
            seed: seed, key: StreamKey("pipeline", "forecast").appending(index))
        var rows: [(cac: Double, impressions: Double, clicks: Double, signups: Double)] = []
        rows.reserveCapacity(draws)
        for _ in 0..<draws {
            let cpm = Self.triangular(creative.cpm, &stream)
            let ctr = Self.triangular(creative.ctr, &stream) * (0.5 + creative.pWin)
            let cvr = Self.triangular(creative.cvr, &stream) * (0.8 + 0.4 * creative.pWin)
            let impressions = 1_000 * budget / cpm
            let clicks = impressions * ctr
            let signups = clicks * cvr
            rows.append((budget / signups, impressions, clicks, signups))
        }
        rows.sort { $0.cac < $1.cac }
        func at(_ quantile: Double) -> Int { Int(quantile * Double(draws - 1)) }
        cac = [rows[at(0.1)].cac, rows[at(0.5)].cac, rows[at(0.9)].cac]
        let median = rows[at(0.5)]
        impressions = median.impressions
        clicks = median.clicks
        signups = median.signups
        under240 = Double(rows.count { $0.cac <= 240 }) / Double(draws)
        under200 = Double(rows.count { $0.cac <= 200 }) / Double(draws)
    }

    /// A triangular(low, mode, high) draw by the inverse CDF.
    static func triangular(_ triple: [Double], _ stream: inout RandomStream) -> Double {
        let (low, mode, high) = (triple[0], triple[1], triple[2])
        let u = stream.nextUnit()
        guard high > low else { return mode }
        let split = (mode - low) / (high - low)
        return u < split
            ? low + (u * (high - low) * (mode - low)).squareRoot()
            : high - ((1 - u) * (high - low) * (high - mode)).squareRoot()
    }
}

/// Gamma and Beta draws (Marsaglia and Tsang), from basic operations and our log.
enum BetaDraw {
    static func gamma(_ shape: Double, _ stream: inout RandomStream) -> Double {
        if shape < 1 {
            let u = max(stream.nextUnit(), 0x1p-53)
            return gamma(shape + 1, &stream)
                * DeterministicMath.exp(DeterministicMath.log(u) / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = stream.normal()
            let root = 1 + c * x
            guard root > 0 else { continue }
            let v = root * root * root
            let u = stream.nextUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0
                && DeterministicMath.log(u) < 0.5 * x * x + d * (1 - v + DeterministicMath.log(v))
            {
                return d * v
            }
        }
    }

    static func beta(_ a: Double, _ b: Double, _ stream: inout RandomStream) -> Double {
        let x = gamma(a, &stream)
        let y = gamma(b, &stream)
        return x / (x + y)
    }
}
