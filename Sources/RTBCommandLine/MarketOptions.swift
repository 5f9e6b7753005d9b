import ArgumentParser
import Foundation
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBModels
import RTBRunning
import RTBTrace

/// The options that define a market run.
public struct MarketOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Trading models to run, comma-separated: a (exchange), b (direct), c (ledger). (default: a,b,c)"
    )
    public var scenario: String?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Simulated days (1...\(MarketConfig.maxDays)). (default: 30)")
    public var days: Int?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Buyer agents (each with --campaigns-per-buyer campaigns). (default: 5)")
    public var buyers: Int?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Seller agents (each with --products-per-seller products). (default: 5)")
    public var sellers: Int?

    @Option(name: .long, parsing: .unconditional, help: "Campaigns per buyer. (default: 10)")
    public var campaignsPerBuyer: Int?

    @Option(name: .long, parsing: .unconditional, help: "Products per seller. (default: 5)")
    public var productsPerSeller: Int?

    @Option(name: .long, parsing: .unconditional, help: "Run seed (unsigned 64-bit). (default: 42)")
    public var seed: UInt64?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Scenario A exchange fee, 10%...20% (e.g. 15% or 0.15). (default: 15%)")
    public var fee: String?

    @Option(
        name: .long,
        help:
            "Scenario A payment rule: first-price, second-price (the reference's), gsp, vcg. (default: first-price)"
    )
    public var mechanism: String?

    @Flag(
        name: .long,
        help:
            "Scenario A: judge bids net of the exchange fee (the reserve is the floor grossed up by the seller's fee, so the fee changes outcomes)."
    )
    public var feeAware = false

    @Flag(
        inversion: .prefixedNo,
        help:
            "Scenario A under first price: buyers shade bids by a rule learning from win rates (docs/scenarios.md); --no-bid-shading: they bid their value. (default: on with first price)"
    )
    public var bidShading: Bool?

    @Flag(
        name: .long,
        help:
            "Scenario A: floors adapt to yesterday's sell-through (+5% at 90% sold or more, -5% under 50%, within 0.5-2x)."
    )
    public var adaptiveFloors = false

    @Option(
        name: .long,
        help:
            "Scenario A pacing of each campaign's daily target over the day's auction rounds: reference (a third per auction, front-loaded), asap, even, profile (against the inventory profile). (default: reference)"
    )
    public var pacing: String?

    @Option(
        name: .long,
        help:
            "B and C: how sellers price an RFP: split (the midpoint of the floor and the buyer's max CPM) or markup (the reference's 1.1 x floor). (default: split)"
    )
    public var sellerPricing: String?

    @Option(
        name: .long,
        help:
            "How campaigns are drawn: reference (no native campaigns; a target CPM of $10-25 in every channel, some campaigns unable to pay any floor) or tradable (all four channels, each campaign able to pay its channel's cheapest floor). (default: reference)"
    )
    public var marketGeneration: String?

    @Flag(
        name: .long,
        help:
            "B: both sides count every delivery as served (no timing, invalid-traffic, viewability, latency or data-loss drift between their books)."
    )
    public var noBookDrift = false

    @Flag(
        name: .long,
        help:
            "C: buyers ignore offers' history claims instead of taking them once checked against the ledger (engines 0.1.0 and 0.2.0)."
    )
    public var ignoreHistoryClaims = false

    @Option(
        name: .long,
        help:
            "How agents forget (every scenario) and misstate (B and C): flat (the reference's rates: --rot-rate, --decay-rate, --grace-days, --hallucination-rate) or context (chances set by how full each agent's context is, buyers' claims included; docs/scenarios.md). (default: flat)"
    )
    public var memoryModel: String?

    @Option(
        name: .long, parsing: .unconditional,
        help:
            "With --memory-model context: each agent's context window in tokens, 4000 of them reserved. (default: 200000, Claude Haiku's)"
    )
    public var contextWindow: Int?

    @Option(
        name: .long,
        help:
            "Agent decision policy: rule-based (in the engine), rule-based-service (the same rules asked outside the engine, every decision recorded), mock-llm (seed 000's mock LLM rules, in the engine), llm (a language model behind an API answers every decision, recorded; docs/llm.md). (default: rule-based)"
    )
    public var policy: String?

    @Flag(name: .long, help: "The seed's spelling of --policy mock-llm.")
    public var mockLlm = false

    @Flag(name: .long, help: "The seed's spelling of --policy llm (docs/llm.md).")
    public var realLlm = false

    @Option(
        name: .long, parsing: .unconditional,
        help: "Scenario C platform fee, 0%...20%. (default: 0%)")
    public var platformFee: String?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Chance that a B or C claim is hallucinated. (default: 10%)")
    public var hallucinationRate: String?

    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Context rot: daily growth of an agent's rot-episode chance after the grace days. (default: 1%)"
    )
    public var rotRate: String?

    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Context rot: per-day decay of a memory key's survival inside an episode. (default: 2%)"
    )
    public var decayRate: String?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Context rot: days without rot at the start. (default: 3)")
    public var graceDays: Int?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Daily restart chance of an agent (grows 1% per day). (default: 0.5%)")
    public var restartRate: String?

    @Option(
        name: .long,
        help:
            "Open-auction traffic: none, small (10K/day), medium (100K), large (1M), enterprise (10M). (default: none)"
    )
    public var volume: String?

    @Option(
        name: .long, parsing: .singleValue,
        help:
            "Kill an agent: AGENT@TICK with TICK a tick or dDAY[:HH[:MM]] (e.g. buyer-002@d5:12). Repeatable."
    )
    public var kill: [String] = []

    @Option(
        name: .long, parsing: .singleValue,
        help: "Per-buyer fee discount, BUYER=RATE (e.g. buyer-001=10%). Repeatable.")
    public var buyerDiscount: [String] = []

    @Option(
        name: .long, parsing: .singleValue,
        help: "Per-seller fee discount, SELLER=RATE. Repeatable.")
    public var sellerDiscount: [String] = []

    @Option(
        name: .customLong("config"),
        help: "Read the market options from a JSON file (keys: the long option names with '_').")
    public var configFile: String?

    public init() {}

    /// Defaults of the options left out.
    static let defaultScenario: String = "a,b,c"
    static let defaultDays: Int = 30
    static let defaultBuyers: Int = 5
    static let defaultSellers: Int = 5
    static let defaultCampaignsPerBuyer: Int = 10
    static let defaultProductsPerSeller: Int = 5
    static let defaultSeed: UInt64 = 42
    static let defaultFee: String = "15%"
    static let defaultMechanism: String = "first-price"
    static let defaultPolicy: String = "rule-based"
    static let defaultPlatformFee: String = "0%"
    static let defaultHallucinationRate: String = "10%"
    static let defaultRotRate: String = "1%"
    static let defaultDecayRate: String = "2%"
    static let defaultGraceDays: Int = 3
    static let defaultRestartRate: String = "0.5%"
    static let defaultVolume: String = "none"

    /// The market options given (on the command line or in a golden's arguments).
    public var givenOptions: [String] {
        var given: [String] = []
        if scenario != nil { given.append("--scenario") }
        if days != nil { given.append("--days") }
        if buyers != nil { given.append("--buyers") }
        if sellers != nil { given.append("--sellers") }
        if campaignsPerBuyer != nil { given.append("--campaigns-per-buyer") }
        if productsPerSeller != nil { given.append("--products-per-seller") }
        if seed != nil { given.append("--seed") }
        if fee != nil { given.append("--fee") }
        if mechanism != nil { given.append("--mechanism") }
        if feeAware { given.append("--fee-aware") }
        if bidShading != nil { given.append("--bid-shading") }
        if adaptiveFloors { given.append("--adaptive-floors") }
        if pacing != nil { given.append("--pacing") }
        if sellerPricing != nil { given.append("--seller-pricing") }
        if marketGeneration != nil { given.append("--market-generation") }
        if noBookDrift { given.append("--no-book-drift") }
        if ignoreHistoryClaims { given.append("--ignore-history-claims") }
        if memoryModel != nil { given.append("--memory-model") }
        if contextWindow != nil { given.append("--context-window") }
        if policy != nil { given.append("--policy") }
        if mockLlm { given.append("--mock-llm") }
        if realLlm { given.append("--real-llm") }
        if platformFee != nil { given.append("--platform-fee") }
        if hallucinationRate != nil { given.append("--hallucination-rate") }
        if rotRate != nil { given.append("--rot-rate") }
        if decayRate != nil { given.append("--decay-rate") }
        if graceDays != nil { given.append("--grace-days") }
        if restartRate != nil { given.append("--restart-rate") }
        if volume != nil { given.append("--volume") }
        if !kill.isEmpty { given.append("--kill") }
        if !buyerDiscount.isEmpty { given.append("--buyer-discount") }
        if !sellerDiscount.isEmpty { given.append("--seller-discount") }
        return given
    }

    public mutating func validate() throws {
        // A config file is read when the command runs (so a missing file exits 1, not 64).
        if configFile == nil { _ = try config() }
    }

    /// The config these options (or --config FILE) describe; throws a one-line usage error
    /// naming the option, or the file and key.
    public func config() throws -> MarketConfig {
        guard let path = configFile else { return try marketConfig() }
        if let option = givenOptions.first {
            throw ValidationError(
                "give either --config \(path) or market options such as \(option), not both")
        }
        do {
            return try MarketOptions.fromFile(path).marketConfig()
        } catch let error as ValidationError {
            throw ValidationError(
                error.message.hasPrefix(path) ? error.message : "\(path): \(error.message)")
        }
    }
}
