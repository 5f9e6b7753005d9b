import RTBCore
import RTBEvents

/// How B's and C's agents forget and misstate what they hold.
public enum MemoryModel: UInt8, Sendable, CaseIterable, CustomStringConvertible, WireEnumeration {
    /// The reference's: rot episodes whose chance and depth grow with the day number
    /// (`MarketConfig.rotEpisodeRate`, `memoryDecayRate`, `graceDays`), and a constant chance
    /// that a seller's claim is false (`hallucinationRate`); buyers never misstate.
    case flat = 0
    /// Memory as the agent's context (`ContextModel`): each day every volatile key is recalled
    /// with the probability the context's fill sets, and every claim an agent states, buyers'
    /// delivery counts included, is false with the complement. Restarts are unchanged (a
    /// process fault, not the context).
    case context = 1

    public var description: String {
        switch self {
        case .flat: return "flat"
        case .context: return "context"
        }
    }
}

/// The token-size model of an agent's context (`MemoryModel.context`).
///
/// Each volatile key is one line of the agent's prompt, a JSON object (`ContextModel.line`);
/// it costs min(50 + bytes / 4, 200) tokens, the public implementation's per-event rule (its
/// `TokenPressureEngine`; 4 bytes per token is the usual English estimate). The archive (the
/// agent's books) stays outside the context. The window is the agent's model's: 200,000
/// tokens for the seed's Claude Haiku, of which 4,000 are reserved for instructions (the
/// reference's `ContextWindowManager`). The fill, held tokens over the usable window, sets
/// the recall by the reference's pressure table (`campaign_execution`): below 0.25 0.98, below
/// 0.5 0.90, below 0.75 0.75, below 1 0.50, at or above 1 (overflow) 0.10. A key is lost on a
/// day with probability 1 - recall; a claim is false with the same probability.
public enum ContextModel {
    /// Tokens reserved for the agent's instructions.
    public static let reservedTokens = 4_000
    /// The default window (Claude Haiku's).
    public static let defaultWindow = 200_000
    /// The smallest window a config may set: the reserve plus one key's largest line.
    public static let minimumWindow = reservedTokens + 200

    /// Tokens of one key's prompt line.
    public static func tokens(of key: MemoryKey) -> Int {
        min(50 + lineBytes(of: key) / 4, 200)
    }

    /// Tokens the agent's context holds (its volatile keys; the reserve is not counted).
    public static func tokens(of memory: AgentMemory) -> Int {
        memory.volatileKeys.reduce(0) { $0 + tokens(of: $1) }
    }

    /// The chance that an agent holding `memory` recalls a key, or states a claim truly, with a
    /// window of `window` tokens.
    public static func recall(of memory: AgentMemory, window: Int) -> Double {
        recall(fill: Double(tokens(of: memory)) / Double(window - reservedTokens))
    }

    /// The reference's pressure table.
    public static func recall(fill: Double) -> Double {
        if fill < 0.25 { return 0.98 }
        if fill < 0.5 { return 0.90 }
        if fill < 0.75 { return 0.75 }
        if fill < 1 { return 0.50 }
        return 0.10
    }

    /// The key's prompt line, e.g. `{"deal":12,"campaign":3,"product":7,"impressions":250000,
    /// "cpm":"12.34","counted":1200,"end_day":14}`.
    public static func line(of key: MemoryKey) -> String {
        switch key {
        case .deal(let note):
            return
                #"{"deal":\#(note.deal),"campaign":\#(note.campaign),"product":\#(note.product),"impressions":\#(note.impressions),"cpm":"\#(dollars(note.cpm))","counted":\#(note.counted),"end_day":\#(note.endDay)}"#
        case .price(let channel, let cpm):
            return
                #"{"channel":"\#(channelName(channel))","last_cpm":"\#(dollars(cpm))"}"#
        case .reputation(let note):
            return #"{"product":\#(note.product),"delivery_permille":\#(note.permille)}"#
        case .pending(let note):
            return
                #"{"negotiation":\#(note.negotiation),"campaign":\#(note.campaign),"product":\#(note.product)}"#
        }
    }

    /// The byte length of `line(of:)`, counted without building the string (the model asks it
    /// for every claim).
    static func lineBytes(of key: MemoryKey) -> Int {
        switch key {
        case .deal(let note):
            return dealFrame + digits(note.deal) + digits(note.campaign) + digits(note.product)
                + digits(note.impressions) + dollarBytes(note.cpm) + digits(note.counted)
                + digits(note.endDay)
        case .price(let channel, let cpm):
            return priceFrame + channelName(channel).utf8.count + dollarBytes(cpm)
        case .reputation(let note):
            return reputationFrame + digits(note.product) + digits(note.permille)
        case .pending(let note):
            return pendingFrame + digits(note.negotiation) + digits(note.campaign)
                + digits(note.product)
        }
    }

    // The lines' bytes other than their values.
    static let dealFrame =
        #"{"deal":,"campaign":,"product":,"impressions":,"cpm":"","counted":,"end_day":}"#.utf8
        .count
    static let priceFrame = #"{"channel":"","last_cpm":""}"#.utf8.count
    static let reputationFrame = #"{"product":,"delivery_permille":}"#.utf8.count
    static let pendingFrame = #"{"negotiation":,"campaign":,"product":}"#.utf8.count

    static func channelName(_ code: Int) -> String {
        Channel(rawValue: UInt8(clamping: code))?.description ?? String(code)
    }

    /// Dollars with cents, e.g. 12.34.
    static func dollars(_ amount: Micros) -> String {
        let cents = amount.raw / 10_000
        let fraction = cents % 100
        return "\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func dollarBytes(_ amount: Micros) -> Int { digits(amount.raw / 1_000_000) + 3 }

    /// Decimal digits of `value` (with its sign).
    static func digits(_ value: Int) -> Int { digits(Int64(value)) }

    static func digits(_ value: Int64) -> Int {
        var count = value < 0 ? 2 : 1
        var rest = (value / 10).magnitude
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }
}
