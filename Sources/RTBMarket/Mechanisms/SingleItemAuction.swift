import RTBCore
import RTBEvents
import RTBTrace

/// The outcome of a single-item sealed-bid auction.
public struct SingleItemResult: Equatable, Sendable {
    /// Index of the winning bid in the input order, nil when no bid meets the reserve.
    public var winner: Int?
    /// What the winner pays.
    public var price: Int64
    /// The highest losing bid (0 when alone).
    public var secondBid: Int64

    @inlinable
    public init(winner: Int?, price: Int64, secondBid: Int64) {
        self.winner = winner
        self.price = price
        self.secondBid = secondBid
    }
}

/// Clears one item among sealed bids (any money unit: micros or cents).
///
/// Ties: the higher bid wins; equal bids go to the one that arrived first (bidders are asked in
/// ascending campaign order, so the lower campaign number). Bids below the reserve are ignored.
/// Payment: first price = own bid; second price (Vickrey), GSP and VCG with one item =
/// max(second-highest bid, reserve).
public enum SingleItemAuction {
    @inlinable
    public static func clear(
        bids: UnsafeBufferPointer<Int64>, reserve: Int64, mechanism: Mechanism,
        lastWinsTies: Bool
    ) -> SingleItemResult {
        var best = -1
        var bestBid: Int64 = 0
        var second: Int64 = 0
        for index in 0..<bids.count {
            let bid = bids[index]
            guard bid >= reserve else { continue }
            if best < 0 || bid > bestBid || (lastWinsTies && bid == bestBid) {
                if best >= 0 { second = bestBid }
                best = index
                bestBid = bid
            } else if bid > second {
                second = bid
            }
        }
        guard best >= 0 else { return SingleItemResult(winner: nil, price: 0, secondBid: 0) }
        let price = mechanism == .firstPrice ? bestBid : max(second, reserve)
        return SingleItemResult(winner: best, price: price, secondBid: second)
    }

    /// Array convenience (first bidder wins ties).
    public static func clear(bids: [Int64], reserve: Int64, mechanism: Mechanism)
        -> SingleItemResult
    {
        bids.withUnsafeBufferPointer {
            clear(bids: $0, reserve: reserve, mechanism: mechanism, lastWinsTies: false)
        }
    }
}
