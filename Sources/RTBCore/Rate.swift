/// A ratio in parts per million (150_000 ppm = 15%), applied to money with the rounding rule.
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The ratio times 1,000,000.
    public var ppm: Int64

    /// One whole: 1,000,000 ppm.
    public static let one = Rate(ppm: 1_000_000)
    /// Zero.
    public static let zero = Rate(ppm: 0)

    /// A rate of `ppm` parts per million.
    public init(ppm: Int64) {
        self.ppm = ppm
    }

    /// A rate in whole percent (programmer constants).
    public static func percent(_ value: Int64) -> Rate {
        Rate(ppm: value * 10_000)
    }

    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.ppm < rhs.ppm }

    /// `amount * rate`, rounded to the nearest micro, ties to even.
    @inlinable
    public func apply(to amount: Micros) -> Micros {
        Micros(RoundingRule.mulDiv(amount.raw, ppm, 1_000_000))
    }

    /// This rate times another (e.g. a fee times a discount factor), rounded to the nearest ppm.
    public func times(_ other: Rate) -> Rate {
        Rate(ppm: RoundingRule.mulDiv(ppm, other.ppm, 1_000_000))
    }

    /// "15%" or "12.5%" (up to four decimals).
    public var description: String {
        let whole = ppm / 10_000
        var fraction = String((ppm % 10_000).magnitude)
        if fraction == "0" { return "\(whole)%" }
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)%"
    }

    /// Parses "15%", "12.5%" or a fraction "0.15" into ppm (at most 1 ppm resolution).
    public static func parse(_ text: String) -> Rate? {
        var body = Substring(text)
        var isPercent = false
        if body.hasSuffix("%") {
            isPercent = true
            body = body.dropLast()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let wholeText = parts.first, !wholeText.isEmpty,
            wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), wholeText.count <= 6
        else { return nil }
        let decimals = isPercent ? 4 : 6
        var fractionText = parts.count == 2 ? String(parts[1]) : ""
        guard fractionText.allSatisfy({ $0.isASCII && $0.isNumber }),
            fractionText.count <= decimals,
            parts.count == 1 || !fractionText.isEmpty
        else { return nil }
        fractionText += String(repeating: "0", count: decimals - fractionText.count)
        guard let whole = Int64(wholeText), let fraction = Int64(fractionText) else { return nil }
        let unit: Int64 = isPercent ? 10_000 : 1_000_000
        return Rate(ppm: whole * unit + fraction)
    }
}
