import RTBCore
import RTBTrace

/// A run's running totals over its intervals; the summary metrics come from them and the
/// per-agent decision counts, the same whether taken from the engine or from the events.
public struct ElectricityTotals: Equatable, Sendable {
    public var intervals: Int64 = 0
    public var trades: Int64 = 0
    public var traded: Int64 = 0
    public var postedBuy: Int64 = 0
    public var postedSell: Int64 = 0
    /// Reference definitions: max(0, posted buy - traded), max(0, posted sell - traded).
    public var unserved: Int64 = 0
    public var curtailed: Int64 = 0
    /// Sums of W and the bound, in micro-cents x micro-kWh / 10^6 (micro-cents x kWh).
    public var welfare: Int64 = 0
    public var bound: Int64 = 0
    public var wHatPpmSum: Int64 = 0
    public var activeIntervals: Int64 = 0
    public var aboveOne: Int64 = 0

    public init() {}

    mutating func add(
        _ accounts: IntervalAccounts, welfare w: Int64, bound b: Int64, wHatPpm: Int64
    ) {
        add(
            trades: accounts.trades, traded: accounts.traded, postedBuy: accounts.postedBuy,
            postedSell: accounts.postedSell, welfare: w, bound: b, wHatPpm: wHatPpm)
    }

    public mutating func add(
        trades: Int64, traded: Int64, postedBuy: Int64, postedSell: Int64, welfare w: Int64,
        bound b: Int64, wHatPpm: Int64
    ) {
        intervals += 1
        self.trades += trades
        self.traded += traded
        self.postedBuy += postedBuy
        self.postedSell += postedSell
        unserved += max(0, postedBuy - traded)
        curtailed += max(0, postedSell - traded)
        welfare += w / 1_000_000
        bound += b / 1_000_000
        wHatPpmSum += wHatPpm
        if b > 0 { activeIntervals += 1 }
        if wHatPpm > 1_000_000 { aboveOne += 1 }
    }

    /// The named summary metrics. Per-agent means (offers seen, solver calls) are the mean over
    /// agents of each agent's mean per decision, in thousandths.
    public func metrics(
        agents: Int, decisions: [Int64], offers: [Int64], calls: [Int64], resting: Int64
    ) -> [NamedMetric] {
        func meanOfMeans(_ values: [Int64]) -> Int64 {
            var deciding = 0
            var sum = 0.0
            for agent in values.indices where decisions[agent] > 0 {
                deciding += 1
                sum += Double(values[agent]) / Double(decisions[agent])
            }
            return deciding == 0 ? 0 : Int64((sum / Double(deciding) * 1_000).rounded())
        }
        return [
            NamedMetric("agents", Int64(agents)),
            NamedMetric("intervals", intervals),
            NamedMetric("decisions", decisions.reduce(0, +)),
            NamedMetric("trades", trades),
            NamedMetric("traded_micro_kwh", traded),
            NamedMetric("posted_buy_micro_kwh", postedBuy),
            NamedMetric("posted_sell_micro_kwh", postedSell),
            NamedMetric("unserved_micro_kwh", unserved),
            NamedMetric("curtailed_micro_kwh", curtailed),
            NamedMetric("welfare_microcent_kwh", welfare),
            NamedMetric("bound_microcent_kwh", bound),
            NamedMetric("w_hat_mean_ppm", intervals == 0 ? 0 : wHatPpmSum / intervals),
            NamedMetric("active_intervals", activeIntervals),
            NamedMetric("w_hat_above_one", aboveOne),
            NamedMetric("offers_seen_milli", meanOfMeans(offers)),
            NamedMetric("solver_calls_milli", meanOfMeans(calls)),
            NamedMetric("resting_orders", resting),
        ]
    }
}
