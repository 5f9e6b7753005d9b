import RTBCore

/// Multi-touch attribution: a conversion's credit split over its journey's touchpoints in
/// parts per million, summing to exactly 1,000,000 (largest remainder; ties to the earlier
/// touchpoint). Touchpoints are given oldest first; ages are in 30-second slots.
public enum Attribution {
    public static let whole: Int64 = 1_000_000

    /// Each touchpoint's share under `model`.
    public static func fractions(
        _ model: AttributionModel, touchSlots: [Int64], conversionSlot: Int64, halfLifeSlots: Int64
    ) -> [Int64] {
        let count = touchSlots.count
        guard count > 0 else { return [] }
        let weights: [Int64]
        switch model {
        case .lastTouch:
            weights = (0..<count).map { $0 == count - 1 ? 1 : 0 }
        case .linear:
            weights = [Int64](repeating: 1, count: count)
        case .positionBased:
            // 40% first, 40% last, 20% shared by the middle; two touches split evenly.
            if count <= 2 {
                weights = [Int64](repeating: 1, count: count)
            } else {
                let middle = Int64(count - 2)
                weights = (0..<count).map { $0 == 0 || $0 == count - 1 ? 40 * middle : 20 }
            }
        case .timeDecay:
            // 2^(-age / half-life), in billionths.
            weights = touchSlots.map { slot in
                let age = Double(max(0, conversionSlot - slot)) / Double(halfLifeSlots)
                return max(1, Int64((DeterministicMath.pow(2, -age) * 1e9).rounded()))
            }
        }
        return largestRemainder(weights, total: whole)
    }

    /// `total` split in proportion to `weights` (not all zero), each share floored, the rest
    /// given one by one to the largest remainders (earlier index first on ties).
    public static func largestRemainder(_ weights: [Int64], total: Int64) -> [Int64] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        // total x weight / sum with 128-bit products: budgets as weights would overflow 64 bits.
        let parts = weights.map { sum.dividingFullWidth(total.multipliedFullWidth(by: $0)) }
        var shares = parts.map(\.quotient)
        let remainders = parts.map(\.remainder)
        var left = total - shares.reduce(0, +)
        let order = weights.indices.sorted { (remainders[$0], -$0) > (remainders[$1], -$1) }
        for index in order where left > 0 {
            shares[index] += 1
            left -= 1
        }
        return shares
    }

    /// Revenue credited to a touchpoint holding `fraction` of a conversion worth `value`.
    public static func credit(_ value: Micros, fraction: Int64) -> Int64 {
        let (high, low) = value.raw.multipliedFullWidth(by: fraction)
        return whole.dividingFullWidth((high, low)).quotient
    }

    /// numerator / denominator in parts per million (denominator > 0), floored.
    public static func ratioPpm(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let (high, low) = numerator.multipliedFullWidth(by: whole)
        return denominator.dividingFullWidth((high, low)).quotient
    }

    /// Whether a x b > c x d, exactly (128-bit products): ratios compared without dividing,
    /// a / d > c / b for positive d and b.
    public static func product(_ a: Int64, _ b: Int64, exceeds c: Int64, _ d: Int64) -> Bool {
        let left = a.multipliedFullWidth(by: b)
        let right = c.multipliedFullWidth(by: d)
        return (left.high, left.low) > (right.high, right.low)
    }
}
