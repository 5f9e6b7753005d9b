import RTBCore
import RTBTrace

/// One interval's accounts while it clears.
struct IntervalAccounts {
    var trades: Int64 = 0
    var traded: Int64 = 0
    var postedBuy: Int64 = 0
    var postedSell: Int64 = 0
    var welfare: Int64 = 0
    var priceSum: Int64 = 0
    var priceSquares: UInt64 = 0
    var clearingPrice: Int64 = 0
    /// Energy the cap still allows this interval (no cap until an interval sets it).
    var capLeft: Int64 = .max
    /// New orders at the planner bound's price (quoted or limit) and full quantity.
    var newBuys: [PricedQuantity] = []
    var newSells: [PricedQuantity] = []
    /// Learners' orders this interval: order number -> (agent, arm, quote, surplus so far).
    var learnerOrders: [UInt64: LearnerOrder] = [:]  // determinism-ok: looked up by key, never iterated for output
}

struct LearnerOrder {
    var agent: Int
    var side: Side
    var arm: Int
    var quote: Int64
    /// Micro-cents x micro-kWh / 10^6 earned against the quote.
    var surplus: Int64

    mutating func earn(price: Int64, quantity: Int64) {
        surplus += (side == .buy ? quote - price : price - quote) * quantity / 1_000_000
    }
}

extension ElectricityRun {
    /// Clears one interval (see the type's documentation).
    func clearInterval() {
        current = IntervalAccounts()
        let leaks = canary == "cap-leak" && interval == canaryInterval
        current.capLeft = capEnforced && !leaks ? config.capMicroKWh : .max
        let tick = Int64(interval)
        if config.expiry > 0 && interval > config.expiry {
            for order in book.expire(before: interval - config.expiry) {
                emit(
                    tick: tick,
                    .orderRemoved(
                        OrderRemoved(
                            order: order.id, agent: order.agent, reason: .expired,
                            quantity: order.remaining)))
            }
        }
        let startBook = book
        for agent in decisionOrder() { decide(agent) }
        if config.mechanism == .call { clearBatch() }
        settleLearners()
        let bound = PlannerBound.value(
            book: canary == "bound-skip" && interval == canaryInterval ? OrderBook() : startBook,
            buys: current.newBuys, sells: current.newSells,
            cap: config.capMicroKWh)
        var welfare = current.welfare
        if canary == "inflate-welfare" && interval == canaryInterval { welfare += welfare / 4 + 1 }
        let wHat = bound > 0 ? PlannerBound.ppm(welfare, of: bound) : 0
        totals.add(current, welfare: welfare, bound: bound, wHatPpm: wHat)
        emit(
            tick: tick,
            .intervalCleared(
                IntervalCleared(
                    interval: interval, trades: current.trades, traded: current.traded,
                    postedBuy: current.postedBuy, postedSell: current.postedSell,
                    welfare: welfare, bound: bound, wHatPpm: wHat, priceSum: current.priceSum,
                    priceSquares: current.priceSquares, clearingPrice: current.clearingPrice,
                    restingBids: Int64(book.count(.buy)), restingAsks: Int64(book.count(.sell)))))
        interval += 1
        if interval == config.intervals {
            phase = .done
            fileTimings()
        }
    }

    /// One agent's decision and the order(s) it submits.
    func decide(_ agent: Int) {
        let prosumer = prosumers[agent]
        var need = prosumer.net[interval]
        switch config.rule {
        case .zeroIntelligence:
            let buying = quoteStreams[agent].chance(0.5)
            let price = Int64((quoteStreams[agent].uniform(10, 25) * 1_000_000).rounded())
            record(agent, seen: 0, calls: 0)
            submit(agent, .post, side: buying ? .buy : .sell, price: price, quantity: 500_000)
            return
        case .learner:
            guard need != 0 else { return }
            let quote = prosumer.quote(
                need: need, sigma: config.priceSigma, stream: &quoteStreams[agent])
            let explore = quoteStreams[agent].chance(LearnerMemory.epsilon)
            let uniform = Int(quoteStreams[agent].next(below: 5))
            let arm = timed(agent) { learners[agent].choose(explore: explore, uniform: uniform) }
            let offset = LearnerMemory.offsets[arm]
            let price = max(0, need > 0 ? quote + offset : quote - offset)
            record(agent, seen: 0, calls: 0)
            // Registered before it is submitted: a CDA order fills on arrival.
            current.learnerOrders[nextOrder] = LearnerOrder(
                agent: agent, side: need > 0 ? .buy : .sell, arm: arm, quote: quote, surplus: 0)
            submit(agent, .post, side: need > 0 ? .buy : .sell, price: price, quantity: abs(need))
            return
        case .optimizerGreedy, .optimizerSingle, .band, .kSearch, .kGreedy: break
        }
        guard need != 0 else { return }
        if canary == "over-need" && interval == canaryInterval && agent == 0 {
            need += need > 0 ? 1 : -1
        }
        let quote = prosumer.quote(
            need: need, sigma: config.priceSigma, stream: &quoteStreams[agent])
        let side: Side = need > 0 ? .buy : .sell
        let view = DecisionRules.View(
            book: book, side: side == .buy ? .sell : .buy, infoSet: config.infoSet)
        let decision = timed(agent) {
            DecisionRules.decide(
                config.rule, need: need, quote: quote, view: view, tauPpm: config.tau(of: agent),
                k: config.k(of: agent), atQuote: config.semantics.acceptsAtQuote)
        }
        record(agent, seen: decision.offersSeen, calls: decision.solverCalls)
        let wanted = abs(need)
        if decision.accepts {
            submit(
                agent, .accept, side: side, price: decision.price, quantity: decision.quantity,
                seen: decision.offersSeen, calls: decision.solverCalls)
            if config.semantics.postsRemainder && decision.quantity < wanted {
                submit(
                    agent, .remainder, side: side, price: quote,
                    quantity: wanted - decision.quantity)
            }
            return
        }
        var price = quote
        if config.semantics.postRedraws {
            if config.mechanism == .call {
                // The reference looks the side up with one more quote in call mode.
                _ = prosumer.quote(
                    need: need, sigma: config.priceSigma, stream: &quoteStreams[agent])
            }
            price = prosumer.quote(
                need: need, sigma: config.priceSigma, stream: &quoteStreams[agent])
        }
        submit(
            agent, .post, side: side, price: price, quantity: wanted, seen: decision.offersSeen,
            calls: decision.solverCalls)
    }

