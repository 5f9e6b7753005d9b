import RTBCore
import Foundation

/// Mean, spread and a 95% confidence interval of the mean of independent runs (Student's t with
/// n - 1 degrees of freedom; for n = 1 the interval is the value alone).
public struct SampleSummary: Equatable, Sendable {
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n - 1).
    public var deviation: Double
    public var low: Double
    public var high: Double
    public var minimum: Double
    public var maximum: Double

    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let count = values.count
        let mean = values.reduce(0, +) / Double(count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let deviation = count > 1 ? (squares / Double(count - 1)).squareRoot() : 0
        let half = count > 1 ? Self.t975(count - 1) * deviation / Double(count).squareRoot() : 0
        self.count = count
        self.mean = mean
        self.deviation = deviation
        low = mean - half
        high = mean + half
        minimum = values.min()!
        maximum = values.max()!
    }

    /// Percentile 95% interval of the mean over 1,000 resamples with replacement, drawn from a
    /// stream keyed by `key` (so a report shows the same interval every time); a single value's
    /// interval is that value.
    public static func bootstrap(_ values: [Double], key: StreamKey) -> (low: Double, high: Double)
    {
        guard values.count > 1 else { return (values.first ?? 0, values.first ?? 0) }
        var random = RandomStream(seed: 0, key: key)
        var means: [Double] = []
        means.reserveCapacity(1_000)
        for _ in 0..<1_000 {
            var sum = 0.0
            for _ in values { sum += values[Int(random.next(below: UInt64(values.count)))] }
            means.append(sum / Double(values.count))
        }
        means.sort()
        return (means[25], means[974])
    }

    /// The 0.975 quantile of Student's t with `degrees` degrees of freedom (tabled to 30, then
    /// the normal quantile's approach: within 0.3% beyond 30).
    static func t975(_ degrees: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
            2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
            2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        if degrees <= table.count { return table[max(degrees, 1) - 1] }
        return 1.960 + 2.4 / Double(degrees)
    }
}
