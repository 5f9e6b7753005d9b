import RTBTrace

/// The properties `rtb-verify check` verifies from the recorded events alone.
public enum Invariant: Int, CaseIterable, Sendable {
    case budgetNeverOverspent
    case winnerPaysAtMostBid
    case pricesWithinMaxCPM
    case paymentRule
    case efficientAllocation
    case feeRule
    case moneyConservedPerSettlement
    case moneyConservedPerDay
    case paidForDelivered
    case deliveryWithinDeal
    case deliveryWithinInventory
    case ledgerEntryCost
    case ledgerRecoveryExact
    case reconciliationLadder
    case truthfulness
    case referencesRegistered
    case identifiersSequential
    case timeMonotone
    case totalsMatchEvents
    case pricesAboveFloor
    case hallucinationsConsistent
    case snapshotsMatchHistory
    case ledgerEntriesComplete
    case auctionsSoldWhenBid
    case reserveRule
    case sellerPricing

    /// Short name used in reports and tests.
    public var name: String {
        switch self {
        case .budgetNeverOverspent: return "budget-never-overspent"
        case .winnerPaysAtMostBid: return "winner-pays-at-most-bid"
        case .pricesWithinMaxCPM: return "prices-within-max-cpm"
        case .paymentRule: return "payment-rule"
        case .efficientAllocation: return "efficient-allocation"
        case .feeRule: return "fee-rule"
        case .moneyConservedPerSettlement: return "money-conserved-per-settlement"
        case .moneyConservedPerDay: return "money-conserved-per-day"
        case .paidForDelivered: return "paid-for-delivered"
        case .deliveryWithinDeal: return "delivery-within-deal"
        case .deliveryWithinInventory: return "delivery-within-inventory"
        case .ledgerEntryCost: return "ledger-entry-cost"
        case .ledgerRecoveryExact: return "ledger-recovery-exact"
        case .reconciliationLadder: return "reconciliation-ladder"
        case .truthfulness: return "truthfulness"
        case .referencesRegistered: return "references-registered"
        case .identifiersSequential: return "identifiers-sequential"
        case .timeMonotone: return "time-monotone"
        case .totalsMatchEvents: return "totals-match-events"
        case .pricesAboveFloor: return "prices-above-floor"
        case .hallucinationsConsistent: return "hallucinations-consistent"
        case .snapshotsMatchHistory: return "snapshots-match-history"
        case .ledgerEntriesComplete: return "ledger-entries-complete"
        case .auctionsSoldWhenBid: return "auctions-sold-when-bid"
        case .reserveRule: return "reserve-rule"
        case .sellerPricing: return "seller-pricing"
        }
    }

    /// What is checked, in one line.
    public var summary: String {
        switch self {
        case .budgetNeverOverspent:
            return "a campaign's payments never exceed its budget, at any event"
        case .winnerPaysAtMostBid:
            return "auction winners pay no more than their bid (individual rationality)"
        case .pricesWithinMaxCPM:
            return "bids, deal prices and direct purchases stay within the campaign's max CPM"
        case .paymentRule:
            return
                "price per mechanism: own bid; max(next bid, reserve) (second price, GSP); VCG externality"
        case .efficientAllocation:
            return "each lot goes to the highest remaining bid, ties to the first bidder"
        case .feeRule:
            return
                "fee = rate x paid, rounded half to even (A: exchange rate with discounts; B: 0; C: platform)"
        case .moneyConservedPerSettlement:
            return "buyer paid = seller received + fee, per settlement and open purchase"
        case .moneyConservedPerDay:
            return "per day: buyer spend = seller revenue + fees + ledger costs"
        case .paidForDelivered:
            return "A and C pay exactly for served impressions; B never above the contract value"
        case .deliveryWithinDeal: return "a deal never serves more than planned or contracted"
        case .deliveryWithinInventory:
            return
                "a product never serves more than its daily avails, an auction more than its batch"
        case .ledgerEntryCost:
            return
                "each C ledger entry records the preceding event's kind and size at the cost model's price"
        case .ledgerRecoveryExact:
            return
                "every C recovery restores the memory the ledger defines (snapshot + events), exactly"
        case .reconciliationLadder:
            return "each campaign's class matches its discrepancy on the ladder"
        case .truthfulness:
            return
                "open auctions (not first price): no sampled alternative bid beats the recorded outcome"
        case .referencesRegistered:
            return "every campaign, product, deal, negotiation and agent an event names exists"
        case .identifiersSequential:
            return
                "campaigns, products, auctions, negotiations, deals and ledger entries are numbered 0, 1, 2, ..."
        case .timeMonotone:
            return
                "the engine's and the open traffic's ticks never go back; days start in order; deals end after they start"
        case .totalsMatchEvents:
            return
                "scenario event counts and A/C reconciliation totals equal the sums of their events"
        case .pricesAboveFloor:
            return
                "negotiated deals and direct purchases pay the seller at least the floor, above zero"
        case .hallucinationsConsistent:
            return
                "a false claim differs from the truth, is caught exactly in C, and is what the offer or report said"
        case .snapshotsMatchHistory:
            return
                "each C snapshot equals the memory its previous snapshot and the events since define"
        case .ledgerEntriesComplete:
            return
                "in C every event its payer must write has its ledger entry next, and no other event has one"
        case .auctionsSoldWhenBid:
            return "an auction with a bid at or above its floor, of at least the minimum lot, sells"
        case .sellerPricing:
            return
                "B/C rule-based asks follow the pricing (split: floor/max CPM midpoint; markup: 1.1 x floor)"
        case .reserveRule:
            return
                "A auctions' reserve = the product's floor (adapted to sell-through) or, fee-aware, grossed up by the fee"
        }
    }
}

extension Invariant {
    /// Name and summary, as reports list them.
    public var info: InvariantInfo { InvariantInfo(name: name, summary: summary) }
    /// Every invariant, in report order (the tally's indexes are the raw values).
    public static let infos = allCases.map(\.info)
}
