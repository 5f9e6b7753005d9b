import RTBCore
import RTBTrace

/// Scenario A floors that adapt to sell-through (`adaptive_floors`).
///
/// Each product's floor is its registered floor times a factor, 1 at the start of the scenario.
/// At each day's start, a product offered in yesterday's exchange auctions moves its factor by
/// its sell-through (impressions sold in lots over impressions offered in batches): at least 90%
/// sold raises it by 5%, under 50% lowers it by 5% (ppm arithmetic, rounded down), between
/// leaves it; the factor stays within 0.5-2, and the floor is the registered floor x the factor,
/// rounded half to even. The exchange's reserve is then built on the adapted
/// floor (grossed up by the fee with `fee_aware`). Open-traffic auctions keep the registered
/// floors. The engine and the checker run this same rule on the same counts (the checker's from
/// the recorded `BidRequest` and `AuctionCleared` events), so `reserve-rule` verifies it.
public struct AdaptiveFloors: Equatable, Sendable {
    public static let raisePermille: Int64 = 1_050
    public static let lowerPermille: Int64 = 950
    public static let factorRange: ClosedRange<Int64> = 500_000...2_000_000

    /// Per product: the floor factor (ppm) and today's offered and sold impressions.
    public var factors: [Int64]
    public var offered: [Int64]
    public var sold: [Int64]

    public init(products: Int) {
        factors = [Int64](repeating: 1_000_000, count: products)
        offered = [Int64](repeating: 0, count: products)
        sold = offered
    }

    public var isActive: Bool { !factors.isEmpty }

    /// Whether a restored state can be this run's: sized for `products` (or empty), factors
    /// within `factorRange`, counts not negative.
    func isConsistent(products: Int) -> Bool {
        (factors.isEmpty || factors.count == products) && offered.count == factors.count
            && sold.count == factors.count && factors.allSatisfy(Self.factorRange.contains)
            && offered.allSatisfy { $0 >= 0 } && sold.allSatisfy { $0 >= 0 }
    }

    /// A product's floor today.
    public func floor(_ registered: Micros, product: Int) -> Micros {
        guard factors.indices.contains(product) else { return registered }
        return Micros(RoundingRule.saturatingMulDiv(registered.raw, factors[product], 1_000_000))
    }

    /// Books an auction's batch or a lot sold (amounts from the recorded events; saturating, as
    /// the checker folds recorded values).
    public mutating func offer(product: Int, _ impressions: Int64) {
        guard offered.indices.contains(product) else { return }
        offered[product] = offered[product].saturatingPlus(impressions)
    }

    public mutating func sell(product: Int, _ impressions: Int64) {
        guard sold.indices.contains(product) else { return }
        sold[product] = sold[product].saturatingPlus(impressions)
    }

    /// Moves every factor by yesterday's sell-through and starts a new day's counts.
    public mutating func closeDay() {
        for product in factors.indices where offered[product] > 0 {
            let step: Int64 =
                RoundingRule.ratio(sold[product], offered[product], atLeast: 9, over: 10)
                ? Self.raisePermille
                : RoundingRule.ratio(sold[product], offered[product], atLeast: 1, over: 2)
                    ? 1_000 : Self.lowerPermille
            let moved = factors[product] * step / 1_000
            factors[product] = min(
                max(moved, Self.factorRange.lowerBound), Self.factorRange.upperBound)
        }
        for product in factors.indices {
            offered[product] = 0
            sold[product] = 0
        }
    }

    func encode(into writer: inout CanonicalWriter) {
        writer.varint(factors.count)
        for product in factors.indices {
            writer.signedVarint(factors[product])
            writer.signedVarint(offered[product])
            writer.signedVarint(sold[product])
        }
    }

    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> AdaptiveFloors
    {
        var floors = AdaptiveFloors(products: try reader.elementCount())
        for product in floors.factors.indices {
            floors.factors[product] = try reader.signedVarint()
            floors.offered[product] = try reader.signedVarint()
            floors.sold[product] = try reader.signedVarint()
        }
        return floors
    }
}
