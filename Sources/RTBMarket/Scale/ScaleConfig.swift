import RTBCore
import RTBEvents
import RTBTrace

/// Scale mode (seed 001): `agents` bidders, each valuing and bidding in every one of `rounds`
/// auction rounds. Results never depend on the number of threads.
public struct ScaleConfig: Equatable, Sendable {
    public var seed: UInt64 = 42
    public var agents = 100_000
    public var rounds = 100
    public var mechanism: Mechanism = .secondPrice
    /// Slots (GSP, VCG) or 1 (first and second price).
    public var slots = 1
    public var reserveCents: Int64 = 100

    public init() {}

    public static let maxAgents = 10_000_000
    public static let maxRounds = 1_000_000
    /// Click-through weights of the slots, per mille.
    public static let slotWeights: [Int64] = [1_000, 700, 500, 350, 250, 180, 130, 100]

    /// The one-line reason this config cannot run, or nil.
    public func validate() -> ConfigError? {
        if !(1...Self.maxAgents).contains(agents) {
            return .invalid("--agents", "1...\(Self.maxAgents)")
        }
        if !(1...Self.maxRounds).contains(rounds) {
            return .invalid("--rounds", "1...\(Self.maxRounds)")
        }
        if (mechanism == .firstPrice || mechanism == .secondPrice) && slots != 1 {
            return .invalid("--slots", "1 for \(mechanism) (it sells one item)")
        }
        if !(1...Self.slotWeights.count).contains(slots) {
            return .invalid("--slots", "1...\(Self.slotWeights.count)")
        }
        if !(0...1_000_000).contains(reserveCents) {
            return .invalid("--reserve-cents", "0...1000000")
        }
        return nil
    }

    /// The items each round sells.
    public var items: AuctionItems {
        switch mechanism {
        case .firstPrice, .secondPrice: return .single
        case .gsp, .vcg: return .slots(weightsPermille: Array(Self.slotWeights.prefix(slots)))
        }
    }

    /// Canonical bytes: the tag byte 0x53 ('S', distinguishing them from a market config), then
    /// seed, agents, rounds, mechanism, slots, reserve.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(0x53)
        writer.varint(seed)
        writer.varint(agents)
        writer.varint(rounds)
        writer.u8(mechanism.rawValue)
        writer.varint(slots)
        writer.varint(UInt64(reserveCents))
        return writer.bytes
    }

    /// Reads canonical bytes; nil when they are not a scale config.
    public init?(canonical bytes: [UInt8]) {
        var reader = CanonicalReader(bytes)
        guard (try? reader.u8()) == 0x53, let seed = try? reader.varint(),
            let agents = try? reader.int(),
            let rounds = try? reader.int(), let mechanism = try? reader.enumeration(Mechanism.self),
            let slots = try? reader.int(), let reserve = try? reader.int64(), reader.isAtEnd
        else { return nil }
        self.seed = seed
        self.agents = agents
        self.rounds = rounds
        self.mechanism = mechanism
        self.slots = slots
        reserveCents = reserve
        if validate() != nil { return nil }
    }
}
