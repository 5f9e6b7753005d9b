import RTBCore

/// How a B or C seller prices its answer to an RFP. The RFP states the buyer's maximum CPM, so a
/// seller can price against the demand in front of it instead of its own floor alone.
public enum SellerPricing: UInt8, CaseIterable, Sendable, CustomStringConvertible, WireEnumeration {
    /// The reference's rule (engine 0.1.0): a constant markup, 1.1 x floor rounded to cents,
    /// whatever the buyer would pay (capped at the buyer's max CPM).
    case markup = 0
    /// Split the difference: the midpoint of the seller's floor (its reservation price) and the
    /// buyer's stated max CPM (the buyer's), rounded up to whole cents and capped at the max CPM.
    /// This is the symmetric Nash bargaining price between the two stated reservation values;
    /// the buyer still counters an ask above its acceptance threshold.
    case split = 1

    public var description: String {
        switch self {
        case .markup: return "markup"
        case .split: return "split"
        }
    }

    /// The ask for a product with floor `floor` to a buyer whose max CPM is `maxCPM` (at least
    /// the floor: a seller rejects an RFP below its floor before pricing it).
    public func ask(floor: Micros, maxCPM: Micros) -> Micros {
        switch self {
        case .markup:
            return min(Micros.cents(RoundingRule.mulDiv(floor.raw, 11, 100_000)), maxCPM)
        case .split:
            // (floor + max) / 2 in micros, then up to whole cents; both are below 2^62.
            let midpoint = floor.raw / 2 + maxCPM.raw / 2 + (floor.raw % 2 + maxCPM.raw % 2) / 2
            return min(Micros.cents((midpoint + 9_999) / 10_000), maxCPM)
        }
    }
}
