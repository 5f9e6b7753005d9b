/// Deliberately broken behaviours (tests only; never recorded): each must be flagged by
/// `rtb-verify check`, proving the checker can fail.
public enum Canary: String, CaseIterable, Sendable {
    /// The first exchange deal is paid its campaign's whole budget on top of its cost.
    case overspend
    /// The first exchange auction with a winner charges one cent above the winning bid.
    case chargeAboveBid
    /// Exchange fees are truncated instead of rounded half to even.
    case feeRounding
    /// The delivery event of the first exchange deal is never emitted.
    case dropEvent
    /// Equal bids go to the last bidder instead of the first.
    case flipTieBreak
    /// Scenario C recovery forgets the first open order it rebuilt from the ledger.
    case brokenRecovery
    /// With a fee-aware reserve, the exchange still uses the bare floor as every reserve.
    case floorAsReserve
    /// With adaptive floors, the floors never move.
    case frozenFloors
    /// With split seller pricing, B and C sellers still ask the reference's 1.1 x floor.
    case markupQuotes
    /// With the context memory model, C's books take a buyer's false delivery count although
    /// the ledger caught it.
    case buyerCountsTrusted
}
