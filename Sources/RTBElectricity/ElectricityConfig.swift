import RTBCore
import RTBTrace

/// How the reference implementation behaves where it decides its own results, and the
/// corrected behaviour beside it (docs/electricity.md, "Reference and corrected"). Each switch
/// is its own config key; `semantics` sets all of them at once.
public struct MarketSemantics: Equatable, Sendable {
    /// Agents act in index order every interval (reference) or in a seeded shuffle.
    public var shuffledOrder = false
    /// A post redraws the quote noise (reference) or posts the price the rule decided on.
    public var postRedraws = true
    /// An accept drops the rest of the need (reference) or posts it at the quote.
    public var postsRemainder = false
    /// Band, k-search and optimizer-single accept at the maker's price (reference) or every
    /// rule accepts at its own quote (the paper's wording).
    public var acceptsAtQuote = false
    /// The planner bound prices posted orders before tick rounding (reference: W-hat can pass
    /// 1) or at their tick-rounded limits.
    public var boundAtTick = false
    /// Self-trades are allowed (reference) or prevented by cancelling the resting order.
    public var preventsSelfTrade = false

    public static let reference = MarketSemantics()
    public static let corrected = MarketSemantics(
        shuffledOrder: true, postRedraws: false, postsRemainder: true, acceptsAtQuote: true,
        boundAtTick: true, preventsSelfTrade: true)

    public init(
        shuffledOrder: Bool = false, postRedraws: Bool = true, postsRemainder: Bool = false,
        acceptsAtQuote: Bool = false, boundAtTick: Bool = false, preventsSelfTrade: Bool = false
    ) {
        self.shuffledOrder = shuffledOrder
        self.postRedraws = postRedraws
        self.postsRemainder = postsRemainder
        self.acceptsAtQuote = acceptsAtQuote
        self.boundAtTick = boundAtTick
        self.preventsSelfTrade = preventsSelfTrade
    }

    var bits: UInt8 {
        (shuffledOrder ? 1 : 0) | (postRedraws ? 2 : 0) | (postsRemainder ? 4 : 0)
            | (acceptsAtQuote ? 8 : 0) | (boundAtTick ? 16 : 0) | (preventsSelfTrade ? 32 : 0)
    }

    init(bits: UInt8) {
        shuffledOrder = bits & 1 != 0
        postRedraws = bits & 2 != 0
        postsRemainder = bits & 4 != 0
        acceptsAtQuote = bits & 8 != 0
        boundAtTick = bits & 16 != 0
        preventsSelfTrade = bits & 32 != 0
    }

    /// "reference", "corrected", or "mixed".
    public var name: String {
        self == .reference ? "reference" : self == .corrected ? "corrected" : "mixed"
    }
}

/// The canonical config of one run of seed 002's peer-to-peer electricity market
/// (docs/electricity.md names every key). Prices are micro-cents per kWh, energy micro-kWh.
public struct ElectricityConfig: Equatable, Sendable {
    public var seed: UInt64 = 1000
    public var agents = 100
    public var intervals = 288
    /// The population's rule; `taus` and `ks` hold one value, or several cycled over agents
    /// (agent i gets element i mod count: the reference's hetero flags).
    public var rule = DecisionRule.optimizerGreedy
    /// Band widths in parts per million of the quote (tau = 1% is 10,000).
    public var taus: [Int64] = []
    public var ks: [Int] = []
    public var mechanism = Mechanism.cda
    public var pricing = CallPricing.payAsAsk
    public var infoSet = InfoSet.book
    /// Feeder cap in watts (0: none); per interval it allows cap x 5 min of energy.
    public var feederCapWatts: Int64 = 0
    /// Whether CDA trades respect the cap (the reference applies it only to the planner bound).
    public var capInCDA = false
    /// Standard deviation of the quote noise, in cents (the run book's 1.0).
    public var priceSigma = 1.0
    /// Every agent's buy markup and sell discount in micro-cents (nil: drawn per agent).
    public var buyMarkup: Int64?
    public var sellDiscount: Int64?
    /// Orders older than this many intervals leave the book (0: never, the reference).
    public var expiry = 0
    public var semantics = MarketSemantics.reference

    public init() {}

    /// 0.1 c in micro-cents.
    public static let tick: Int64 = 100_000
    /// The 16.3 c/kWh retail anchor in micro-cents.
    public static let anchor: Int64 = 16_300_000

    /// Energy the cap allows per five-minute interval, in micro-kWh (0: no cap): watts x 1/12 h.
    public var capMicroKWh: Int64 { feederCapWatts * 1_000 / 12 }

    /// Agent i's band width (ppm) and K.
    func tau(of agent: Int) -> Int64 { taus.isEmpty ? 0 : taus[agent % taus.count] }
    func k(of agent: Int) -> Int { ks.isEmpty ? 0 : ks[agent % ks.count] }

