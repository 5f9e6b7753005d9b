import RTBCore
import RTBEvents
import RTBTrace

/// Everything that determines a run, together with the seed and the engine version.
///
/// The canonical bytes (`encode`) go into the ledger header; replay rebuilds the engine from
/// them. Limits are checked by `validate()` so that no user value can overflow the engine's
/// integer arithmetic.
public struct MarketConfig: Equatable, Sendable {
    public var seed: UInt64 = 42
    public var scenarios: [Scenario] = Scenario.markets
    public var days = 30
    public var buyers = 5
    public var sellers = 5
    public var campaignsPerBuyer = 10
    public var productsPerSeller = 5
    /// Scenario A exchange fee (allowed 10%-20%).
    public var exchangeFee = Rate.percent(15)
    /// Per-buyer fee discounts (multiplicative: the fee becomes fee x (1 - discount)).
    public var buyerDiscounts: [Int: Rate] = [:]  // determinism-ok: encoded in sorted key order
    /// Per-seller fee discounts.
    public var sellerDiscounts: [Int: Rate] = [:]  // determinism-ok: encoded in sorted key order
    /// Scenario A payment rule: first price by default since engine 0.4.0 (as real exchanges
    /// moved to in 2017-2019), with shading buyers; second price before (the reference's).
    public var mechanism: Mechanism = .firstPrice
    /// The policy every agent decides with.
    public var policy: PolicyKind = .ruleBased
    /// Scenario C platform fee (0 by default: C's cost is the ledger's per-entry cost).
    public var platformFee = Rate.zero
    /// Chance that one claim of a B or C agent is hallucinated.
    public var hallucinationRate = Rate.percent(10)
    /// Daily chance growth of a context-rot episode: p(day) = 1 - (1 - rate)^(day - grace).
    public var rotEpisodeRate = Rate(ppm: 10_000)
    /// Per-key memory decay inside an episode: survival s = (1 - rate)^(day - grace).
    public var memoryDecayRate = Rate(ppm: 20_000)
    /// Days without rot at the start of a run.
    public var graceDays = 3
    /// Daily restart chance base: p = base x (1 + 0.01 day).
    public var restartRate = Rate(ppm: 5_000)
    /// Open-auction traffic profile.
    public var volume: VolumeProfile = .none
    /// Fault injection: agents killed at given ticks.
    public var kills: [AgentKill] = []
    /// Scenario A: bids are judged net of the exchange fee. A bid takes part only if what the
    /// seller keeps of it, bid x (1 - the seller's fee), reaches the floor: the exchange's
    /// reserve is the floor grossed up by the fee (`reserve(floor:seller:)`), so the fee level
    /// changes which bids trade and at what price. Off (engine 0.1.0 and the reference): the
    /// floor is the reserve and the fee only splits the money.
    public var feeAwareReserve = false
    /// Scenario A under first price: buyers shade their bids by a rule that learns from win
    /// rates (`BidShading`), the default since engine 0.4.0. Off: a first-price bidder bids its
    /// value. Only with first price.
    public var bidShading = true
    /// Scenario A: floors adapt to sell-through day by day (`AdaptiveFloors`). Off: floors never
    /// move (engine 0.1.0 and the reference).
    public var adaptiveFloors = false
    /// Scenario A: how campaigns spread their daily target over the day's auction rounds.
    public var pacing = Pacing.reference
    /// B and C: how sellers price their answers to RFPs (engine 0.3.0: against the buyer's max
    /// CPM; the reference's constant markup is an option).
    public var sellerPricing = SellerPricing.split
    /// How campaigns are drawn against the products. The reference's by default: the tradable
    /// draws lift A's deals above the seed's expected 4,000-6,000 on 7 of seeds 1-10
    /// (docs/scenarios.md, section 10).
    public var marketGeneration = MarketGeneration.reference
    /// B: each side counts every delivery with the reference's drift (timing, invalid traffic,
    /// viewability, latency, data loss; `divergentCounts`). Off: both count what was served, as
    /// in C, so private books differ from the shared ledger only by memory faults.
    public var bookDrift = true
    /// C: buyers take offers' history claims into reputation once checked against the ledger
    /// (as stated when true, the ledger's figure when caught false), as B's buyers take them as
    /// stated. Off (engines 0.1.0 and 0.2.0): C's buyers ignore history claims, so even without
    /// faults B and C target different products.
    public var checkedHistoryClaims = true
    /// B and C: how agents forget and misstate (`MemoryModel`; the reference's flat rates by
    /// default).
    public var memoryModel = MemoryModel.flat
    /// The context model's window in tokens (`ContextModel`).
    public var contextWindow = ContextModel.defaultWindow
    /// `Recovery` events state the keys the fault destroyed and those of them restored with
    /// their value (engine 0.4.0). Off for a config of format 1 to 3 (engines up to 0.3.0,
    /// which stated the keys held before the fault and after recovery), so their ledgers still
    /// replay; not an option of new runs.
    public var recoveryCountsRestoredKeys = true

