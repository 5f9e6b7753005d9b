/// Arithmetic that clamps to Int64's range instead of trapping. The engine never needs it (its
/// inputs are validated against `MarketConfig`'s limits, so its `+` may trap on a bug); the
/// checker and the metrics fold use it on recorded values, which a forged ledger can set to
/// anything a varint holds. Clamping keeps order, so a sum or product that would overflow
/// still compares above every real amount and the invariant it feeds fails as it should.
extension Int64 {
    /// `self + other`, clamped.
    @inlinable
    public func saturatingPlus(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped.
    @inlinable
    public func saturatingMinus(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, clamped.
    @inlinable
    public func saturatingTimes(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// `|self - other|`, clamped (exact up to Int64.max).
    @inlinable
    public func saturatingDistance(to other: Int64) -> Int64 {
        let magnitude =
            self >= other
            ? UInt64(bitPattern: self &- other) : UInt64(bitPattern: other &- self)
        return magnitude.clampedToInt64
    }
}

extension UInt64 {
    /// This value, or Int64.max when it does not fit.
    @inlinable
    public var clampedToInt64: Int64 { self > UInt64(Int64.max) ? .max : Int64(self) }
}

extension Micros {
    /// `self + other`, clamped (recorded amounts).
    @inlinable
    public func saturatingPlus(_ other: Micros) -> Micros { Micros(raw.saturatingPlus(other.raw)) }

    /// `self - other`, clamped (recorded amounts).
    @inlinable
    public func saturatingMinus(_ other: Micros) -> Micros {
        Micros(raw.saturatingMinus(other.raw))
    }

    /// A price in whole cents as micros, clamped (recorded open-traffic CPMs).
    @inlinable
    public static func saturatingCents(_ cents: Int64) -> Micros {
        Micros(cents.saturatingTimes(10_000))
    }

    /// The cost of one impression at a CPM in whole cents (cents x 10,000 / 1,000), clamped.
    @inlinable
    public static func saturatingImpression(cpmCents: Int64) -> Micros {
        Micros(cpmCents.saturatingTimes(10))
    }

    /// `cost(impressions:cpm:)` clamped to Int64's range (recorded counts and prices).
    @inlinable
    public static func saturatingCost(impressions: Int64, cpm: Micros) -> Micros {
        Micros(RoundingRule.saturatingMulDiv(impressions, cpm.raw, 1000))
    }
}

extension RoundingRule {
    /// ceil(a x b / d) for a positive `d`, clamped to Int64's range (no trap for any recorded
    /// value).
    @inlinable
    public static func saturatingCeilMulDiv(_ a: Int64, _ b: Int64, _ d: Int64) -> Int64 {
        let product = Int128(a) * Int128(b)
        let quotient = product / Int128(d)
        let result = quotient * Int128(d) < product ? quotient + 1 : quotient
        return result > Int128(Int64.max) ? .max : result < Int128(Int64.min) ? .min : Int64(result)
    }

    /// Whether a / b >= n / d exactly, for non-negative counts and positive denominators
    /// (sell-through thresholds without rounding).
    @inlinable
    public static func ratio(_ a: Int64, _ b: Int64, atLeast n: Int64, over d: Int64) -> Bool {
        Int128(a) * Int128(d) >= Int128(n) * Int128(b)
    }

    /// `mulDiv(a, b, d)` clamped to Int64's range (ratios of recorded counts).
    @inlinable
    public static func saturatingMulDiv(_ a: Int64, _ b: Int64, _ d: Int64) -> Int64 {
        if let result = checkedMulDiv(a, b, d) { return result }
        return (a < 0) == (b < 0) ? .max : .min
    }
}
