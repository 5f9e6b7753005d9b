/// What a rule decided: accept (a marketable order at `price` for `quantity`) or post the
/// quote; and what it cost (opposite orders looked at, evaluated).
public struct RuleDecision: Equatable, Sendable {
    public var accepts: Bool
    /// Accept price in micro-cents (the maker's limit, or the agent's quote before rounding).
    public var price: Int64
    public var quantity: Int64
    public var offersSeen: Int64
    public var solverCalls: Int64

    static func post(offersSeen: Int64 = 0, solverCalls: Int64 = 0) -> RuleDecision {
        RuleDecision(
            accepts: false, price: 0, quantity: 0, offersSeen: offersSeen, solverCalls: solverCalls)
    }
}

/// The decision rules of seed 002 (docs/electricity.md, "Agents"), applied to the opposite side
/// of the book in priority order (best first). An order is feasible when its price is at most
/// the quote (a buyer) or at least it (a seller). Each rule looks at exactly the orders the
/// reference's rule looks at: the counts are the study's compute measure.
public enum DecisionRules {
    /// The opposite side as the agent sees it: the whole side (book) or its head (ticker).
    public struct View {
        let book: OrderBook
        let side: Side
        let count: Int

        init(book: OrderBook, side: Side, infoSet: InfoSet) {
            self.book = book
            self.side = side
            let all = book.count(side)
            count = infoSet == .book ? all : min(all, 1)
        }

        /// Looks at every one of the first `limit` orders in priority order.
        @inline(__always)
        func scanAll(_ limit: Int, _ body: (Int64, Int64) -> Void) {
            book.scanAll(side, limit: min(limit, count), body)
        }

        /// Looks at the first `limit` orders in priority order until `body` returns false.
        @inline(__always)
        func scan(_ limit: Int, _ body: (Int64, Int64) -> Bool) {
            book.scan(side, limit: min(limit, count), body)
        }
    }

    /// `rule` for an agent needing `need` micro-kWh (positive: buy) at quote `quote`.
    /// `atQuote`: accepts go at the quote (the paper's wording) instead of the maker's price.
    public static func decide(
        _ rule: DecisionRule, need: Int64, quote: Int64, view: View, tauPpm: Int64, k: Int,
        atQuote: Bool
    ) -> RuleDecision {
        let buying = need > 0
        let wanted = buying ? need : -need
        switch rule {
        case .optimizerGreedy, .kGreedy:
            // Every order in reach is looked at; feasible quantity is added up to the need
            // (adding all of it and taking min(need, sum) below is the same quantity).
            let looked = rule == .kGreedy ? min(k, view.count) : view.count
            var sum: Int64 = 0
            if buying {
                view.scanAll(looked) { price, remaining in sum &+= price <= quote ? remaining : 0 }
            } else {
                view.scanAll(looked) { price, remaining in sum &+= price >= quote ? remaining : 0 }
            }
            let seen = rule == .kGreedy ? Int64(looked) : 0
            let calls = rule == .kGreedy ? 0 : Int64(looked)
            guard sum > 0 else { return .post(offersSeen: seen, solverCalls: calls) }
            return RuleDecision(
                accepts: true, price: quote, quantity: min(wanted, sum), offersSeen: seen,
                solverCalls: calls)
        case .optimizerSingle, .kSearch:
            // The best-priced feasible order among those in reach (the first on ties).
            let looked = rule == .kSearch ? min(k, view.count) : view.count
            var chosen: (price: Int64, remaining: Int64)?
            view.scan(looked) { price, remaining in
                if buying ? price <= quote : price >= quote {
                    if let best = chosen, !(buying ? price < best.price : price > best.price) {
                        return true
                    }
                    chosen = (price, remaining)
                }
                return true
            }
            let seen = rule == .kSearch ? Int64(looked) : 0
            let calls = rule == .kSearch ? 0 : Int64(looked)
            guard let chosen else { return .post(offersSeen: seen, solverCalls: calls) }
            return RuleDecision(
                accepts: true, price: atQuote ? quote : chosen.price,
                quantity: min(wanted, chosen.remaining), offersSeen: seen, solverCalls: calls)
        case .band:
            // The first feasible order within tau of the quote: |p - q| / q <= tau, that is
            // |p - q| x 10^6 <= tau_ppm x q, so |p - q| <= floor(tau_ppm x q / 10^6) (prices
            // and tau are bounded by the config, so the product fits in 64 bits).
            var seen: Int64 = 0
            var chosen: (price: Int64, remaining: Int64)?
            let reach = tauPpm * quote / 1_000_000
            let low = buying ? quote - reach : quote
            let high = buying ? quote : quote + reach
            view.scan(view.count) { price, remaining in
                seen += 1
                if price >= low && price <= high {
                    chosen = (price, remaining)
                    return false
                }
                return true
            }
            guard let chosen else { return .post(offersSeen: seen) }
            return RuleDecision(
                accepts: true, price: atQuote ? quote : chosen.price,
                quantity: min(wanted, chosen.remaining), offersSeen: seen, solverCalls: 0)
        case .zeroIntelligence, .learner:
            return .post()
        }
    }
}

/// An epsilon-greedy learner's memory: per price offset (-2, -1, 0, +1, +2 cents, added to a
/// buyer's quote and taken from a seller's: positive is more aggressive) how often it was
/// played and the surplus it earned, in micro-cents x micro-kWh / 10^6.
public struct LearnerMemory: Equatable, Sendable {
    public static let offsets: [Int64] = [-2_000_000, -1_000_000, 0, 1_000_000, 2_000_000]
    public static let epsilon = 0.1

    public var plays: [Int64] = Array(repeating: 0, count: 5)
    public var surplus: [Int64] = Array(repeating: 0, count: 5)
    public var updates: Int64 = 0

    public init() {}

    /// The arm to play: with probability epsilon a uniform one, otherwise the best mean
    /// surplus (an unplayed arm first; ties to the lower index).
    public func choose(explore: Bool, uniform: Int) -> Int {
        if explore { return uniform }
        var best = 0
        for arm in 0..<5 {
            if plays[arm] == 0 { return arm }
            // mean(arm) > mean(best) <=> surplus[arm] * plays[best] > surplus[best] * plays[arm]
            let left = surplus[arm].multipliedFullWidth(by: plays[best])
            let right = surplus[best].multipliedFullWidth(by: plays[arm])
            if left.high > right.high || (left.high == right.high && left.low > right.low) {
                best = arm
            }
        }
        return best
    }

    public mutating func update(arm: Int, surplus earned: Int64) {
        plays[arm] += 1
        surplus[arm] += earned
        updates += 1
    }
}
