/// A resting limit order.
public struct Order: Equatable, Sendable {
    /// Arrival number: time priority among equal prices.
    public var id: UInt64
    public var agent: Int
    public var side: Side
    /// Limit in micro-cents, a multiple of the tick.
    public var limit: Int64
    /// The price before tick rounding (the planner bound's price in reference mode, for the
    /// interval the order arrives in; a resting order reads as its limit).
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
}

/// A price-time-priority limit order book: each side a ladder of price levels (one per 0.1 c
/// tick), each level a first-in-first-out queue (orders arrive with increasing numbers, so a
/// level's queue is its time priority). Reading a side in priority order, which is how every
/// decision rule scans it, walks the best level's queue, then the next level's, and so on;
/// each order's own limit and quantity are read as it is looked at.
public struct OrderBook: Sendable {
    var sides = [BookSide(buying: true), BookSide(buying: false)]

    public init() {}

    @inline(__always)
    func index(_ side: Side) -> Int { side == .buy ? 0 : 1 }

    public func count(_ side: Side) -> Int { sides[index(side)].count }

    /// The order of rank `rank` (0: best) on `side`; the side holds more than `rank` orders.
    public func best(_ side: Side, _ rank: Int = 0) -> Order {
        var cursor = sides[index(side)].start()
        for _ in 0..<rank { sides[index(side)].advance(&cursor) }
        return sides[index(side)].order(at: cursor)
    }

    /// Looks at the orders of `side` in priority order, at most `limit` of them, until `body`
    /// returns false; `body` gets each order's limit and remaining quantity.
    @inline(__always)
    public func scan(_ side: Side, limit: Int, _ body: (Int64, Int64) -> Bool) {
        sides[index(side)].scan(limit: limit, body)
    }

    /// Looks at every one of the first `limit` orders of `side` in priority order.
    @inline(__always)
    public func scanAll(_ side: Side, limit: Int, _ body: (Int64, Int64) -> Void) {
        sides[index(side)].scanAll(limit: limit, body)
    }

    /// Rests `order` at the back of its price level.
    public mutating func insert(_ order: Order) { sides[index(order.side)].append(order) }

    /// Fills `quantity` of the order of rank `rank` (0: best) on `side`, removing it when it
    /// is filled.
    mutating func fill(_ side: Side, rank: Int = 0, _ quantity: Int64) {
        let which = index(side)
        var cursor = sides[which].start()
        for _ in 0..<rank { sides[which].advance(&cursor) }
        sides[which].fill(at: cursor, quantity)
    }

    /// Removes and returns the best order on `side`.
    mutating func removeBest(_ side: Side) -> Order {
        let which = index(side)
        let cursor = sides[which].start()
        let order = sides[which].order(at: cursor)
        sides[which].fill(at: cursor, order.remaining)
        return order
    }

    /// Removes every order submitted before `interval`, returning them by order number.
    mutating func expire(before interval: Int) -> [Order] {
        let gone =
            sides[0].removeAll(submittedBefore: interval)
            + sides[1].removeAll(submittedBefore: interval)
        return gone.sorted { $0.id < $1.id }
    }

    /// Whether the best bid is at or above the best ask.
    public var isCrossed: Bool {
        guard count(.buy) > 0 && count(.sell) > 0 else { return false }
        return best(.buy).limit >= best(.sell).limit
    }

    /// The orders of `side` in priority order (checkpoints, tests).
    public func orders(_ side: Side) -> [Order] {
        var orders: [Order] = []
        orders.reserveCapacity(count(side))
        let which = index(side)
        var cursor = sides[which].start()
        while cursor.level != nil {
            orders.append(sides[which].order(at: cursor))
            sides[which].advance(&cursor)
        }
        return orders
    }

    public var bids: [Order] { orders(.buy) }
    public var asks: [Order] { orders(.sell) }

    /// A reader of `side` in priority order (the planner bound walks the book it saw).
    func reader(_ side: Side) -> BookSide.Reader {
        BookSide.Reader(side: sides[index(side)])
    }
}

/// One side of the book: price levels indexed by tick, each a queue stored as columns.
struct BookSide: Sendable {
    struct Level: Sendable {
        var ids: [UInt64] = []
        var agents: [Int32] = []
        var limits: [Int64] = []
        var remaining: [Int64] = []
        var intervals: [Int32] = []
        /// Orders before `head` have left.
        var head = 0

        var count: Int { ids.count - head }

        mutating func append(_ order: Order) {
            ids.append(order.id)
            agents.append(Int32(order.agent))
            limits.append(order.limit)
            remaining.append(order.remaining)
            intervals.append(Int32(order.interval))
        }

        /// Drops the order at the head.
        mutating func popFront() {
            head += 1
            if head == ids.count {
                self = Level()
            } else if head >= 64 && head * 2 >= ids.count {
                ids.removeFirst(head)
                agents.removeFirst(head)
                limits.removeFirst(head)
                remaining.removeFirst(head)
                intervals.removeFirst(head)
                head = 0
            }
        }

        /// Removes the order at position `index` (not the head: the skip-best canary).
        mutating func remove(at index: Int) {
            ids.remove(at: index)
            agents.remove(at: index)
            limits.remove(at: index)
            remaining.remove(at: index)
            intervals.remove(at: index)
        }
    }

