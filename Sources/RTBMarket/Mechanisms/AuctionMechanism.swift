import RTBCore

/// One sealed bid: the bidder's index and its bid per unit (per impression, or per click in
/// slot auctions), in integer money units (micros or cents).
public struct SealedBid: Equatable, Sendable {
    public var bidder: Int
    public var amount: Int64

    public init(bidder: Int, amount: Int64) {
        self.bidder = bidder
        self.amount = amount
    }
}

/// One award: which bidder gets which slot (0 = best) or unit, at what price per unit.
public struct Award: Equatable, Sendable {
    public var bidder: Int
    public var slot: Int
    /// Price per unit (per click in slots), rounded by the project rule for display and events.
    public var pricePerUnit: Int64
    /// The exact total payment in per-mille units: weight (per mille) x price. VCG slot
    /// payments are computed here exactly, so utilities carry no rounding.
    public var payment: Int64

    public init(
        bidder: Int, slot: Int, pricePerUnit: Int64, payment: Int64? = nil, weight: Int64 = 1_000
    ) {
        self.bidder = bidder
        self.slot = slot
        self.pricePerUnit = pricePerUnit
        self.payment = payment ?? weight * pricePerUnit
    }
}

/// The items on sale: one item, `units` identical units (each bidder wants at most one), or
/// ranked slots with click-through weights in per mille (non-increasing).
public enum AuctionItems: Equatable, Sendable {
    case single
    case units(Int)
    case slots(weightsPermille: [Int64])

    /// Number of awards at most.
    public var count: Int {
        switch self {
        case .single: return 1
        case .units(let units): return units
        case .slots(let weights): return weights.count
        }
    }

    /// Weight of award `slot` (per mille; 1000 for single items and units).
    public func weight(_ slot: Int) -> Int64 {
        if case .slots(let weights) = self { return weights[slot] }
        return 1_000
    }
}

/// Why a mechanism cannot clear an auction.
public enum MechanismError: Error, Equatable, CustomStringConvertible {
    case unsupportedItems(mechanism: String, items: String)
    case invalidWeights(String)
    case negativeBid(bidder: Int)
    case duplicateBidder(Int)

    public var description: String {
        switch self {
        case .unsupportedItems(let mechanism, let items):
            return "\(mechanism) does not sell \(items)"
        case .invalidWeights(let reason): return "invalid slot weights: \(reason)"
        case .negativeBid(let bidder): return "bidder \(bidder) bid a negative amount"
        case .duplicateBidder(let bidder): return "bidder \(bidder) bid twice"
        }
    }
}

/// A sealed-bid auction mechanism: allocation and payments from bids, in integer money.
///
/// Ranking is by bid, highest first; equal bids rank by bidder index, lowest first (the
/// documented tie-break of every mechanism). Bids below the reserve never win.
public protocol AuctionMechanism: Sendable {
    /// A short name ("vickrey", "vcg-slots").
    var name: String { get }
    /// Awards for the bids, best slot first.
    func clear(_ bids: [SealedBid], items: AuctionItems, reserve: Int64) throws(MechanismError)
        -> [Award]
}

extension AuctionMechanism {
    /// Bids at or above the reserve, ranked (highest first, ties by lower bidder index), after
    /// validating them.
    func ranked(_ bids: [SealedBid], reserve: Int64) throws(MechanismError) -> [SealedBid] {
        var seen = Set<Int>()  // determinism-ok: membership only
        for bid in bids {
            if bid.amount < 0 { throw .negativeBid(bidder: bid.bidder) }
            if !seen.insert(bid.bidder).inserted { throw .duplicateBidder(bid.bidder) }
        }
        return bids.filter { $0.amount >= reserve }.sorted {
            $0.amount != $1.amount ? $0.amount > $1.amount : $0.bidder < $1.bidder
        }
    }

    /// Utility of `bidder` (value per unit `value`) from awards, in per-mille units:
    /// weight x value - payment; 0 if it wins nothing.
    public func utility(of bidder: Int, value: Int64, awards: [Award], items: AuctionItems) -> Int64
    {
        guard let award = awards.first(where: { $0.bidder == bidder }) else { return 0 }
        return items.weight(award.slot) * value - award.payment
    }

    /// Welfare of an allocation: sum of weight x value over awards.
    public func welfare(awards: [Award], values: [Int: Int64], items: AuctionItems) -> Int64 {  // determinism-ok: lookups only
        awards.reduce(0) { $0 + items.weight($1.slot) * (values[$1.bidder] ?? 0) }
    }
}

func validateWeights(_ items: AuctionItems) throws(MechanismError) {
    guard case .slots(let weights) = items else { return }
    if weights.isEmpty { throw .invalidWeights("no slots") }
    if weights.contains(where: { $0 <= 0 }) { throw .invalidWeights("weights must be positive") }
    for index in 1..<weights.count where weights[index] > weights[index - 1] {
        throw .invalidWeights("weights must not increase with the slot (slot \(index))")
    }
}
