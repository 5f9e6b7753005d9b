import RTBCore
import RTBTrace

/// Checks a P2P electricity run from its events alone. It keeps its own book (orders by id,
/// each side a priority list read lazily from the best end), so it knows at every trade which
/// order was best; it recomputes every interval's accounts and planner bound from the orders
/// it saw, and the agents' needs from the recorded profiles.
public final class ElectricityChecker: ModelChecker {
    public static let invariants = [
        InvariantInfo(
            name: "price-time-priority",
            summary: "every fill is against the best resting opposite order (price, then arrival)"),
        InvariantInfo(
            name: "maker-price",
            summary:
                "CDA fills at the resting order's limit, pay-as-ask fills at the ask; every fill within both limits"
        ),
        InvariantInfo(
            name: "book-uncrossed",
            summary:
                "after each order is matched (CDA) and after each batch (call, unless the cap stopped it) best bid < best ask"
        ),
        InvariantInfo(
            name: "energy-conserved",
            summary:
                "orders within the agent's net need on its side; fills within both orders' remaining quantity"
        ),
        InvariantInfo(
            name: "cap-respected",
            summary: "with an enforced feeder cap, each interval trades at most the cap's energy"),
        InvariantInfo(
            name: "interval-accounts",
            summary:
                "each interval's trades, volumes, welfare, prices and planner bound equal the checker's own"
        ),
        InvariantInfo(
            name: "w-hat-at-most-one",
            summary:
                "with the bound at tick prices (and any cap enforced) W <= bound in every interval"),
        InvariantInfo(
            name: "tick-limit",
            summary: "every limit is its quoted price rounded to the 0.1 c tick, and not negative"),
        InvariantInfo(
            name: "uniform-price",
            summary:
                "a uniform call auction trades at one price per interval, within every matched limit"
        ),
    ]

    struct Resting {
        var rested = false
        var agent: Int
        var side: Side
        var limit: Int64
        var quoted: Int64
        var remaining: Int64
        var interval: Int
    }

    let config: ElectricityConfig
    let runFinished: Bool
    public private(set) var tally = CheckTally(invariants: ElectricityChecker.invariants)
    var lastSequence: UInt64 = 0
    var opened: MarketOpened?
    var nets: [[Int64]] = []
    var rules: [DecisionRule] = []
    /// Every order still holding quantity, by id.
    var orders: [UInt64: Resting] = [:]  // determinism-ok: looked up by key; only counted
    var book = Book()
    var startTaken = false
    var nextOrder: UInt64 = 0
    /// The CDA order being matched (it rests once the next event shows it is done).
    var incoming: UInt64?
    var interval = 0
    /// The resting depth at the interval's start, (price, quantity) per side.
    var startBook: [[(Int64, Int64)]] = [[], []]
    var newOrders: [Resting] = []
    var submittedByAgent: [Int: Int64] = [:]  // determinism-ok: looked up by key
    var accounts = Sums()
    var totals = ElectricityTotals()
    var decisions: [Int64] = []
    var offers: [Int64] = []
    var calls: [Int64] = []
    var tradePrices: [(price: Int64, buyLimit: Int64, sellLimit: Int64, sequence: UInt64)] = []

    struct Sums {
        var trades: Int64 = 0
        var traded: Int64 = 0
        var postedBuy: Int64 = 0
        var postedSell: Int64 = 0
        var welfare: Int64 = 0
        var priceSum: Int64 = 0
        var priceSquares: UInt64 = 0
    }

    public init(config: ElectricityConfig, runFinished: Bool = true) {
        self.config = config
        self.runFinished = runFinished
    }

    var capEnforced: Bool { opened?.capEnforced ?? false }

