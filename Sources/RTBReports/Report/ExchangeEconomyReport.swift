import RTBCore
import RTBEquilibrium
import RTBLedger
import RTBModels

/// The exchange economy's sections: the outcome and equilibrium prices, and charts of the
/// price path and of how fast the largest relative excess demand falls, round by round.
enum ExchangeEconomyReport: ModelReport {
    static var modelName: String { ExchangeEconomyModel.identity.name }

    struct Path {
        var prices: [[Double]] = []
        var largest: [Double] = []
        var bound: [Double] = []
        var totals: [Double] = []
        var end: TatonnementEnded?
    }

    static func path(ledger path: String) throws -> Path {
        let store = try LedgerStore.open(path: path)
        var found = Path()
        var endowments: [Double] = []
        var agents = 0
        try LedgerEvents.forEach(ExchangeEconomyModel.self, store: store) { _, event, _ in
            switch event.body {
            case .economyDrawn(let drawn):
                agents = drawn.agents
                endowments = [Double](repeating: 0, count: drawn.goods)
            case .agentDrawn(let agent):
                for good in agent.endowment.indices { endowments[good] += agent.endowment[good] }
                if agent.agent + 1 == agents { found.totals = endowments }
            case .roundPriced(let round):
                found.prices.append(round.prices)
                found.largest.append(relative(round.excess, found.totals))
                found.bound.append(relative(round.bound, found.totals))
            case .tatonnementEnded(let end): found.end = end
            case .bundleAllocated: return false
            }
            return true
        }
        return found
    }

    /// The largest |value_g| / total_g (0 for an empty list).
    static func relative(_ values: [Double], _ totals: [Double]) -> Double {
        var largest = 0.0
        for good in values.indices where good < totals.count {
            largest = max(largest, abs(values[good]) / totals[good])
        }
        return largest
    }

    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        let run = try Self.path(ledger: path)
        var rows: [[String]] = []
        if let end = run.end {
            rows.append(["outcome", "\(end.outcome)"])
            rows.append(["rounds", String(end.rounds)])
            rows.append([
                "largest relative excess demand (exact)", "\(relative(end.excess, run.totals))",
            ])
            for (good, price) in end.prices.enumerated() {
                rows.append(["price of good \(good + 1)", "\(price)"])
            }
        } else {
            rows.append(["outcome", "unfinished"])
        }
        let rounds = (1...max(1, run.prices.count)).map(String.init)
        let goods = run.prices.first?.count ?? 0
        var charts = [
            ReportChart(
                id: "price-path",
                title: "Prices by round (normalised to sum to the number of goods)",
                style: .lines, xLabel: "round", yLabel: "price", categories: rounds,
                series: (0..<goods).map { good in
                    ReportSeries("good \(good + 1)", run.prices.map { $0[good] })
                }),
            ReportChart(
                id: "excess-demand",
                title: "Largest relative excess demand by round (log10)", style: .lines,
                xLabel: "round", yLabel: "log10 of max |z_g| / E_g", categories: rounds,
                series: [ReportSeries("excess", run.largest.map(log10))]),
        ]
        if run.bound.contains(where: { $0 > 0 }) {
            charts[1].series.append(ReportSeries("95% bound of the sample", run.bound.map(log10)))
        }
        return ([ReportTable(title: "Equilibrium", header: ["", "value"], rows: rows)], charts)
    }

    /// log10 through the project's deterministic log (charts only; -20 for 0).
    static func log10(_ value: Double) -> Double {
        value > 0 ? DeterministicMath.log(value) / DeterministicMath.log(10) : -20
    }
}
