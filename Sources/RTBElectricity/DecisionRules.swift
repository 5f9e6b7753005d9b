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

        func order(_ rank: Int) -> Order { book.best(side, rank) }
    }

    /// `rule` for an agent needing `need` micro-kWh (positive: buy) at quote `quote`.
    /// `atQuote`: accepts go at the quote (the paper's wording) instead of the maker's price.
    public static func decide(
        _ rule: DecisionRule, need: Int64, quote: Int64, view: View, tauPpm: Int64, k: Int,
        atQuote: Bool
    ) -> RuleDecision {
        let buying = need > 0
        let wanted = buying ? need : -need
        @inline(__always) func feasible(_ price: Int64) -> Bool {
            buying ? price <= quote : price >= quote
        }
        @inline(__always) func better(_ price: Int64, than other: Int64) -> Bool {
            buying ? price < other : price > other
        }
        func take(_ maker: Order, seen: Int64, calls: Int64) -> RuleDecision {
            RuleDecision(
                accepts: true, price: atQuote ? quote : maker.limit,
                quantity: min(wanted, maker.remaining), offersSeen: seen, solverCalls: calls)
        }
        switch rule {
        case .optimizerGreedy, .kGreedy:
            let looked = rule == .kGreedy ? min(k, view.count) : view.count
            var sum: Int64 = 0
            for rank in 0..<looked {
                let maker = view.order(rank)
                if feasible(maker.limit) && sum < wanted { sum += maker.remaining }
            }
            let seen = rule == .kGreedy ? Int64(looked) : 0
            let calls = rule == .kGreedy ? 0 : Int64(looked)
            guard sum > 0 else { return .post(offersSeen: seen, solverCalls: calls) }
            return RuleDecision(
                accepts: true, price: quote, quantity: min(wanted, sum), offersSeen: seen,
                solverCalls: calls)
        case .optimizerSingle, .kSearch:
            let looked = rule == .kSearch ? min(k, view.count) : view.count
            var chosen: Order?
            for rank in 0..<looked {
                let maker = view.order(rank)
                if feasible(maker.limit),
                    chosen.map({ better(maker.limit, than: $0.limit) }) ?? true
                {
                    chosen = maker
                }
            }
            let seen = rule == .kSearch ? Int64(looked) : 0
            let calls = rule == .kSearch ? 0 : Int64(looked)
            guard let chosen else { return .post(offersSeen: seen, solverCalls: calls) }
            return take(chosen, seen: seen, calls: calls)
        case .band:
            for rank in 0..<view.count {
                let maker = view.order(rank)
                let gap = maker.limit > quote ? maker.limit - quote : quote - maker.limit
                if feasible(maker.limit)
                    && gap.multipliedFullWidth(by: 1_000_000)
                        <= tauPpm.multipliedFullWidth(by: quote)
                {
                    return take(maker, seen: Int64(rank + 1), calls: 0)
                }
            }
            return .post(offersSeen: Int64(view.count))
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