    public func observe(_ event: PowerEvent, sequence: UInt64, size: Int) {
        lastSequence = sequence
        switch event.body {
        case .marketOpened(let market):
            opened = market
            decisions = Array(repeating: 0, count: market.agents)
            offers = decisions
            calls = decisions
        case .prosumerDrawn(let prosumer):
            nets.append(prosumer.net)
            rules.append(prosumer.rule)
        case .orderSubmitted(let order):
            settleIncoming(at: sequence)
            submitted(order, at: sequence)
        case .trade(let trade):
            traded(trade, at: sequence)
        case .orderRemoved(let removal):
            if removal.order == incoming { incoming = nil }
            if let order = orders[removal.order], order.rested {
                book.take(order.remaining, of: order)
            }
            orders[removal.order] = nil
        case .intervalCleared(let cleared):
            settleIncoming(at: sequence)
            close(cleared, at: sequence)
        }
    }

    func submitted(_ order: OrderSubmitted, at sequence: UInt64) {
        tally.count(
            7, holds: order.limit >= 0 && order.limit == order.quoted.tickRounded, at: sequence,
            witness:
                "order \(order.order) has limit \(order.limit) for quoted price \(order.quoted)")
        if !startTaken { takeStartBook() }
        let agent = order.agent
        if agent < decisions.count, order.action != .remainder {
            decisions[agent] += 1
            offers[agent] += order.offersSeen
            calls[agent] += order.solverCalls
        }
        if agent < rules.count, rules[agent] != .zeroIntelligence, interval < nets[agent].count {
            let need = nets[agent][interval]
            let total = submittedByAgent[agent, default: 0] + order.quantity
            submittedByAgent[agent] = total
            tally.count(
                3, holds: (need > 0) == (order.side == .buy) && need != 0 && total <= abs(need),
                at: sequence,
                witness:
                    "agent \(agent) submitted \(total) micro-kWh (\(order.side)) in interval \(interval) with a net need of \(need)"
            )
        }
        nextOrder = order.order + 1
        let resting = Resting(
            agent: agent, side: order.side, limit: order.limit,
            quoted: config.semantics.boundAtTick || config.mechanism == .call
                ? order.limit : order.quoted,
            remaining: order.quantity, interval: interval)
        newOrders.append(resting)
        if order.side == .buy {
            accounts.postedBuy += order.quantity
        } else {
            accounts.postedSell += order.quantity
        }
        orders[order.order] = Resting(
            agent: agent, side: order.side, limit: order.limit, quoted: order.quoted,
            remaining: order.quantity, interval: interval)
        if config.mechanism == .call {
            rest(order.order)
        } else {
            incoming = order.order
        }
    }

    /// The resting depth before the interval's first order: the planner bound's book.
    func takeStartBook() {
        startTaken = true
        startBook = [book.depth(.buy), book.depth(.sell)]
    }

