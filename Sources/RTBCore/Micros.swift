/// Money in integer micro-dollars (1 USD = 1,000,000 micros).
///
/// Rounding rule (the only one in the project): every product of an amount and a ratio is
/// computed exactly in 128-bit integers and rounded to the nearest micro, ties to even
/// (banker's rounding). `+` and `-` trap on overflow: an overflow there is a programmer error,
/// because user input is validated by `parse` and the limits in `MarketConfig`.
public struct Micros: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in micro-dollars.
    public var raw: Int64

    /// Zero dollars.
    public static let zero = Micros(0)
    /// Micros in one dollar.
    public static let perDollar: Int64 = 1_000_000

    /// An amount of `raw` micros.
    @inlinable
    public init(_ raw: Int64) {
        self.raw = raw
    }

    /// Whole dollars (programmer-supplied constants; traps on overflow).
    public static func dollars(_ amount: Int64) -> Micros {
        Micros(amount * perDollar)
    }

    /// Cents (programmer-supplied constants; traps on overflow).
    public static func cents(_ amount: Int64) -> Micros {
        Micros(amount * 10_000)
    }

    @inlinable
    public static func < (lhs: Micros, rhs: Micros) -> Bool { lhs.raw < rhs.raw }
    @inlinable
    public static func + (lhs: Micros, rhs: Micros) -> Micros { Micros(lhs.raw + rhs.raw) }
    @inlinable
    public static func - (lhs: Micros, rhs: Micros) -> Micros { Micros(lhs.raw - rhs.raw) }
    @inlinable
    public static func += (lhs: inout Micros, rhs: Micros) { lhs.raw += rhs.raw }
    @inlinable
    public static func -= (lhs: inout Micros, rhs: Micros) { lhs.raw -= rhs.raw }

    /// The cost of `impressions` at a CPM (price per thousand): impressions x cpm / 1000.
    @inlinable
    public static func cost(impressions: Int64, cpm: Micros) -> Micros {
        Micros(RoundingRule.mulDiv(impressions, cpm.raw, 1000))
    }

    /// This amount times `numerator / denominator`, rounded by the project rule.
    @inlinable
    public func scaled(by numerator: Int64, over denominator: Int64) -> Micros {
        Micros(RoundingRule.mulDiv(raw, numerator, denominator))
    }

    /// "$12.345678"-style text with all six decimals, "-$1.000000" when negative.
    public var description: String {
        let sign = raw < 0 ? "-" : ""
        let magnitude = raw.magnitude
        let whole = magnitude / UInt64(Self.perDollar)
        let fraction = String(magnitude % UInt64(Self.perDollar))
        return sign + "$" + String(whole) + "." + String(repeating: "0", count: 6 - fraction.count)
            + fraction
    }

    /// Dollars with two decimals (rounded by the project rule), for tables.
    public var dollarsText: String {
        let cents = RoundingRule.mulDiv(raw, 1, 10_000)
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = String(magnitude % 100)
        return sign + String(magnitude / 100) + "." + (fraction.count == 1 ? "0" : "") + fraction
    }

    /// Parses a user amount in dollars ("250", "12.5", "0.000001"); at most six decimals.
    public static func parse(_ text: String) throws(MoneyError) -> Micros {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        if digits.first == "$" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let wholeText = parts.first, !wholeText.isEmpty,
            wholeText.allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw MoneyError.malformed(text) }
        var fractionText = parts.count == 2 ? parts[1] : ""
        guard fractionText.allSatisfy({ $0.isASCII && $0.isNumber }), fractionText.count <= 6,
            parts.count == 1 || !fractionText.isEmpty
        else { throw MoneyError.malformed(text) }
        fractionText += String(repeating: "0", count: 6 - fractionText.count)
        guard let whole = Int64(wholeText), let fraction = Int64(fractionText) else {
            throw MoneyError.overflow(text)
        }
        let (scaled, overflowA) = whole.multipliedReportingOverflow(by: perDollar)
        let (total, overflowB) = scaled.addingReportingOverflow(fraction)
        if overflowA || overflowB { throw MoneyError.overflow(text) }
        return Micros(negative ? -total : total)
    }
}

/// A user-supplied amount that cannot be represented.
public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case overflow(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            return
                "'\(text)' is not an amount in dollars (digits, optional '.', at most 6 decimals)"
        case .overflow(let text):
            return
                "'\(text)' is too large: amounts are limited to \(Micros(Int64.max)) (Int64 micros)"
        }
    }
}

/// The project's one rounding rule.
public enum RoundingRule {
    /// `a * b / d` computed exactly, rounded to nearest, ties to even. Traps if the result
    /// does not fit in Int64 (callers validate user inputs against limits first).
    @inlinable
    public static func mulDiv(_ a: Int64, _ b: Int64, _ d: Int64) -> Int64 {
        guard let result = checkedMulDiv(a, b, d) else {
            preconditionFailure("mulDiv(\(a), \(b), \(d)) overflows Int64")
        }
        return result
    }

    /// `a * b / d` with the project rounding, or nil when the result does not fit in Int64.
    @inlinable
    public static func checkedMulDiv(_ a: Int64, _ b: Int64, _ d: Int64) -> Int64? {
        precondition(d > 0, "divisor must be positive")
        let product = Int128(a) * Int128(b)
        let divisor = Int128(d)
        var quotient = product / divisor
        let remainder = product % divisor
        let twiceRemainder = remainder.magnitude * 2
        if twiceRemainder > divisor.magnitude
            || (twiceRemainder == divisor.magnitude && quotient & 1 != 0)
        {
            quotient += product < 0 ? -1 : 1
        }
        return Int64(exactly: quotient)
    }
}