    /// The one-line reason the config cannot run, naming the key.
    public func validate() -> ConfigError? {
        if !(1...100_000).contains(agents) {
            return .invalid("agents", "1...100000 (N = 0 has no market)")
        }
        if !(1...100_000).contains(intervals) { return .invalid("intervals", "1...100000") }
        switch rule {
        case .band:
            if taus.isEmpty {
                return .invalid("tau", "a band width in percent (mode band needs tau)")
            }
            if !ks.isEmpty {
                return .invalid("k", "absent for mode band (K belongs to the k modes)")
            }
        case .kSearch, .kGreedy:
            if ks.isEmpty { return .invalid("k", "a positive integer (the k modes need K)") }
            if !taus.isEmpty {
                return .invalid("tau", "absent for the k modes (tau belongs to band)")
            }
        case .optimizerGreedy, .optimizerSingle, .zeroIntelligence, .learner:
            if !taus.isEmpty { return .invalid("tau", "absent unless mode is band") }
            if !ks.isEmpty { return .invalid("k", "absent unless mode is k_search or k_greedy") }
        }
        if taus.contains(where: { !(1...1_000_000).contains($0) }) {
            return .invalid("tau", "percentages in (0, 100]")
        }
        if ks.contains(where: { !(1...1_000_000).contains($0) }) {
            return .invalid("k", "integers in 1...1000000")
        }
        if !(priceSigma > 0 && priceSigma <= 100) {
            return .invalid(
                "price_sigma", "a number in (0, 100] cents (sigma <= 0 is refused, not replaced)")
        }
        for (key, value) in [("buy_markup", buyMarkup), ("sell_discount", sellDiscount)] {
            if let value, !(0...5_000_000).contains(value) {
                return .invalid(key, "cents in [0, 5]")
            }
        }
        if !(0...1_000_000_000_000).contains(feederCapWatts) {
            return .invalid("feeder_cap_kw", "kW in [0, 1e9]")
        }
        if capInCDA && (mechanism != .cda || feederCapWatts == 0) {
            return .invalid("cda_cap", "only with mechanism cda and a feeder_cap_kw")
        }
        if pricing == .uniform && mechanism != .call {
            return .invalid("call_pricing", "only with mechanism call")
        }
        if !(0...100_000).contains(expiry) { return .invalid("expiry", "intervals in 0...100000") }
        return nil
    }

    /// Version 1: u8 1, seed, agents, intervals (varints), rule (u8), taus (ints), ks (ints),
    /// mechanism, pricing, info set (u8), cap watts (varint), cap in CDA (u8), sigma (f64),
    /// buy markup and sell discount (signed varint, -1 when drawn), expiry (varint),
    /// semantics (u8 bits).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(1)
        writer.varint(seed)
        writer.varint(agents)
        writer.varint(intervals)
        writer.u8(rule.rawValue)
        writer.signedVarints(taus)
        writer.signedVarints(ks.map(Int64.init))
        writer.u8(mechanism.rawValue)
        writer.u8(pricing.rawValue)
        writer.u8(infoSet.rawValue)
        writer.varint(UInt64(feederCapWatts))
        writer.u8(capInCDA ? 1 : 0)
        writer.f64(priceSigma)
        writer.signedVarint(buyMarkup ?? -1)
        writer.signedVarint(sellDiscount ?? -1)
        writer.varint(expiry)
        writer.u8(semantics.bits)
        return writer.bytes
    }

    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.u8() == 1 else {
                throw ConfigError.malformed("electricity config version")
            }
            seed = try reader.varint()
            agents = try reader.int()
            intervals = try reader.int()
            guard let rule = DecisionRule(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown rule code")
            }
            self.rule = rule
            taus = try reader.signedVarints()
            ks = try reader.signedVarints().map { Int(clamping: $0) }
            guard let mechanism = Mechanism(rawValue: try reader.u8()),
                let pricing = CallPricing(rawValue: try reader.u8()),
                let infoSet = InfoSet(rawValue: try reader.u8())
            else { throw ConfigError.malformed("unknown mechanism, pricing or info set code") }
            self.mechanism = mechanism
            self.pricing = pricing
            self.infoSet = infoSet
            feederCapWatts = Int64(clamping: try reader.varint())
            capInCDA = try reader.u8() == 1
            priceSigma = try reader.f64()
            let markup = try reader.signedVarint()
            let discount = try reader.signedVarint()
            buyMarkup = markup < 0 ? nil : markup
            sellDiscount = discount < 0 ? nil : discount
            expiry = try reader.int()
            semantics = MarketSemantics(bits: try reader.u8())
            try reader.expectEnd()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
        if let problem = validate() { throw problem }
    }

    /// The reference's run tag: N{N}_{agent}_{mode|na}_tau{tau|None}_K{K|None}_s{seed}.
    public var tag: String {
        let (agent, mode): (String, String)
        switch rule {
        case .optimizerGreedy, .optimizerSingle: (agent, mode) = ("optimizer", "na")
        case .band: (agent, mode) = ("satisficer", "band")
        case .kSearch: (agent, mode) = ("satisficer", "k_search")
        case .kGreedy: (agent, mode) = ("satisficer", "k_greedy")
        case .zeroIntelligence: (agent, mode) = ("zi", "na")
        case .learner: (agent, mode) = ("learner", "na")
        }
        let tau = taus.count == 1 ? Self.percentText(taus[0]) : taus.isEmpty ? "None" : "hetero"
        let k = ks.count == 1 ? "\(ks[0])" : ks.isEmpty ? "None" : "hetero"
        return "N\(agents)_\(agent)_\(mode)_tau\(tau)_K\(k)_s\(seed)"
    }

    /// A ppm band width as the percentage it was written as ("1", "2.5").
    static func percentText(_ ppm: Int64) -> String {
        let whole = ppm / 10_000
        var fraction = ppm % 10_000
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 4 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        fraction = 0
        return "\(whole).\(digits)"
    }
}
