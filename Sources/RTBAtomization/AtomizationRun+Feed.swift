import RTBCore
import RTBTrace

/// The dashboard feed of the design (live performance, top movers, budget flow), one JSON line
/// at the reallocation agent's cadence (every 2 simulated minutes by default, after its round): `rtb-verify record --feed FILE`.
/// It reads the run's state and changes nothing; it is not part of any digest or checkpoint.
extension AtomizationRun {
    struct FeedState {
        /// Every cell's daily budget at the last line.
        var budgets: [Int64] = []
        var flagged: Int64 = 0
        var rotations: Int64 = 0
        var reallocations: Int64 = 0
    }

    /// The line for the slot just run, when it ends a 2-minute round.
    func makeFeedLine() -> String? {
        guard Cadences.due(config.cadences.reallocation, after: slot) else { return nil }
        // After a resume the first line counts from where the run resumed.
        if feed.budgets.isEmpty { feed.budgets = budget }
        // Cells created since the last line count from a budget of 0.
        let before = feed.budgets + [Int64](repeating: 0, count: budget.count - feed.budgets.count)
        let deltas = zip(budget, before).map { $0 - $1 }
        let order = deltas.indices.sorted { (deltas[$0], -$0) > (deltas[$1], -$1) }
        func movers(_ cells: some Sequence<Int>) -> JSONObject.Value {
            .array(
                cells.filter { deltas[$0] != 0 }.prefix(3).map {
                    .array([.int(Int64($0)), .raw(Self.dollars(deltas[$0]))])
                })
        }
        let minutes = (slot % Int64(Self.slotsPerDay) + 1) / 2
        var line = JSONObject()
        line["day"] = .int(slot / Int64(Self.slotsPerDay) + 1)
        line["time"] = .string(
            String(format2: minutes / 60) + ":" + String(format2: minutes % 60))
        line["impressions_today"] = .int(day.impressions)
        line["spend_today"] = .raw(Self.dollars(day.spend))
        line["revenue_today"] = .raw(Self.dollars(day.revenue))
        line["roas_today_ppm"] = .int(
            day.spend == 0 ? 0 : Attribution.ratioPpm(day.revenue, day.spend))
        line["active_cells"] = .int(Int64(status.filter(\.isRunning).count))
        line["reallocations"] = .int(reallocations - feed.reallocations)
        line["budget_shifted"] = .raw(Self.dollars(deltas.filter { $0 > 0 }.reduce(0, +)))
        line["top_gainers"] = movers(order)
        line["top_losers"] = movers(order.reversed())
        line["flags"] = .int(flagged - feed.flagged)
        line["rotations"] = .int(rotations - feed.rotations)
        feed = FeedState(
            budgets: budget, flagged: flagged, rotations: rotations, reallocations: reallocations)
        return line.text
    }

    /// Micros as a JSON number of dollars with 6 decimals (the amount's own text, no "$").
    static func dollars(_ micros: Int64) -> String {
        String(Micros(micros).description.filter { $0 != "$" })
    }
}

extension String {
    /// Two digits, zero-padded.
    init(format2 value: Int64) {
        self = value < 10 ? "0\(value)" : String(value)
    }
}
