/// SplitMix64: the seeding and mixing function behind every keyed random stream.
///
/// Constants are those of Steele, Lea and Flood (2014). `mix` is a bijection on `UInt64`, so
/// distinct inputs never collide.
public struct SplitMix64: Sendable, Equatable {
    /// The whole state: the next output is `mix(state + golden gamma)`.
    public var state: UInt64

    /// The golden-ratio increment added before each output.
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Starts a generator at `state`.
    public init(state: UInt64) {
        self.state = state
    }

    /// Advances the state and returns the next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a fast, stateless 64-bit mixing bijection.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
