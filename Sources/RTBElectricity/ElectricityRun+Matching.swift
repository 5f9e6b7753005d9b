import RTBCore
import RTBTrace

extension ElectricityRun {
    /// Continuous matching of an arriving order: while it has quantity and crosses the best
    /// opposite order, it trades with that maker at the maker's limit for the smaller
    /// remaining quantity; what is left rests. With self-trade prevention a resting order of
    /// the same agent is cancelled instead; with an enforced cap, an order still marketable
    /// when the cap is used up is cancelled (it may not rest crossed).
    func match(_ arriving: Order) {
        var order = arriving
        let opposite: Side = order.side == .buy ? .sell : .buy
        if canary == "crossed-book" && interval >= canaryInterval && order.agent == 2 {
            book.insert(order)
            return
        }
        while order.remaining > 0 && book.count(opposite) > 0 {
            // The skip-best canary trades through the best order once an interval.
            let rank =
                canary == "skip-best" && current.trades == 0 && book.count(opposite) > 1
                    && crosses(order, book.best(opposite, 1)) ? 1 : 0
            let maker = book.best(opposite, rank)
            guard crosses(order, maker) else { break }
            if config.semantics.preventsSelfTrade && maker.agent == order.agent {
                removed(book.removeBest(opposite), .selfTrade, quantity: maker.remaining)
                continue
            }
            let quantity = min(order.remaining, maker.remaining, current.capLeft)
            guard quantity > 0 else { break }
            let price =
                canary == "taker-price" && interval == canaryInterval ? order.limit : maker.limit
            let recorded =
                canary == "overfill" && interval == canaryInterval ? quantity + 1 : quantity
            if order.side == .buy {
                trade(buy: order, sell: maker, price: price, quantity: recorded)
            } else {
                trade(buy: maker, sell: order, price: price, quantity: recorded)
            }
            book.fill(opposite, rank: rank, quantity)
            order.remaining -= quantity
        }
        guard order.remaining > 0 else { return }
        if book.count(opposite) > 0 && crosses(order, book.best(opposite)) {
            // Only an exhausted cap stops a marketable order: it may not rest crossed.
            removed(order, .cap, quantity: order.remaining)
            return
        }
        book.insert(order)
    }

    @inline(__always)
    func crosses(_ order: Order, _ maker: Order) -> Bool {
        order.side == .buy ? order.limit >= maker.limit : order.limit <= maker.limit
    }

    /// The call auction's batch: the best bid against the best ask while the bid is at least
    /// the ask, each pair trading the smaller quantity (trimmed to what the cap leaves), at the
    /// ask (pay-as-ask, the reference) or at one uniform price: the midpoint of the last
    /// matched bid and ask, floored to the tick, so every matched bid pays at most its limit
    /// and every matched ask receives at least its own. Rationing is by price, then time
    /// priority. Residual orders rest for the next interval.
    func clearBatch() {
        var price: Int64?
        if config.pricing == .uniform {
            var trial = book
            var capLeft = current.capLeft
            guard let last = batch(&trial, capLeft: &capLeft, recording: false) else { return }
            price = (last.bid + last.ask) / 2 / ElectricityConfig.tick * ElectricityConfig.tick
            current.clearingPrice = price!
        }
        var capLeft = current.capLeft
        _ = batch(&book, capLeft: &capLeft, recording: true, price: price)
    }

    /// One pass of the batch match over `target` (the book itself when `recording`); returns
    /// the limits of the last matched pair.
    func batch(
        _ target: inout OrderBook, capLeft: inout Int64, recording: Bool,
        price uniform: Int64? = nil
    ) -> (bid: Int64, ask: Int64)? {
        var last: (bid: Int64, ask: Int64)?
        var pairs = 0
        while target.count(.buy) > 0 && target.count(.sell) > 0 && capLeft > 0 {
            let bid = target.best(.buy)
            let ask = target.best(.sell)
            guard bid.limit >= ask.limit else { break }
            if config.semantics.preventsSelfTrade && bid.agent == ask.agent {
                let older: Side = bid.id < ask.id ? .buy : .sell
                let gone = target.removeBest(older)
                if recording { removed(gone, .selfTrade, quantity: gone.remaining) }
                continue
            }
            let quantity = min(bid.remaining, ask.remaining, capLeft)
            if recording {
                var paid = uniform ?? ask.limit
                if canary == "split-price" && uniform != nil && pairs == 1 { paid = ask.limit }
                trade(buy: bid, sell: ask, price: paid, quantity: quantity)
            }
            pairs += 1
            target.fill(.buy, quantity)
            target.fill(.sell, quantity)
            capLeft -= quantity
            last = (bid.limit, ask.limit)
        }
        return last
    }
}

/// A price and a quantity (the planner bound's view of an order).
struct PricedQuantity {
    var price: Int64
    var quantity: Int64
}

/// The planner bound of an interval: the greatest quote welfare any matching could reach on
/// the book at the interval's start plus every order submitted in it (at full quantity), with
/// the feeder cap when there is one: bids best first against asks best first while the bid is
/// at least the ask, each pair adding (bid - ask) x quantity (the marginal spreads fall, so
/// the greedy is the optimum, and trimmed at the cap it keeps the largest).
enum PlannerBound {
    static func value(book: OrderBook, buys: [PricedQuantity], sells: [PricedQuantity], cap: Int64)
        -> Int64
    {
        var bids = Merged(
            book: book.reader(.buy), new: buys.sorted { $0.price > $1.price }, buying: true)
        var asks = Merged(
            book: book.reader(.sell), new: sells.sorted { $0.price < $1.price }, buying: false)
        var capLeft = cap > 0 ? cap : .max
        var total: Int64 = 0
        while capLeft > 0, let bid = bids.head, let ask = asks.head, bid.price >= ask.price {
            let quantity = min(bid.quantity, ask.quantity, capLeft)
            total += (bid.price - ask.price) * quantity
            bids.take(quantity)
            asks.take(quantity)
            capLeft -= quantity
        }
        return total
    }

    /// floor(part x 10^6 / whole) for a positive whole.
    static func ppm(_ part: Int64, of whole: Int64) -> Int64 {
        let wide = part.multipliedFullWidth(by: 1_000_000)
        let (quotient, remainder) = whole.dividingFullWidth(wide)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

extension PlannerBound {
    /// One side of the bound: the resting orders merged with the new ones (sorted best
    /// first), read best first (the resting order first on equal prices).
    struct Merged {
        var book: BookSide.Reader
        let new: [PricedQuantity]
        let buying: Bool
        var newIndex = 0
        var newUsed: Int64 = 0

        init(book: BookSide.Reader, new: [PricedQuantity], buying: Bool) {
            self.book = book
            self.new = new
            self.buying = buying
        }

        var fromBook: Bool? {
            let resting = book.head
            let hasNew = newIndex < new.count
            switch (resting, hasNew) {
            case (nil, false): return nil
            case (.some, false): return true
            case (nil, true): return false
            case (.some(let order), true):
                let arriving = new[newIndex].price
                return buying ? order.price >= arriving : order.price <= arriving
            }
        }

        var head: PricedQuantity? {
            guard let fromBook else { return nil }
            return fromBook
                ? book.head
                : PricedQuantity(
                    price: new[newIndex].price, quantity: new[newIndex].quantity - newUsed)
        }

        mutating func take(_ quantity: Int64) {
            guard let fromBook else { return }
            if fromBook {
                book.take(quantity)
            } else {
                newUsed += quantity
                if newUsed == new[newIndex].quantity {
                    newIndex += 1
                    newUsed = 0
                }
            }
        }
    }
}
