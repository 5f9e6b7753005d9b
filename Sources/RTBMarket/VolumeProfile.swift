/// Impression-level open-auction traffic added on top of the negotiated market (seed 000, V2).
public enum VolumeProfile: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case small = 1
    case medium = 2
    case large = 3
    case enterprise = 4

    /// Bid requests per simulated day.
    public var requestsPerDay: Int64 {
        [0, 10_000, 100_000, 1_000_000, 10_000_000][Int(rawValue)]
    }

    /// Chance, in 1/65536, that an eligible campaign bids on one request (0.3/0.2/0.1/0.05).
    public var bidChance65536: UInt64 {
        [0, 19_661, 13_107, 6_554, 3_277][Int(rawValue)]
    }

    public var description: String {
        ["none", "small", "medium", "large", "enterprise"][Int(rawValue)]
    }

    /// Parses a profile name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }
}