    func traded(_ trade: Trade, at sequence: UInt64) {
        accounts.trades += 1
        accounts.traded += trade.quantity
        accounts.welfare += (trade.buyLimit - trade.sellLimit) * trade.quantity
        accounts.priceSum += trade.price
        let ticks = UInt64(max(0, trade.price) / ElectricityConfig.tick)
        accounts.priceSquares &+= ticks &* ticks
        tradePrices.append((trade.price, trade.buyLimit, trade.sellLimit, sequence))
        guard let buy = orders[trade.buyOrder], let sell = orders[trade.sellOrder] else {
            tally.count(
                3, holds: false, at: sequence,
                witness:
                    "trade between orders \(trade.buyOrder) and \(trade.sellOrder), one of which holds nothing"
            )
            return
        }
        tally.count(
            1,
            holds: trade.buyLimit == buy.limit && trade.sellLimit == sell.limit
                && trade.price <= buy.limit && trade.price >= sell.limit,
            at: sequence,
            witness:
                "trade at \(trade.price) between limits \(trade.buyLimit)/\(trade.sellLimit) (orders: \(buy.limit)/\(sell.limit))"
        )
        if config.mechanism == .cda {
            let makerID = trade.buyOrder == incoming ? trade.sellOrder : trade.buyOrder
            let makerSide: Side = makerID == trade.buyOrder ? .buy : .sell
            let best = bestResting(makerSide)
            tally.count(
                0, holds: best == makerID && incoming != nil, at: sequence,
                witness:
                    "order \(incoming.map(String.init) ?? "none") filled against \(makerID) while \(best.map(String.init) ?? "none") was best"
            )
            tally.count(
                1, holds: trade.price == (makerSide == .buy ? buy.limit : sell.limit), at: sequence,
                witness:
                    "CDA fill at \(trade.price), the maker's limit is \(makerSide == .buy ? buy.limit : sell.limit)"
            )
        } else {
            let bestBid = bestResting(.buy)
            let bestAsk = bestResting(.sell)
            tally.count(
                0, holds: bestBid == trade.buyOrder && bestAsk == trade.sellOrder, at: sequence,
                witness:
                    "batch paired \(trade.buyOrder)/\(trade.sellOrder) while \(bestBid.map(String.init) ?? "none")/\(bestAsk.map(String.init) ?? "none") were best"
            )
            if config.pricing == .payAsAsk {
                tally.count(
                    1, holds: trade.price == sell.limit, at: sequence,
                    witness: "pay-as-ask fill at \(trade.price), the ask is \(sell.limit)")
            }
        }
        tally.count(
            3,
            holds: trade.quantity > 0 && trade.quantity <= buy.remaining
                && trade.quantity <= sell.remaining,
            at: sequence,
            witness:
                "fill of \(trade.quantity) with \(buy.remaining) bid and \(sell.remaining) offered")
        fill(trade.buyOrder, trade.quantity)
        fill(trade.sellOrder, trade.quantity)
    }

    func fill(_ id: UInt64, _ quantity: Int64) {
        guard var order = orders[id] else { return }
        if order.rested { book.take(quantity, of: order) }
        order.remaining -= quantity
        orders[id] = order.remaining > 0 ? order : nil
    }

    /// The best order still resting on `side`.
    func bestResting(_ side: Side) -> UInt64? {
        book.best(side) { orders[$0] != nil }
    }

    func rest(_ id: UInt64) {
        guard var order = orders[id] else { return }
        order.rested = true
        orders[id] = order
        book.rest(id, order)
    }

    func settleIncoming(at sequence: UInt64) {
        guard let id = incoming else { return }
        incoming = nil
        rest(id)
        checkUncrossed(at: sequence, reason: "after order \(id)")
    }

    func checkUncrossed(at sequence: UInt64, reason: String) {
        guard let bid = bestResting(.buy), let ask = bestResting(.sell),
            let bidLimit = orders[bid]?.limit, let askLimit = orders[ask]?.limit
        else {
            tally.count(2, holds: true, at: sequence, witness: "")
            return
        }
        tally.count(
            2, holds: bidLimit < askLimit, at: sequence,
            witness:
                "best bid \(bidLimit) (order \(bid)) >= best ask \(askLimit) (order \(ask)) \(reason)"
        )
    }