    /// A position: a level's tick and an index into its columns (nil level: past the end).
    struct Cursor {
        var level: Int?
        var index: Int
    }

    let buying: Bool
    var levels: [Level] = []
    /// Tick of the best non-empty level (meaningless when `count` is 0).
    var bestTick = 0
    var count = 0

    init(buying: Bool) { self.buying = buying }

    /// The next non-empty level after `tick` in priority order (down for bids, up for asks).
    func nextLevel(after tick: Int) -> Int? {
        var next = buying ? tick - 1 : tick + 1
        while next >= 0 && next < levels.count {
            if levels[next].count > 0 { return next }
            next += buying ? -1 : 1
        }
        return nil
    }

    func start() -> Cursor {
        count == 0
            ? Cursor(level: nil, index: 0) : Cursor(level: bestTick, index: levels[bestTick].head)
    }

    func advance(_ cursor: inout Cursor) {
        guard let tick = cursor.level else { return }
        cursor.index += 1
        if cursor.index == levels[tick].ids.count {
            cursor.level = nextLevel(after: tick)
            if let next = cursor.level { cursor.index = levels[next].head }
        }
    }

    func order(at cursor: Cursor) -> Order {
        let level = levels[cursor.level!]
        let at = cursor.index
        return Order(
            id: level.ids[at], agent: Int(level.agents[at]), side: buying ? .buy : .sell,
            limit: level.limits[at], quoted: level.limits[at], remaining: level.remaining[at],
            interval: Int(level.intervals[at]))
    }

    @inline(__always)
    func scan(limit: Int, _ body: (Int64, Int64) -> Bool) {
        guard count > 0 && limit > 0 else { return }
        var left = limit
        var tick: Int? = bestTick
        while let current = tick {
            let done = levels[current].limits.withUnsafeBufferPointer { limits in
                levels[current].remaining.withUnsafeBufferPointer { remaining in
                    var at = levels[current].head
                    let end = limits.count
                    while at < end {
                        if !body(limits[at], remaining[at]) { return true }
                        left -= 1
                        if left == 0 { return true }
                        at += 1
                    }
                    return false
                }
            }
            if done { return }
            tick = nextLevel(after: current)
        }
    }

    /// `scan` without an early stop (a loop the compiler can vectorize).
    @inline(__always)
    func scanAll(limit: Int, _ body: (Int64, Int64) -> Void) {
        guard count > 0 && limit > 0 else { return }
        var left = limit
        var tick: Int? = bestTick
        while let current = tick, left > 0 {
            levels[current].limits.withUnsafeBufferPointer { limits in
                levels[current].remaining.withUnsafeBufferPointer { remaining in
                    let start = levels[current].head
                    let end = min(limits.count, start + left)
                    for at in start..<end { body(limits[at], remaining[at]) }
                    left -= end - start
                }
            }
            tick = nextLevel(after: current)
        }
    }

    mutating func append(_ order: Order) {
        let tick = Int(order.limit / ElectricityConfig.tick)
        if tick >= levels.count {
            levels.append(contentsOf: repeatElement(Level(), count: tick + 1 - levels.count))
        }
        levels[tick].append(order)
        if count == 0 || (buying ? tick > bestTick : tick < bestTick) { bestTick = tick }
        count += 1
    }

    /// Fills `quantity` of the order at `cursor`, removing it when it is filled.
    mutating func fill(at cursor: Cursor, _ quantity: Int64) {
        let tick = cursor.level!
        levels[tick].remaining[cursor.index] -= quantity
        guard levels[tick].remaining[cursor.index] == 0 else { return }
        if cursor.index == levels[tick].head {
            levels[tick].popFront()
        } else {
            levels[tick].remove(at: cursor.index)
        }
        count -= 1
        if levels[tick].count == 0 && tick == bestTick, count > 0 {
            bestTick = nextLevel(after: tick)!
        }
    }

    mutating func removeAll(submittedBefore interval: Int) -> [Order] {
        var gone: [Order] = []
        for tick in levels.indices where levels[tick].count > 0 {
            var kept = Level()
            for at in levels[tick].head..<levels[tick].ids.count {
                let order = self.order(at: Cursor(level: tick, index: at))
                if order.interval < interval { gone.append(order) } else { kept.append(order) }
            }
            levels[tick] = kept
        }
        count -= gone.count
        if count > 0 {
            let first = buying ? levels.count : -1
            bestTick = nextLevel(after: first)!
        }
        return gone
    }

    /// Reads a side in priority order as (price, quantity), taking quantities off as a planner
    /// would, without changing the book.
    struct Reader {
        let side: BookSide
        var cursor: Cursor
        var used: Int64 = 0

        init(side: BookSide) {
            self.side = side
            cursor = side.start()
        }

        var head: PricedQuantity? {
            guard let tick = cursor.level else { return nil }
            let level = side.levels[tick]
            return PricedQuantity(
                price: level.limits[cursor.index], quantity: level.remaining[cursor.index] - used)
        }

        mutating func take(_ quantity: Int64) {
            guard let tick = cursor.level else { return }
            used += quantity
            if used == side.levels[tick].remaining[cursor.index] {
                used = 0
                side.advance(&cursor)
            }
        }
    }
}
