import RTBCore

/// One prosumer's day: its net need per interval (load minus PV, micro-kWh; positive buys) and
/// its price premia, drawn from its own stream (seed, "prosumer", index), so a prosumer never
/// depends on how many others there are.
///
/// Load: the diurnal shape 0.3 + 0.5 exp(-(h-8)^2/6) + 0.7 exp(-(h-19)^2/6) over the 288
/// five-minute steps of a day, scaled to 30 kWh x exp(N(0, 0.2^2)). PV: nameplate kW
/// log-normal with median 7.4 and sigma ln(11/5)/1.68324 (20th percentile 5, 80th 11), daily
/// energy nameplate x 24 h x 0.16 spread by exp(-(h-12)^2/8), each step times (1 + N(0, 0.05^2))
/// floored at 0 and capped at nameplate x 5/60 kWh. Premia: clip(0.5 + N(0, 1), 0, 5) cents.
/// Draw order: load scale, nameplate, one noise per step of the run, markup, discount.
public struct Prosumer: Sendable {
    public var net: [Int64]
    public var markup: Int64
    public var discount: Int64

    public static let stepsPerDay = 288

    /// The load and PV shapes over one day, normalised to sum 1 (computed once per run).
    public struct Shapes: Sendable {
        let load: [Double]
        let sun: [Double]

        public init() {
            func hour(_ step: Int) -> Double { Double(step) * 5 / 60 }
            func bump(_ h: Double, _ centre: Double, _ width: Double) -> Double {
                DeterministicMath.exp(-(h - centre) * (h - centre) / width)
            }
            let load = (0..<Prosumer.stepsPerDay).map { step in
                0.3 + 0.5 * bump(hour(step), 8, 6) + 0.7 * bump(hour(step), 19, 6)
            }
            let sun = (0..<Prosumer.stepsPerDay).map { bump(hour($0), 12, 8) }
            let loadTotal = load.reduce(0, +)
            let sunTotal = sun.reduce(0, +)
            self.load = load.map { $0 / loadTotal }
            self.sun = sun.map { $0 / sunTotal }
        }
    }

    static let pvSigma = DeterministicMath.log(11.0 / 5.0) / 1.68324
    static let pvLogMedian = DeterministicMath.log(7.4)

    public init(index: Int, config: ElectricityConfig, shapes: Shapes) {
        var stream = RandomStream(
            seed: config.seed, key: StreamKey("electricity", "prosumer").appending(index))
        let dayLoad = 30 * DeterministicMath.exp(0.2 * stream.normal())
        let nameplate = DeterministicMath.exp(Self.pvLogMedian + Self.pvSigma * stream.normal())
        let dayPV = nameplate * 24 * 0.16
        let stepCap = nameplate * 5 / 60
        net = (0..<config.intervals).map { step in
            let slot = step % Self.stepsPerDay
            let noise = 1 + 0.05 * stream.normal()
            let pv = min(max(dayPV * shapes.sun[slot] * noise, 0), stepCap)
            let kWh = dayLoad * shapes.load[slot] - pv
            return Int64((kWh * 1_000_000).rounded())
        }
        func premium() -> Int64 {
            let cents = min(max(0.5 + stream.normal(), 0), 5)
            return Int64((cents * 1_000_000).rounded())
        }
        let drawnMarkup = premium()
        let drawnDiscount = premium()
        markup = config.buyMarkup ?? drawnMarkup
        discount = config.sellDiscount ?? drawnDiscount
    }

    /// A quote for `need` (positive: buy): 16.3 c plus the markup (buy) or minus the discount
    /// (sell), plus N(0, sigma^2) cents, floored at 0; in micro-cents, not yet tick-rounded.
    public func quote(need: Int64, sigma: Double, stream: inout RandomStream) -> Int64 {
        let noise = Int64((sigma * stream.normal() * 1_000_000).rounded())
        let base =
            need > 0 ? ElectricityConfig.anchor + markup : ElectricityConfig.anchor - discount
        return max(0, base + noise)
    }
}

extension Int64 {
    /// This price rounded to the nearest 0.1 c tick (halves up).
    public var tickRounded: Int64 {
        (self + ElectricityConfig.tick / 2) / ElectricityConfig.tick * ElectricityConfig.tick
    }
}
