import RTBEvents

/// What distinguishes the three trading models, as one table that the engine and the checker
/// both read (docs/scenarios.md). A new trading model is a new row: every rule below must be
/// decided for it, and the switches over these rules have no `default:` arm to absorb it.
public struct TradingRules: Equatable, Sendable {
    /// How trading happens each day.
    public enum Trading: Sendable { case exchangeAuctions, directNegotiation }
    /// How one open-traffic impression is sold.
    public enum OpenTraffic: Sendable { case auction, directOffer }
    /// Which fee a settlement carries.
    public enum Fee: Sendable { case exchangeRate, none, platformRate }
    /// What a settlement pays for.
    public enum Settlement: Sendable {
        /// Exactly the served impressions at the buyer's price (the exchange's records).
        case servedAtBuyerPrice
        /// Whatever the books reconcile to, never above the contract's value.
        case atMostContractValue
        /// Exactly the served impressions at the seller's price (the shared ledger's record).
        case servedAtSellerPrice
    }
    /// How delivery counts and ending campaigns are reconciled.
    public enum Reconciliation: Sendable { case exchangeRecords, privateBooks, sharedLedger }
    /// Where an agent's memory comes back from after a loss.
    public enum MemorySource: Sendable { case exchangeRecords, privateStore, sharedLedger }

    public var trading: Trading
    public var openTraffic: OpenTraffic
    public var fee: Fee
    public var settlement: Settlement
    public var reconciliation: Reconciliation
    public var memorySource: MemorySource
    /// Agents act on counterparts' claims as stated (false: they verify them against the shared
    /// ledger, so a hallucinated claim is caught).
    public var trustsClaims: Bool
    /// Events are written to a shared ledger, each entry at the cost model's price.
    public var writesSharedLedger: Bool
    /// Buyer and seller count deliveries separately (their counts may differ).
    public var separateDeliveryCounts: Bool
    /// Context rot is repaired at once from the memory source (false: the agent lives with it).
    public var repairsRot: Bool
    /// The exchange is an agent that can be killed (restarting with its durable records).
    public var hasExchangeAgent: Bool

    /// The smallest lot an exchange auction sells: a smaller batch goes unsold whatever the bids.
    public static let minimumExchangeLot: Int64 = 2_500

    /// The rules of scenario `scenario`; nil for run-level events, which belong to no model.
    public static func of(_ scenario: Scenario) -> TradingRules? {
        switch scenario {
        case .a:
            return TradingRules(
                trading: .exchangeAuctions, openTraffic: .auction, fee: .exchangeRate,
                settlement: .servedAtBuyerPrice, reconciliation: .exchangeRecords,
                memorySource: .exchangeRecords, trustsClaims: true, writesSharedLedger: false,
                separateDeliveryCounts: false, repairsRot: true, hasExchangeAgent: true)
        case .b:
            return TradingRules(
                trading: .directNegotiation, openTraffic: .directOffer, fee: .none,
                settlement: .atMostContractValue, reconciliation: .privateBooks,
                memorySource: .privateStore, trustsClaims: true, writesSharedLedger: false,
                separateDeliveryCounts: true, repairsRot: false, hasExchangeAgent: false)
        case .c:
            return TradingRules(
                trading: .directNegotiation, openTraffic: .directOffer, fee: .platformRate,
                settlement: .servedAtSellerPrice, reconciliation: .sharedLedger,
                memorySource: .sharedLedger, trustsClaims: false, writesSharedLedger: true,
                separateDeliveryCounts: false, repairsRot: true, hasExchangeAgent: false)
        case .run:
            return nil
        }
    }
}
