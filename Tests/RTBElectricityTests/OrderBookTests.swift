import RTBCore
import RTBTrace
import Testing

@testable import RTBElectricity

/// A deliberately simple matcher for the property tests: resting orders in one list, the best
/// opposite order found by a linear scan (price, then arrival) for every fill.
struct ReferenceMatcher {
    struct Resting {
        var id: UInt64
        var side: Side
        var limit: Int64
        var remaining: Int64
    }

    var resting: [Resting] = []

    /// The fills (buy id, sell id, price, quantity) of an arriving order, which then rests.
    mutating func arrive(id: UInt64, side: Side, limit: Int64, quantity: Int64)
        -> [[Int64]]
    {
        var fills: [[Int64]] = []
        var left = quantity
        while left > 0 {
            var best: Int?
            for (index, order) in resting.enumerated() where order.side != side {
                let crosses = side == .buy ? order.limit <= limit : order.limit >= limit
                guard crosses else { continue }
                if let current = best {
                    let other = resting[current]
                    let better =
                        side == .buy
                        ? (order.limit < other.limit
                            || (order.limit == other.limit && order.id < other.id))
                        : (order.limit > other.limit
                            || (order.limit == other.limit && order.id < other.id))
                    if better { best = index }
                } else {
                    best = index
                }
            }
            guard let maker = best else { break }
            let quantity = min(left, resting[maker].remaining)
            let buy = side == .buy ? id : resting[maker].id
            let sell = side == .buy ? resting[maker].id : id
            fills.append([Int64(buy), Int64(sell), resting[maker].limit, quantity])
            left -= quantity
            resting[maker].remaining -= quantity
            if resting[maker].remaining == 0 { resting.remove(at: maker) }
        }
        if left > 0 { resting.append(Resting(id: id, side: side, limit: limit, remaining: left)) }
        return fills
    }
}

/// A run to drive the market's matching directly (no agents decide).
func bareRun(_ mechanism: Mechanism, pricing: CallPricing = .payAsAsk) -> ElectricityRun {
    var config = ElectricityConfig()
    config.agents = 10
    config.intervals = 1
    config.mechanism = mechanism
    config.pricing = pricing
    let run = ElectricityRun(
        config: config,
        environment: RunEnvironment(
            sink: NullSink(), shared: MemoryFrameStore(), layout: FrameLayout()))
    return run
}

/// The trades a run has emitted so far, decoded from its pending events.
func emittedTrades(_ run: ElectricityRun) throws -> [Trade] {
    var reader = CanonicalReader(run.log.pendingBytes)
    var trades: [Trade] = []
    while !reader.isAtEnd {
        if case .trade(let trade) = try PowerEvent.decode(from: &reader).body {
            trades.append(trade)
        }
    }
    return trades
}

/// Random order streams: the CDA's fills (maker, price, quantity, order) and the resting book
/// equal the simple matcher's, for 300 streams of 200 orders on a narrow price grid (many
/// ties, partial fills, sweeps across several makers).
@Test func theCDAMatchesLikeASimpleReferenceMatcher() throws {
    var random = RandomStream(seed: 2, key: StreamKey("electricity-book-property"))
    for _ in 0..<300 {
        let run = bareRun(.cda)
        var reference = ReferenceMatcher()
        var expected: [[Int64]] = []
        for index in 0..<200 {
            let side: Side = random.chance(0.5) ? .buy : .sell
            let limit = random.int(in: Int64(150)...Int64(170)) * ElectricityConfig.tick
            let quantity = random.int(in: Int64(1)...Int64(5)) * 100_000
            run.submitOrder(agent: index % 10, side: side, price: limit, quantity: quantity)
            expected += reference.arrive(
                id: UInt64(index), side: side, limit: limit, quantity: quantity)
        }
        let actual = try emittedTrades(run).map {
            [Int64($0.buyOrder), Int64($0.sellOrder), $0.price, $0.quantity]
        }
        #expect(actual == expected)
        let resting = (run.book.bids + run.book.asks).map(\.id).sorted()
        #expect(resting == reference.resting.map(\.id).sorted())
        #expect(!run.book.isCrossed)
    }
}

