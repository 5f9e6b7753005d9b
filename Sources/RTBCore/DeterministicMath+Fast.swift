/// A faster exp and the logistic function, from the same IEEE-754 basic operations as
/// `exp` (so the same bits on every platform and optimisation level), for models that take
/// millions of them per second. Not bit-equal to `exp`: a model picks one and keeps it.
extension DeterministicMath {
    /// 2^(j/32) for j in 0..<32.
    public static let powersOfTwo32: [Double] = [
        0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
        0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
        0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
        0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
        0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
        0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
        0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
        0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0,
    ]

    /// e raised to `x` (within about 2 ulp): x = (32 n + j) ln2 / 32 + r with |r| <= ln2 / 64,
    /// then 2^n x 2^(j/32) x e^r, e^r by its Taylor polynomial to r^6 (error below 2^-58).
    @inlinable
    public static func fastExp(_ x: Double) -> Double {
        powersOfTwo32.withUnsafeBufferPointer { fastExp(x, powers: $0.baseAddress!) }
    }

    /// `fastExp` with `powersOfTwo32`'s elements at `powers`: a loop of many calls takes the
    /// table's address once (the global's accessor is a call that spills the loop's registers).
    @inlinable @inline(__always)
    public static func fastExp(_ x: Double, powers: UnsafePointer<Double>) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893383973096 { return .infinity }
        if x < -745.1332191019412076235 { return 0 }
        let (k, whole) = roundedToEvenWithInteger(x * (32 * inverseLn2))
        let r = (x - k * (ln2High / 32)) - k * (ln2Low / 32)
        let polynomial =
            1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r / 720)))))
        return scaleByPowerOfTwo(powers[whole & 31] * polynomial, whole >> 5)
    }

    /// `y` rounded to the nearest integer, ties to even, for |y| < 2^51: 1.5 x 2^52 added and
    /// removed, the value of `y.rounded(.toNearestOrEven)` without its call into the C library
    /// (a zero may come back with the other sign); and the same value as an integer, read from
    /// the low bits of the shifted sum (its significand holds 2^51 + the integer), without a
    /// conversion's range checks.
    @inlinable @inline(__always)
    public static func roundedToEvenWithInteger(_ y: Double) -> (value: Double, integer: Int) {
        let shifted = y + 0x1.8p52
        let integer = Int64(bitPattern: shifted.bitPattern) &- 0x4338_0000_0000_0000
        return (shifted - 0x1.8p52, Int(truncatingIfNeeded: integer))
    }

    /// 1 / (1 + e^-x).
    @inlinable
    public static func logistic(_ x: Double) -> Double {
        1 / (1 + fastExp(-x))
    }

    /// `logistic` with `powersOfTwo32`'s elements at `powers` (see `fastExp(_:powers:)`).
    @inlinable @inline(__always)
    public static func logistic(_ x: Double, powers: UnsafePointer<Double>) -> Double {
        1 / (1 + fastExp(-x, powers: powers))
    }
}
