/// exp, log and pow built only from IEEE-754 basic operations (+ - * / and exact scaling), so
/// agent heuristics give the same bits on every platform, libm and optimisation level.
///
/// Accuracy is about 1 ulp on the normal range; special values follow C99 Annex F. No fused
/// multiply-add is used (Swift does not contract `a * b + c` without an explicit `fma`).
public enum DeterministicMath {
    @usableFromInline static let ln2High = 6.93147180369123816490e-01  // upper bits of ln 2 (exact product with small n)
    @usableFromInline static let ln2Low = 1.90821492927058770002e-10  // ln 2 - ln2High
    @usableFromInline static let inverseLn2 = 1.44269504088896338700e+00
    static let sqrtHalf = 0.70710678118654752440

    /// e raised to `x`.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893383973096 { return .infinity }
        if x < -745.1332191019412076235 { return 0 }
        let n = (x * inverseLn2).rounded(.toNearestOrEven)
        let reduced = (x - n * ln2High) - n * ln2Low
        // Taylor series of e^r for |r| <= 0.35 to r^14/14! (< 2^-56 relative), in Horner form
        // from the smallest term so rounding errors stay below one ulp.
        var tail = 0.0
        for k in stride(from: 14, through: 1, by: -1) {
            tail = reduced * (1 + tail) / Double(k)
        }
        return scaleByPowerOfTwo(1 + tail, Int(n))
    }

    /// Natural logarithm of `x`.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        var value = x
        var exponent = 0
        if value < Double.leastNormalMagnitude {
            value *= 0x1p54
            exponent -= 54
        }
        let bits = value.bitPattern
        exponent += Int((bits >> 52) & 0x7FF) - 1023
        var mantissa = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        if mantissa > 1 / sqrtHalf {
            mantissa /= 2
            exponent += 1
        }
        // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
        let f = mantissa - 1
        let s = f / (2 + f)
        let s2 = s * s
        // Horner form from the smallest term: s * (1 + s2/3 + s2^2/5 + ... + s2^11/23).
        // Unrolled: the reciprocals are constants (the same IEEE quotients as dividing at
        // run time, so the same bits).
        var series = s2 * (1.0 / 23)
        series = s2 * (1.0 / 21 + series)
        series = s2 * (1.0 / 19 + series)
        series = s2 * (1.0 / 17 + series)
        series = s2 * (1.0 / 15 + series)
        series = s2 * (1.0 / 13 + series)
        series = s2 * (1.0 / 11 + series)
        series = s2 * (1.0 / 9 + series)
        series = s2 * (1.0 / 7 + series)
        series = s2 * (1.0 / 5 + series)
        series = s2 * (1.0 / 3 + series)
        let logMantissa = 2 * s + 2 * s * series
        let e = Double(exponent)
        return e * ln2High + (e * ln2Low + logMantissa)
    }

    /// `base` raised to `exponent`, as exp(exponent * log(base)) with C99 special cases.
    public static func pow(_ base: Double, _ exponent: Double) -> Double {
        if exponent == 0 { return 1 }
        if base == 1 { return 1 }
        if base.isNaN || exponent.isNaN { return .nan }
        if base == 0 {
            return exponent > 0 ? 0 : .infinity
        }
        if exponent == exponent.rounded(.towardZero) && exponent.magnitude <= 64 {
            return integerPower(base, Int(exponent))
        }
        if base < 0 {
            guard exponent == exponent.rounded(.towardZero) else { return .nan }
            let magnitude = exp(exponent * log(-base))  // determinism-ok: our own exp and log
            let isOdd =
                exponent.magnitude < 0x1p53
                && Int64(exponent.magnitude).isMultiple(of: 2) == false
            return isOdd ? -magnitude : magnitude
        }
        return exp(exponent * log(base))  // determinism-ok: our own exp and log
    }

    /// `base` to a small integer power by repeated squaring (exact while representable).
    static func integerPower(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        var square = base
        var rest = exponent.magnitude
        while rest > 0 {
            if rest & 1 == 1 { result *= square }
            square *= square
            rest >>= 1
        }
        return exponent < 0 ? 1 / result : result
    }

    /// `value` x 2^`power`, exact unless the result under- or overflows.
    @inlinable static func scaleByPowerOfTwo(_ value: Double, _ power: Int) -> Double {
        var result = value
        var rest = power
        while rest > 1000 {
            result *= 0x1p1000
            rest -= 1000
        }
        while rest < -1000 {
            result *= 0x1p-1000
            rest += 1000
        }
        return result * Double(bitPattern: UInt64(1023 + rest) << 52)
    }
}