/// The uniform call auction trades the crossing quantity of the aggregate curves (the largest
/// min(demand(p), supply(p)) over every price) at one price within every matched limit, and
/// pay-as-ask trades the same quantity at each ask.
@Test func theUniformCallAuctionClearsTheCrossingQuantity() throws {
    var random = RandomStream(seed: 3, key: StreamKey("electricity-call-property"))
    for round in 0..<200 {
        var limits: [(Side, Int64, Int64)] = []
        for _ in 0..<random.int(in: 1...60) {
            limits.append(
                (
                    random.chance(0.5) ? .buy : .sell,
                    random.int(in: Int64(140)...Int64(180)) * ElectricityConfig.tick,
                    random.int(in: Int64(1)...Int64(9)) * 100_000
                ))
        }
        var crossing: Int64 = 0
        for (_, price, _) in limits {
            let demand = limits.filter { $0.0 == .buy && $0.1 >= price }.reduce(0) { $0 + $1.2 }
            let supply = limits.filter { $0.0 == .sell && $0.1 <= price }.reduce(0) { $0 + $1.2 }
            crossing = max(crossing, min(demand, supply))
        }
        for pricing in [CallPricing.uniform, .payAsAsk] {
            let run = bareRun(.call, pricing: pricing)
            for (index, (side, price, quantity)) in limits.enumerated() {
                run.submitOrder(agent: index % 10, side: side, price: price, quantity: quantity)
            }
            run.clearBatch()
            let trades = try emittedTrades(run)
            #expect(trades.reduce(0) { $0 + $1.quantity } == crossing, "round \(round) \(pricing)")
            #expect(!run.book.isCrossed)
            if pricing == .uniform {
                let price = run.current.clearingPrice
                #expect(
                    trades.allSatisfy {
                        $0.price == price && $0.buyLimit >= price && $0.sellLimit <= price
                    })
                #expect(price % ElectricityConfig.tick == 0)
            } else {
                #expect(trades.allSatisfy { $0.price == $0.sellLimit })
            }
        }
    }
}

/// The planner bound is the best matching: on small random books it equals the best of every
/// way to pair unit quantities (brute force over prefixes), and the cap keeps the largest
/// spreads.
@Test func thePlannerBoundIsTheGreatestQuoteWelfare() {
    var random = RandomStream(seed: 4, key: StreamKey("electricity-bound"))
    for _ in 0..<300 {
        let bids = (0..<random.int(in: 0...6)).map { _ in
            PricedQuantity(
                price: random.int(in: Int64(10)...Int64(30)),
                quantity: random.int(in: Int64(1)...Int64(4)))
        }
        let asks = (0..<random.int(in: 0...6)).map { _ in
            PricedQuantity(
                price: random.int(in: Int64(10)...Int64(30)),
                quantity: random.int(in: Int64(1)...Int64(4)))
        }
        let cap = random.int(in: Int64(0)...Int64(12))
        // Unit by unit: the k-th highest bid unit against the k-th lowest ask unit.
        let bidUnits = bids.flatMap { Array(repeating: $0.price, count: Int($0.quantity)) }.sorted(
            by: >)
        let askUnits = asks.flatMap { Array(repeating: $0.price, count: Int($0.quantity)) }.sorted()
        var best: Int64 = 0
        var running: Int64 = 0
        for unit in 0..<min(bidUnits.count, askUnits.count) where cap == 0 || unit < cap {
            running += bidUnits[unit] - askUnits[unit]
            best = max(best, running)
        }
        #expect(PlannerBound.value(book: OrderBook(), buys: bids, sells: asks, cap: cap) == best)
    }
}
