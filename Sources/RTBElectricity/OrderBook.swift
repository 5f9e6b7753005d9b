/// A resting limit order.
public struct Order: Equatable, Sendable {
    /// Arrival number: time priority among equal prices.
    public var id: UInt64
    public var agent: Int
    public var side: Side
    /// Limit in micro-cents, a multiple of the tick.
    public var limit: Int64
    /// The price before tick rounding (the planner bound's price in reference mode).
    public var quoted: Int64
    /// Micro-kWh not yet filled.
    public var remaining: Int64
    /// The interval it was submitted in (expiry).
    public var interval: Int

    public init(
        id: UInt64, agent: Int, side: Side, limit: Int64, quoted: Int64, remaining: Int64,
        interval: Int
    ) {
        self.id = id
        self.agent = agent
        self.side = side
        self.limit = limit
        self.quoted = quoted
        self.remaining = remaining
        self.interval = interval
    }

    /// Whether `self` has priority over `other` on the same side: the better price, then the
    /// earlier arrival.
    func precedes(_ other: Order) -> Bool {
        if limit != other.limit { return side == .buy ? limit > other.limit : limit < other.limit }
        return id < other.id
    }
}

/// A price-time-priority limit order book. Each side is stored worst first, so the best order
/// is the last element (filling and removing the head is O(1)); `best(side, rank)` reads the
/// side in priority order, which is the order every decision rule scans.
public struct OrderBook: Sendable {
    public private(set) var bids: [Order] = []
    public private(set) var asks: [Order] = []

    public init() {}

    public func orders(_ side: Side) -> [Order] { side == .buy ? bids : asks }

    public func count(_ side: Side) -> Int { side == .buy ? bids.count : asks.count }

    /// The order of rank `rank` (0: best) on `side`.
    public func best(_ side: Side, _ rank: Int = 0) -> Order {
        side == .buy ? bids[bids.count - 1 - rank] : asks[asks.count - 1 - rank]
    }

    /// Rests `order` at its priority position.
    public mutating func insert(_ order: Order) {
        if order.side == .buy {
            Self.insert(order, into: &bids)
        } else {
            Self.insert(order, into: &asks)
        }
    }

    static func insert(_ order: Order, into list: inout [Order]) {
        // Stored worst first: after every order `order` precedes, before every one preceding it.
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if order.precedes(list[middle]) { low = middle + 1 } else { high = middle }
        }
        list.insert(order, at: low)
    }

    /// Fills `quantity` of the order of rank `rank` (0: best) on `side`, removing it when it
    /// is filled.
    mutating func fill(_ side: Side, rank: Int = 0, _ quantity: Int64) {
        if side == .buy {
            Self.fill(&bids, at: bids.count - 1 - rank, quantity)
        } else {
            Self.fill(&asks, at: asks.count - 1 - rank, quantity)
        }
    }

    static func fill(_ list: inout [Order], at index: Int, _ quantity: Int64) {
        list[index].remaining -= quantity
        if list[index].remaining == 0 { list.remove(at: index) }
    }

    /// Removes and returns the best order on `side`.
    mutating func removeBest(_ side: Side) -> Order {
        side == .buy ? bids.removeLast() : asks.removeLast()
    }

    /// Removes every order submitted before `interval` - `expiry`, returning them in priority
    /// order per side (bids first).
    mutating func expire(before interval: Int) -> [Order] {
        var gone: [Order] = []
        for side in [Side.buy, .sell] {
            var kept: [Order] = []
            for order in orders(side) {
                if order.interval < interval { gone.append(order) } else { kept.append(order) }
            }
            if side == .buy { bids = kept } else { asks = kept }
        }
        return gone.sorted { $0.id < $1.id }
    }

    /// Whether the best bid is at or above the best ask.
    public var isCrossed: Bool {
        guard let bid = bids.last, let ask = asks.last else { return false }
        return bid.limit >= ask.limit
    }

    /// Every resting order, for checkpoints: bids then asks, each worst first.
    public var allOrders: [Order] { bids + asks }

    /// A book from checkpointed orders (bids then asks, each worst first).
    public init(bids: [Order], asks: [Order]) {
        self.bids = bids
        self.asks = asks
    }
}
