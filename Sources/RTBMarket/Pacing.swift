import RTBCore

/// How a scenario A campaign spreads its daily target over the day's twelve auction rounds
/// (every two hours). A round's allowance caps what the campaign asks for in each auction of
/// the round, less what it already bought today; what it fails to buy carries over to the
/// later rounds of the day.
public enum Pacing: UInt8, CaseIterable, Sendable, CustomStringConvertible, WireEnumeration {
    /// The reference's rule (engine 0.1.0): at most a third of the daily target per auction,
    /// until the target is met, so most of it is bought in the first rounds of the day.
    case reference = 0
    /// No cap: the whole rest of the daily target in every auction.
    case asap = 1
    /// Equal allowances: by the end of round r (1...12), r/12 of the daily target.
    case even = 2
    /// Against the inventory profile: by the end of the round covering hours up to h, the
    /// share of a day's traffic that falls before h (`MarketEngine.hourWeights`).
    case profile = 3

    public var description: String {
        switch self {
        case .reference: return "reference"
        case .asap: return "asap"
        case .even: return "even"
        case .profile: return "profile"
        }
    }

    /// The impressions a campaign with `target` for the day and `bought` so far asks for in an
    /// auction of the round starting at `hour`.
    func want(target: Int64, bought: Int64, hour: Int) -> Int64 {
        let left = target - bought
        let roundEnd = hour + MarketEngine.exchangeRoundHours
        switch self {
        case .reference:
            let perAuction = MarketEngine.auctionsPerDayTarget
            return min(left, (target + perAuction - 1) / perAuction)
        case .asap:
            return left
        case .even:
            let rounds = Int64(24 / MarketEngine.exchangeRoundHours)
            let elapsed = Int64(roundEnd / MarketEngine.exchangeRoundHours)
            return min(left, Self.ceilShare(target, elapsed, rounds) - bought)
        case .profile:
            let before = MarketEngine.hourWeights.prefix(min(24, roundEnd)).reduce(0, +)
            return min(left, Self.ceilShare(target, before, MarketEngine.hourWeightTotal) - bought)
        }
    }

    /// ceil(value x part / whole).
    static func ceilShare(_ value: Int64, _ part: Int64, _ whole: Int64) -> Int64 {
        (value * part + whole - 1) / whole
    }
}
