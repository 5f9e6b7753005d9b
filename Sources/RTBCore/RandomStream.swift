/// A keyed random stream: xoshiro256** seeded from (run seed, key) through SplitMix64.
///
/// Derivation: `sm = SplitMix64(state: SplitMix64.mix(runSeed) ^ key.hash)`; the four state
/// words are the first four outputs of `sm`. Every integer and double is derived here from raw
/// 64-bit outputs, never through the standard library's `random(using:)`, whose algorithms are
/// not a stable contract. A stream is a value: copying it forks it, and `state` saves it whole.
public struct RandomStream: Sendable, Equatable {
    /// The four xoshiro256** state words, enough to resume the stream exactly.
    /// Settable so a checkpoint can restore it; an all-zero state is never produced.
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// The stream named `key` in the run seeded with `seed`.
    public init(seed: UInt64, key: StreamKey) {
        var seeder = SplitMix64(state: SplitMix64.mix(seed) ^ key.hash)
        state = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
        if state == (0, 0, 0, 0) { state.0 = 1 }
    }

    /// Resumes a stream from a saved state (never all zero).
    public init?(state: (UInt64, UInt64, UInt64, UInt64)) {
        if state == (0, 0, 0, 0) { return nil }
        self.state = state
    }

    public static func == (lhs: RandomStream, rhs: RandomStream) -> Bool {
        lhs.state == rhs.state
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    @inlinable @inline(__always)
    func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    /// A double in [0, 1): the top 53 bits of one output times 2^-53.
    @inlinable
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in 0..<bound (Lemire's multiply-shift with rejection; unbiased).
    @inlinable
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in the closed range.
    @inlinable
    public mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        if width == UInt64.max { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next(below: width &+ 1))
    }

    /// A uniform integer in the closed range (Int convenience).
    @inlinable
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        Int(int(in: Int64(range.lowerBound)...Int64(range.upperBound)))
    }

    /// A uniform double in [low, high).
    @inlinable
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnit()
    }

    /// A standard normal draw by Marsaglia's polar method (pairs of uniforms in (-1, 1) until
    /// one falls inside the unit disc; the first of the pair is returned, the second dropped),
    /// built from basic operations and `DeterministicMath.log`, so the same bits everywhere.
    public mutating func normal() -> Double {
        let (u, _, s) = polarPoint()
        return u * Self.polarFactor(s)
    }

    /// Two independent standard normal draws by the same polar method as `normal` (both of the
    /// accepted pair: one logarithm for two draws).
    public mutating func normalPair() -> (Double, Double) {
        let (u, v, s) = polarPoint()
        let factor = Self.polarFactor(s)
        return (u * factor, v * factor)
    }

    /// The polar method's accepted point: uniforms u, v in (-1, 1) drawn in pairs until
    /// s = u^2 + v^2 falls in (0, 1). `polarFactor(s)` then turns u and v into two normal
    /// draws (`normalPair`); a caller needing several pairs may draw every point first and
    /// take the factors after, so the logarithms do not wait on the rejection tests.
    @inlinable
    public mutating func polarPoint() -> (u: Double, v: Double, s: Double) {
        while true {
            let u = 2 * nextUnit() - 1
            let v = 2 * nextUnit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return (u, v, s) }
        }
    }

    /// The polar method's factor for an accepted point's s: sqrt(-2 ln(s) / s).
    public static func polarFactor(_ s: Double) -> Double {
        (-2 * DeterministicMath.log(s) / s).squareRoot()
    }

    /// True with probability `probability` (one draw, compared as a double in [0, 1)).
    @inlinable
    public mutating func chance(_ probability: Double) -> Bool {
        nextUnit() < probability
    }

    /// An element picked uniformly.
    @inlinable
    public mutating func pick<T>(_ items: [T]) -> T {
        precondition(!items.isEmpty, "cannot pick from an empty list")
        return items[Int(next(below: UInt64(items.count)))]
    }

    /// `count` distinct indices from 0..<total, in ascending order (partial Fisher-Yates).
    public mutating func distinctIndices(_ count: Int, of total: Int) -> [Int] {
        precondition(count <= total && count >= 0, "cannot choose \(count) of \(total)")
        var pool = Array(0..<total)
        for index in 0..<count {
            let swapWith = index + Int(next(below: UInt64(total - index)))
            pool.swapAt(index, swapWith)
        }
        return pool[0..<count].sorted()
    }
}
