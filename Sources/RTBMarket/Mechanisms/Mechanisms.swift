import RTBCore
import RTBEvents
import RTBTrace

/// First price: the highest bid wins one item and pays its own bid.
public struct FirstPriceAuction: AuctionMechanism {
    public let name = "first-price"
    public init() {}

    public func clear(_ bids: [SealedBid], items: AuctionItems, reserve: Int64)
        throws(MechanismError) -> [Award]
    {
        guard items == .single else { throw .unsupportedItems(mechanism: name, items: "\(items)") }
        guard let best = try ranked(bids, reserve: reserve).first else { return [] }
        return [Award(bidder: best.bidder, slot: 0, pricePerUnit: best.amount)]
    }
}

/// Vickrey (second price) with reserve: the highest bid wins one item and pays
/// max(second-highest bid, reserve).
public struct VickreyAuction: AuctionMechanism {
    public let name = "second-price"
    public init() {}

    public func clear(_ bids: [SealedBid], items: AuctionItems, reserve: Int64)
        throws(MechanismError) -> [Award]
    {
        guard items == .single else { throw .unsupportedItems(mechanism: name, items: "\(items)") }
        let order = try ranked(bids, reserve: reserve)
        guard let best = order.first else { return [] }
        return [
            Award(
                bidder: best.bidder, slot: 0,
                pricePerUnit: max(order.count > 1 ? order[1].amount : 0, reserve))
        ]
    }
}

/// Generalized second price for ranked slots: the k-th highest bid gets slot k and pays, per
/// click, the (k+1)-th highest bid (or the reserve).
public struct GeneralizedSecondPrice: AuctionMechanism {
    public let name = "gsp"
    public init() {}

    public func clear(_ bids: [SealedBid], items: AuctionItems, reserve: Int64)
        throws(MechanismError) -> [Award]
    {
        try validateWeights(items)
        if case .units = items {
            throw .unsupportedItems(mechanism: name, items: "identical units")
        }
        let order = try ranked(bids, reserve: reserve)
        let slots = min(items.count, order.count)
        return (0..<slots).map { slot in
            Award(
                bidder: order[slot].bidder, slot: slot,
                pricePerUnit: max(slot + 1 < order.count ? order[slot + 1].amount : 0, reserve),
                weight: items.weight(slot))
        }
    }
}

/// Vickrey-Clarke-Groves for ranked slots and for identical units with unit-demand bidders.
///
/// Slots (weights a_1 >= a_2 >= ... >= a_K): the k-th bid gets slot k and pays, per click,
/// sum_{j=k..K} (a_j - a_{j+1}) x max(b_{j+1}, reserve) / a_k, with a_{K+1} = 0, b the ranked
/// bids and a missing bid counting as the reserve (the externality it imposes on the others),
/// rounded by the project rule. Units: the K highest bids
/// win one unit each and all pay max(b_{K+1}, reserve).
public struct VCGAuction: AuctionMechanism {
    public let name = "vcg"
    public init() {}

    public func clear(_ bids: [SealedBid], items: AuctionItems, reserve: Int64)
        throws(MechanismError) -> [Award]
    {
        try validateWeights(items)
        let order = try ranked(bids, reserve: reserve)
        switch items {
        case .single, .units:
            let winners = min(items.count, order.count)
            let price = max(winners < order.count ? order[winners].amount : 0, reserve)
            return (0..<winners).map {
                Award(bidder: order[$0].bidder, slot: $0, pricePerUnit: price)
            }
        case .slots(let weights):
            let winners = min(weights.count, order.count)
            return (0..<winners).map { slot in
                var externality: Int64 = 0
                for lower in slot..<weights.count {
                    let next = lower + 1 < weights.count ? weights[lower + 1] : 0
                    let displaced = max(
                        lower + 1 < order.count ? order[lower + 1].amount : 0, reserve)
                    externality += (weights[lower] - next) * displaced
                }
                return Award(
                    bidder: order[slot].bidder, slot: slot,
                    pricePerUnit: RoundingRule.mulDiv(externality, 1, weights[slot]),
                    payment: externality)
            }
        }
    }
}

/// The mechanism named by the config's `Mechanism` code.
public func auctionMechanism(_ code: Mechanism) -> any AuctionMechanism {
    switch code {
    case .firstPrice: return FirstPriceAuction()
    case .secondPrice: return VickreyAuction()
    case .gsp: return GeneralizedSecondPrice()
    case .vcg: return VCGAuction()
    }
}
