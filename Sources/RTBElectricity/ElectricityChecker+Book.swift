extension ElectricityChecker {
    /// The checker's own book, written apart from the engine's: per side, a queue of order
    /// numbers per price with the quantity resting there, and the prices in ascending order.
    /// Orders that filled or left are dropped from a queue lazily, when they reach its head.
    struct Book {
        struct Level {
            var ids: [UInt64] = []
            var head = 0
            var quantity: Int64 = 0
        }

        /// Per side (0 bids, 1 asks): levels by price, and the prices holding orders, ascending.
        var levels: [[Int64: Level]] = [[:], [:]]  // determinism-ok: looked up by price; read in `prices` order
        var prices: [[Int64]] = [[], []]

        static func index(_ side: Side) -> Int { side == .buy ? 0 : 1 }

        /// Rests an order at the back of its price's queue.
        mutating func rest(_ id: UInt64, _ order: Resting) {
            let side = Self.index(order.side)
            if levels[side][order.limit] == nil {
                var low = 0
                var high = prices[side].count
                while low < high {
                    let middle = (low + high) / 2
                    if prices[side][middle] < order.limit {
                        low = middle + 1
                    } else {
                        high = middle
                    }
                }
                prices[side].insert(order.limit, at: low)
                levels[side][order.limit] = Level()
            }
            levels[side][order.limit]!.ids.append(id)
            levels[side][order.limit]!.quantity += order.remaining
        }

        /// A resting order's quantity leaves (filled or removed).
        mutating func take(_ quantity: Int64, of order: Resting) {
            levels[Self.index(order.side)][order.limit]?.quantity -= quantity
        }

        /// The best live order on `side` (`live` tells whether an order still rests).
        mutating func best(_ side: Side, live: (UInt64) -> Bool) -> UInt64? {
            let index = Self.index(side)
            while let price = side == .buy ? prices[index].last : prices[index].first {
                var level = levels[index][price]!
                while level.head < level.ids.count {
                    if live(level.ids[level.head]) {
                        levels[index][price] = level
                        return level.ids[level.head]
                    }
                    level.head += 1
                }
                levels[index][price] = nil
                if side == .buy { prices[index].removeLast() } else { prices[index].removeFirst() }
            }
            return nil
        }

        /// Every price level with resting quantity, as (price, quantity) per side.
        func depth(_ side: Side) -> [(Int64, Int64)] {
            let index = Self.index(side)
            return prices[index].compactMap { price in
                let quantity = levels[index][price]!.quantity
                return quantity > 0 ? (price, quantity) : nil
            }
        }
    }
}
