import RTBCore

/// The trading model a run section belongs to; `run` marks run-level events.
public enum Scenario: UInt8, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case a = 0
    case b = 1
    case c = 2
    case run = 3

    public static func < (lhs: Scenario, rhs: Scenario) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "a", "b", "c" or "run".
    public var description: String {
        switch self {
        case .a: return "a"
        case .b: return "b"
        case .c: return "c"
        case .run: return "run"
        }
    }

    /// The trading model's name.
    public var title: String {
        switch self {
        case .a: return "A exchange"
        case .b: return "B direct"
        case .c: return "C ledger"
        case .run: return "run"
        }
    }

    /// The three trading models, in run order.
    public static let markets: [Scenario] = [.a, .b, .c]
}

/// Advertising channel of a campaign or product.
public enum Channel: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case display = 0
    case video = 1
    case ctv = 2
    case native = 3

    public var description: String {
        ["display", "video", "ctv", "native"][Int(rawValue)]
    }
}

/// Seller product tier (sets daily volume and supported deal types).
public enum Tier: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case premium = 0
    case standard = 1
    case performance = 2

    public var description: String { ["premium", "standard", "performance"][Int(rawValue)] }
}

/// Programmatic deal types: guaranteed, preferred, private auction, open auction.
public enum DealType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case programmaticGuaranteed = 0
    case preferredDeal = 1
    case privateAuction = 2
    case openAuction = 3

    public var description: String { ["PG", "PD", "PA", "OA"][Int(rawValue)] }

    /// Bit of this type in a supported-types mask.
    public var bit: UInt8 { 1 << rawValue }
}

/// How a buyer picks among offers and sets bids (the public implementation's three strategies).
public enum BuyerStrategy: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case targetCPM = 0
    case maximizeReach = 1
    case floorPlus = 2

    public var description: String {
        ["target-cpm", "maximize-reach", "floor-plus"][Int(rawValue)]
    }
}

/// Kind of agent.
public enum AgentKind: UInt8, Sendable, CaseIterable {
    case buyer = 0
    case seller = 1
    case exchange = 2
}

/// An agent: its kind and 0-based index. Encoded as one varint `index << 2 | kind`.
public struct AgentRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var kind: AgentKind
    public var index: Int

    public init(_ kind: AgentKind, _ index: Int) {
        self.kind = kind
        self.index = index
    }

    public static func buyer(_ index: Int) -> AgentRef { AgentRef(.buyer, index) }
    public static func seller(_ index: Int) -> AgentRef { AgentRef(.seller, index) }
    public static let exchange = AgentRef(.exchange, 0)

    public static func < (lhs: AgentRef, rhs: AgentRef) -> Bool { lhs.code < rhs.code }

    /// The varint code.
    public var code: UInt64 { UInt64(index) << 2 | UInt64(kind.rawValue) }

    /// From a varint code; nil for an unknown kind.
    public init?(code: UInt64) {
        guard let kind = AgentKind(rawValue: UInt8(code & 3)), code >> 2 <= UInt64(Int32.max) else {
            return nil
        }
        self.kind = kind
        index = Int(code >> 2)
    }

    /// "buyer-001", "seller-012", "exchange".
    public var description: String {
        switch kind {
        case .buyer: return "buyer-" + Self.threeDigits(index + 1)
        case .seller: return "seller-" + Self.threeDigits(index + 1)
        case .exchange: return "exchange"
        }
    }

    /// Parses "buyer-001", "seller-3", "exchange".
    public init?(name: String) {
        if name == "exchange" {
            self = .exchange
            return
        }
        let parts = name.split(separator: "-")
        guard parts.count == 2, let number = Int(parts[1]), number >= 1 else { return nil }
        switch parts[0] {
        case "buyer": self = .buyer(number - 1)
        case "seller": self = .seller(number - 1)
        default: return nil
        }
    }

    static func threeDigits(_ value: Int) -> String {
        let text = String(value)
        return text.count >= 3 ? text : String(repeating: "0", count: 3 - text.count) + text
    }
}

/// Audience segments shared by buyers' targeting and sellers' products (one vocabulary, so
/// overlaps can happen: the public implementation used two disjoint lists).
public enum Segments {
    public static let names = [
        "auto_intenders", "tech_enthusiasts", "sports_fans", "luxury_shoppers", "travelers",
        "parents", "gamers", "business_decision_makers", "health_conscious", "finance_savvy",
    ]

    /// Names of the bits set in `mask`, joined with "+".
    public static func describe(_ mask: UInt16) -> String {
        names.indices.filter { mask & (1 << $0) != 0 }.map { names[$0] }.joined(separator: "+")
    }

    /// Number of segments both masks contain.
    @inlinable
    public static func overlap(_ lhs: UInt16, _ rhs: UInt16) -> Int {
        (lhs & rhs).nonzeroBitCount
    }
}