    /// An order outside any decision, matched as the mechanism matches (the matching
    /// benchmark and the order-book property tests); returns its number.
    @discardableResult
    public func submitOrder(agent: Int, side: Side, price: Int64, quantity: Int64) -> UInt64 {
        return submit(agent, .post, side: side, price: price, quantity: quantity)
    }

    func record(_ agent: Int, seen: Int64, calls: Int64) {
        agentDecisions[agent] += 1
        agentOffers[agent] += seen
        agentCalls[agent] += calls
    }

    /// Submits an order at `price` (tick-rounded for its limit): recorded, added to the
    /// interval's new orders, and matched on arrival (CDA) or rested for the batch (call).
    @discardableResult
    func submit(
        _ agent: Int, _ action: OrderAction, side: Side, price: Int64, quantity: Int64,
        seen: Int64 = 0, calls: Int64 = 0
    ) -> UInt64 {
        let id = nextOrder
        nextOrder += 1
        var limit = price.tickRounded
        if canary == "off-tick" && interval == canaryInterval && agent == 1 { limit += 1 }
        emit(
            tick: Int64(interval),
            .orderSubmitted(
                OrderSubmitted(
                    order: id, agent: agent, action: action, side: side, limit: limit,
                    quoted: price, quantity: quantity, offersSeen: seen, solverCalls: calls)))
        // The reference's call auction matches the prices its bound sees (W-hat is 0 or 1);
        // only its CDA bound uses the unrounded prices.
        let boundPrice = config.semantics.boundAtTick || config.mechanism == .call ? limit : price
        if side == .buy {
            current.postedBuy += quantity
            current.newBuys.append(PricedQuantity(price: boundPrice, quantity: quantity))
        } else {
            current.postedSell += quantity
            current.newSells.append(PricedQuantity(price: boundPrice, quantity: quantity))
        }
        let order = Order(
            id: id, agent: agent, side: side, limit: limit, quoted: price, remaining: quantity,
            interval: interval)
        if config.mechanism == .call {
            book.insert(order)
        } else {
            match(order)
        }
        return id
    }

    /// Records a fill and its accounts.
    func trade(buy: Order, sell: Order, price: Int64, quantity: Int64) {
        emit(
            tick: Int64(interval),
            .trade(
                Trade(
                    buyOrder: buy.id, sellOrder: sell.id, buyer: buy.agent, seller: sell.agent,
                    price: price, quantity: quantity, buyLimit: buy.limit, sellLimit: sell.limit)))
        current.trades += 1
        current.traded += quantity
        current.capLeft -= quantity
        current.welfare += (buy.limit - sell.limit) * quantity
        current.priceSum += price
        let ticks = UInt64(price / ElectricityConfig.tick)
        current.priceSquares &+= ticks &* ticks
        if !current.learnerOrders.isEmpty {
            for id in [buy.id, sell.id] {
                current.learnerOrders[id]?.earn(price: price, quantity: quantity)
            }
        }
    }

    func removed(_ order: Order, _ reason: RemovalReason, quantity: Int64) {
        emit(
            tick: Int64(interval),
            .orderRemoved(
                OrderRemoved(
                    order: order.id, agent: order.agent, reason: reason, quantity: quantity)))
    }

    /// The learners' rewards: the surplus their orders earned this interval.
    func settleLearners() {
        guard !current.learnerOrders.isEmpty else { return }
        for id in current.learnerOrders.keys.sorted() {
            let order = current.learnerOrders[id]!
            learners[order.agent].update(arm: order.arm, surplus: order.surplus)
        }
    }
}