    func close(_ cleared: IntervalCleared, at sequence: UInt64) {
        if !startTaken { takeStartBook() }
        let capMicroKWh = opened?.capMicroKWh ?? 0
        if config.mechanism == .call
            && !(capEnforced && accounts.traded >= capMicroKWh && capMicroKWh > 0)
        {
            checkUncrossed(at: sequence, reason: "after the batch of interval \(interval)")
        }
        if capEnforced {
            tally.count(
                4, holds: accounts.traded <= capMicroKWh, at: sequence,
                witness:
                    "interval \(interval) traded \(accounts.traded) micro-kWh over a cap of \(capMicroKWh)"
            )
        }
        let bound = Self.bound(
            bids: startBook[0]
                + newOrders.filter { $0.side == .buy }.map { ($0.quoted, $0.remaining) },
            asks: startBook[1]
                + newOrders.filter { $0.side == .sell }.map { ($0.quoted, $0.remaining) },
            cap: capMicroKWh)
        let wHat = bound > 0 ? PlannerBound.ppm(accounts.welfare, of: bound) : 0
        let matches =
            cleared.interval == interval && cleared.trades == accounts.trades
            && cleared.traded == accounts.traded && cleared.postedBuy == accounts.postedBuy
            && cleared.postedSell == accounts.postedSell && cleared.welfare == accounts.welfare
            && cleared.priceSum == accounts.priceSum
            && cleared.priceSquares == accounts.priceSquares
            && cleared.bound == bound && cleared.wHatPpm == wHat
        tally.count(
            5, holds: matches, at: sequence,
            witness:
                "interval \(cleared.interval): recorded trades \(cleared.trades), traded \(cleared.traded), W \(cleared.welfare), bound \(cleared.bound), W-hat \(cleared.wHatPpm); the checker finds \(accounts.trades), \(accounts.traded), \(accounts.welfare), \(bound), \(wHat)"
        )
        if config.semantics.boundAtTick && (capMicroKWh == 0 || capEnforced) {
            tally.count(
                6, holds: cleared.wHatPpm <= 1_000_000 && cleared.welfare <= cleared.bound,
                at: sequence,
                witness:
                    "interval \(cleared.interval): W \(cleared.welfare) above its bound \(cleared.bound) (W-hat \(cleared.wHatPpm) ppm)"
            )
        }
        if config.pricing == .uniform, let first = tradePrices.first {
            let price = cleared.clearingPrice
            for trade in tradePrices {
                tally.count(
                    8,
                    holds: trade.price == price && price == first.price && trade.buyLimit >= price
                        && trade.sellLimit <= price,
                    at: trade.sequence,
                    witness:
                        "interval \(cleared.interval): fill at \(trade.price) (limits \(trade.buyLimit)/\(trade.sellLimit)), the clearing price is \(price)"
                )
            }
        }
        totals.add(
            trades: cleared.trades, traded: cleared.traded, postedBuy: cleared.postedBuy,
            postedSell: cleared.postedSell, welfare: cleared.welfare, bound: cleared.bound,
            wHatPpm: cleared.wHatPpm)
        interval += 1
        accounts = Sums()
        newOrders = []
        startBook = [[], []]
        startTaken = false
        submittedByAgent = [:]
        tradePrices = []
    }

    /// The planner bound, written independently of the engine's: every bid and ask (at its
    /// bound price and full remaining quantity) sorted, and the greedy walk with the cap.
    static func bound(bids: [(Int64, Int64)], asks: [(Int64, Int64)], cap: Int64) -> Int64 {
        var bids = bids
        var asks = asks
        bids.sort { $0.0 > $1.0 }
        asks.sort { $0.0 < $1.0 }
        var i = 0
        var j = 0
        var left = cap > 0 ? cap : Int64.max
        var total: Int64 = 0
        while i < bids.count && j < asks.count && left > 0 && bids[i].0 >= asks[j].0 {
            let quantity = min(bids[i].1, asks[j].1, left)
            total += (bids[i].0 - asks[j].0) * quantity
            bids[i].1 -= quantity
            asks[j].1 -= quantity
            left -= quantity
            if bids[i].1 == 0 { i += 1 }
            if asks[j].1 == 0 { j += 1 }
        }
        return total
    }

    public func finish() {
        if runFinished, let opened {
            tally.count(
                5, holds: interval == opened.intervals && nets.count == opened.agents,
                at: lastSequence,
                witness:
                    "\(interval) of \(opened.intervals) intervals and \(nets.count) of \(opened.agents) prosumers recorded"
            )
        }
    }

    public var summaryMetrics: [NamedMetric] {
        var resting: Int64 = 0
        for order in orders.values where order.rested { resting += 1 }
        return totals.metrics(
            agents: opened?.agents ?? 0, decisions: decisions, offers: offers, calls: calls,
            resting: resting)
    }

    public var notes: [String] {
        config.semantics.boundAtTick
            ? []
            : [
                "w-hat-at-most-one is not checked: the bound prices posted orders before tick rounding (bound_prices unrounded, the reference), so W-hat may pass 1"
            ]
    }
}