    public init() {}

    /// Upper limits that keep every run inside Int64 arithmetic and bounded memory.
    public static let maxDays = 366
    public static let maxBuyers = 1_000
    public static let maxSellers = 1_000
    public static let maxCampaignsPerBuyer = 100
    public static let maxProductsPerSeller = 50

    /// All campaign indices and product indices.
    public var campaignCount: Int { buyers * campaignsPerBuyer }
    public var productCount: Int { sellers * productsPerSeller }

    /// Total simulated ticks.
    public var lastTick: Int64 { Int64(days) * SimTime.ticksPerDay - 1 }

    /// The one-line reason this config cannot run, or nil.
    public func validate() -> ConfigError? {
        if scenarios.isEmpty { return .invalid("--scenario", "at least one of a, b, c") }
        if Set(scenarios).count != scenarios.count || scenarios.contains(.run) {  // determinism-ok: size only
            return .invalid("--scenario", "a comma list of distinct a, b, c")
        }
        if !(1...Self.maxDays).contains(days) { return .invalid("--days", "1...\(Self.maxDays)") }
        if !(1...Self.maxBuyers).contains(buyers) {
            return .invalid("--buyers", "1...\(Self.maxBuyers)")
        }
        if !(1...Self.maxSellers).contains(sellers) {
            return .invalid("--sellers", "1...\(Self.maxSellers)")
        }
        if !(1...Self.maxCampaignsPerBuyer).contains(campaignsPerBuyer) {
            return .invalid("--campaigns-per-buyer", "1...\(Self.maxCampaignsPerBuyer)")
        }
        if !(1...Self.maxProductsPerSeller).contains(productsPerSeller) {
            return .invalid("--products-per-seller", "1...\(Self.maxProductsPerSeller)")
        }
        if !Self.feeRange.contains(exchangeFee) {
            return .invalid("--fee", "10%...20% (got \(exchangeFee))")
        }
        for (name, table, count) in [
            ("--buyer-discount", buyerDiscounts, buyers),
            ("--seller-discount", sellerDiscounts, sellers),
        ] {
            for (index, rate) in table
            where index < 0 || index >= count || rate < .zero || rate > .one {
                return .invalid(name, "an existing agent and a discount in 0%...100%")
            }
        }
        if platformFee < .zero || platformFee > .percent(20) {
            return .invalid("--platform-fee", "0%...20%")
        }
        for (name, rate) in [
            ("--hallucination-rate", hallucinationRate), ("--rot-rate", rotEpisodeRate),
            ("--decay-rate", memoryDecayRate), ("--restart-rate", restartRate),
        ]
        where rate < .zero || rate > .one {
            return .invalid(name, "0%...100%")
        }
        if !(0...Self.maxDays).contains(graceDays) {
            return .invalid("--grace-days", "0...\(Self.maxDays)")
        }
        if !(ContextModel.minimumWindow...100_000_000).contains(contextWindow) {
            return .invalid("--context-window", "\(ContextModel.minimumWindow)...100000000 tokens")
        }
        if memoryModel == .context {
            // The flat model's settings would change the config's digest and nothing else.
            let flat = MarketConfig()
            if hallucinationRate != flat.hallucinationRate || rotEpisodeRate != flat.rotEpisodeRate
                || memoryDecayRate != flat.memoryDecayRate || graceDays != flat.graceDays
            {
                return .invalid(
                    "--memory-model",
                    "context with the flat model's rot, decay, grace and hallucination settings at their defaults"
                )
            }
        }
        if memoryModel == .context && !recoveryCountsRestoredKeys {
            return .invalid("--memory-model", "context only with engine 0.4.0's recovery counts")
        }
        if memoryModel != .context && contextWindow != ContextModel.defaultWindow {
            return .invalid("--context-window", "only with --memory-model context")
        }
        if bidShading && mechanism != .firstPrice {
            return .invalid("--bid-shading", "only with --mechanism first-price")
        }
        for kill in kills {
            if kill.tick > lastTick {
                return .invalid("--kill", "a tick in 0...\(lastTick) (d1...d\(days)); got \(kill)")
            }
            let valid =
                kill.agent.kind == .buyer
                ? kill.agent.index < buyers
                : kill.agent.kind == .seller ? kill.agent.index < sellers : scenarios.contains(.a)
            if !valid {
                return .invalid(
                    "--kill",
                    "one of buyer-001...\(AgentRef.buyer(buyers - 1)), seller-001...\(AgentRef.seller(sellers - 1))"
                        + (scenarios.contains(.a) ? ", exchange" : "") + "; got \(kill.agent)")
            }
        }
        return nil
    }

