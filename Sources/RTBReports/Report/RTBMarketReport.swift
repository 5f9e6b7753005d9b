import RTBCore
import RTBMarket
import RTBModels

/// The RTB market's sections: every metric by scenario, and charts of daily spend, fees and
/// deals, of the frictions of agentic trading (context rot, hallucinations, disputes) and of
/// both sides' welfare: how the buyers' money divides between sellers, the exchange and the
/// shared ledger, beside the value sellers delivered, the part left unpaid and the buyers' value.
enum RTBMarketReport: ModelReport {
    static var modelName: String { RTBMarketModel.identity.name }

    /// The welfare bars of the run and study reports.
    static let welfare: [(String, Counter)] = [
        ("buyer spend", .buyerSpend), ("seller revenue", .sellerRevenue),
        ("intermediary fees", .fees), ("ledger costs", .ledgerCosts),
        ("seller value delivered", .sellerValueDelivered),
        ("delivered but unpaid", .deliveredUnpaid), ("buyer value received", .buyerValue),
    ]

    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        let report = try RunReport(ledger: path)
        let results = try ResultsDocument.load(path: path, text: report.json)
        let rows = ResultsDocument.comparisonRows([(label: nil, document: results)])
        let table = ReportTable(
            title: "Results by scenario", header: rows[0], rows: Array(rows.dropFirst()))
        let scenarios = report.metrics
        let days = (scenarios.map(\.days.count).max() ?? 0)
        let dayLabels = (0..<days).map { String($0 + 1) }
        func daily(_ id: String, _ title: String, _ unit: String, _ value: (Counters) -> Double)
            -> ReportChart
        {
            ReportChart(
                id: id, title: title, style: .lines, xLabel: "day", yLabel: unit,
                categories: dayLabels,
                series: scenarios.map { metrics in
                    ReportSeries(
                        metrics.scenario.title,
                        (0..<days).map { $0 < metrics.days.count ? value(metrics.days[$0]) : 0 })
                })
        }
        func dollars(_ micros: Int64) -> Double { Double(micros) / 1e6 }
        let frictions: [(String, (Counters) -> Int64)] = [
            ("context-rot events", { $0[.contextRotEvents] }),
            ("hallucinated claims", { $0[.hallucinatedClaims] }),
            ("hallucinations caught", { $0[.hallucinationsCaught] }),
            ("disputed campaigns", { $0[.reconciledDisputed] + $0[.reconciledUnresolvable] }),
        ]
        let welfare = Self.welfare
        let charts = [
            daily("daily-spend", "Buyer spend per day", "dollars") { dollars($0[.buyerSpend]) },
            daily("daily-fees", "Intermediary fees per day", "dollars") { dollars($0[.fees]) },
            daily("daily-deals", "Deals per day", "deals") { Double($0[.deals]) },
            ReportChart(
                id: "frictions", title: "Context rot, hallucinations and disputes", style: .bars,
                xLabel: "friction", yLabel: "count", categories: frictions.map(\.0),
                series: scenarios.map { metrics in
                    ReportSeries(
                        metrics.scenario.title, frictions.map { Double($0.1(metrics.totals)) })
                }),
            ReportChart(
                id: "welfare", title: "Both sides' welfare: money paid and value delivered",
                style: .bars,
                xLabel: "scenario", yLabel: "dollars", categories: scenarios.map(\.scenario.title),
                series: welfare.map { name, counter in
                    ReportSeries(name, scenarios.map { dollars($0.totals[counter]) })
                }),
        ]
        return ([table], charts)
    }
}