    /// The fee a seller pays the exchange before any buyer discount: the base fee times the
    /// seller's discount factor, clamped to 10%-20%.
    public func sellerFeeRate(seller: Int) -> Rate {
        discounted(exchangeFee, buyer: nil, seller: seller)
    }

    /// `rate` times the buyer's then the seller's discount factor (each product rounded to the
    /// ppm), clamped to 10%-20%.
    func discounted(_ rate: Rate, buyer: Int?, seller: Int) -> Rate {
        var rate = rate
        for discount in [buyer.flatMap { buyerDiscounts[$0] }, sellerDiscounts[seller]] {
            if let discount { rate = rate.times(Rate(ppm: 1_000_000 - discount.ppm)) }
        }
        return min(max(rate, Self.feeRange.lowerBound), Self.feeRange.upperBound)
    }

    /// Scenario A's reserve for a product of `seller` with floor `floor`: the floor itself, or
    /// with `feeAwareReserve` the smallest price whose share after the seller's fee reaches
    /// the floor, ceil(floor / (1 - fee)) in micros (a buyer discount only lowers the fee, so
    /// the seller still keeps at least its floor).
    public func reserve(floor: Micros, seller: Int) -> Micros {
        guard feeAwareReserve else { return floor }
        let keeps = 1_000_000 - sellerFeeRate(seller: seller).ppm
        return Micros(RoundingRule.saturatingCeilMulDiv(floor.raw, 1_000_000, keeps))
    }

    /// How buyers of a scenario that does (B) or does not (C) trust claims treat offers' claims.
    public func claimHandling(trustsClaims: Bool) -> ClaimHandling {
        trustsClaims ? .trusted : checkedHistoryClaims ? .checked : .checkedIgnoringHistory
    }

    /// Allowed range of the exchange fee, discounts included.
    public static let feeRange = Rate.percent(10)...Rate.percent(20)

    /// The fee rate for a (buyer, seller) pair: the base fee times each party's discount
    /// factor, clamped to 10%-20% (as the public implementation does).
    public func feeRate(buyer: Int, seller: Int) -> Rate {
        discounted(exchangeFee, buyer: buyer, seller: seller)
    }
}
