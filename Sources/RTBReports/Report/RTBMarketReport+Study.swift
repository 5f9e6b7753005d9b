import Foundation
import RTBCore
import RTBEvents
import RTBMarket

extension RTBMarketReport {
    /// Several runs (seed 000's A/B/C study: one sweep over seeds): per scenario, every metric's
    /// mean, Student's t 95% interval, seeded bootstrap 95% interval, minimum and maximum over
    /// the runs; the scenarios side by side on the metrics that compare them (mean and bootstrap
    /// interval); daily buyer spend of every run overlaid with the mean; the mean welfare.
    static func study(ledgers paths: [String]) throws
        -> (tables: [ReportTable], charts: [ReportChart])
    {
        let runs = try paths.map { try RunReport(ledger: $0) }
        let labels = paths.map { URL(fileURLWithPath: $0).lastPathComponent }
        var scenarios: [Scenario] = []
        for run in runs {
            for metrics in run.metrics where !scenarios.contains(metrics.scenario) {
                scenarios.append(metrics.scenario)
            }
        }
        scenarios.sort()
        func of(_ run: RunReport, _ scenario: Scenario) -> ScenarioMetrics? {
            run.metrics.first { $0.scenario == scenario }
        }
        var tables: [ReportTable] = []
        var charts: [ReportChart] = []
        for scenario in scenarios {
            let metrics = runs.compactMap { of($0, scenario) }
            var rows: [[String]] = []
            func add(_ name: String, _ values: [Double], _ format: (Double) -> String) {
                guard let summary = SampleSummary(values) else {
                    rows.append([name, "0", "-", "-", "-", "-", "-"])
                    return
                }
                let resampled = SampleSummary.bootstrap(
                    values, key: Self.bootstrapKey(scenario))
                rows.append([
                    name, String(summary.count), format(summary.mean),
                    format(summary.low) + " to " + format(summary.high),
                    format(resampled.low) + " to " + format(resampled.high),
                    format(summary.minimum), format(summary.maximum),
                ])
            }
            for counter in Counter.allCases {
                let values = metrics.map { Double($0.totals[counter]) }
                if counter.name.hasSuffix("_micros") {
                    add(String(counter.name.dropLast("_micros".count)) + " $", values) {
                        String(format: "%.2f", $0 / 1e6)
                    }
                } else {
                    add(counter.name, values) { String(format: "%.1f", $0) }
                }
            }
            let derivedNames = ScenarioSummary(metrics[0]).derived.map(\.name)
            for (index, name) in derivedNames.enumerated() {
                let values = metrics.compactMap { ScenarioSummary($0).derived[index].ppm }.map {
                    Double($0) / 1e6
                }
                if name.hasSuffix("_days") {
                    add(name, values) { String(format: "%.2f", $0) }
                } else {
                    add(name, values) { String(format: "%.2f%%", $0 * 100) }
                }
            }
            tables.append(
                ReportTable(
                    title: "\(scenario.title): metrics over \(metrics.count) runs",
                    header: [
                        "metric", "runs", "mean", "95% interval of the mean (t)",
                        "95% bootstrap interval", "min", "max",
                    ],
                    rows: rows))
            let days = metrics.map(\.days.count).max() ?? 0
            var series = zip(labels, runs).compactMap { label, run -> ReportSeries? in
                of(run, scenario).map { scenarioMetrics in
                    ReportSeries(
                        label,
                        (0..<days).map {
                            $0 < scenarioMetrics.days.count
                                ? Double(scenarioMetrics.days[$0][.buyerSpend]) / 1e6 : 0
                        })
                }
            }
            series.append(
                ReportSeries(
                    "mean",
                    (0..<days).map { day in
                        series.map { $0.values[day] }.reduce(0, +) / Double(max(series.count, 1))
                    }))
            charts.append(
                ReportChart(
                    id: "daily-spend-\(scenario)",
                    title: "\(scenario.title): buyer spend per day, every run",
                    style: .lines, xLabel: "day", yLabel: "dollars",
                    categories: (0..<days).map { String($0 + 1) }, series: series))
        }
        tables.insert(
            sideBySide(
                scenarios.map { scenario in (scenario, runs.compactMap { of($0, scenario) }) }),
            at: 0)
        let welfare = Self.welfare
        charts.append(
            ReportChart(
                id: "welfare-mean", title: "Both sides' welfare, mean over the runs",
                style: .bars, xLabel: "scenario", yLabel: "dollars",
                categories: scenarios.map(\.title),
                series: welfare.map { name, counter in
                    ReportSeries(
                        name,
                        scenarios.map { scenario in
                            let values = runs.compactMap { of($0, scenario) }.map {
                                Double($0.totals[counter]) / 1e6
                            }
                            return SampleSummary(values)?.mean ?? 0
                        })
                }))
        return (tables, charts)
    }

    /// The stream of a scenario's bootstrap resamples: the same resampled runs for every metric
    /// of the scenario (two metrics equal run by run get equal intervals), and the same every
    /// time the report is made.
    static func bootstrapKey(_ scenario: Scenario) -> StreamKey {
        StreamKey("rtb-market-study-bootstrap", scenario.description)
    }

    /// The metrics that compare the scenarios (both sides' welfare, price, delivery and the
    /// frictions), each scenario's mean over the runs with its seeded bootstrap 95% interval.
    static func sideBySide(_ scenarios: [(Scenario, [ScenarioMetrics])]) -> ReportTable {
        let dollars: [(String, Counter)] = [
            ("buyer spend $", .buyerSpend), ("buyer value received $", .buyerValue),
            ("seller revenue $", .sellerRevenue),
            ("seller value delivered $", .sellerValueDelivered),
            ("delivered but unpaid $", .deliveredUnpaid), ("intermediary fees $", .fees),
            ("ledger costs $", .ledgerCosts),
        ]
        let surpluses: [(String, (ScenarioSummary) -> Micros)] = [
            ("buyer surplus $", \.buyerSurplus), ("buyer net surplus $", \.buyerNetSurplus),
        ]
        let counts: [(String, Counter)] = [
            ("deals", .deals), ("impressions", .impressions),
            ("context-rot events", .contextRotEvents), ("hallucinated claims", .hallucinatedClaims),
        ]
        let ratios: [(String, (ScenarioSummary) -> Int64?)] = [
            ("goal attainment", \.goalAttainmentPpm), ("seller paid share", \.sellerPaidSharePpm),
            ("take rate", \.takeRatePpm), ("recovery rate", \.recoveryRatePpm),
        ]
        func cell(_ scenario: Scenario, _ values: [Double], _ digits: Int) -> String {
            guard let mean = SampleSummary(values)?.mean else { return "-" }
            let interval = SampleSummary.bootstrap(values, key: bootstrapKey(scenario))
            let format = "%.\(digits)f"
            return String(format: format, mean) + " ["
                + String(format: format, interval.low) + ", "
                + String(format: format, interval.high) + "]"
        }
        var rows: [[String]] = []
        for (name, counter) in dollars {
            rows.append(
                [name]
                    + scenarios.map { scenario, metrics in
                        cell(scenario, metrics.map { Double($0.totals[counter]) / 1e6 }, 0)
                    })
        }
        for (name, surplus) in surpluses {
            rows.append(
                [name]
                    + scenarios.map { scenario, metrics in
                        cell(
                            scenario,
                            metrics.map { Double(surplus(ScenarioSummary($0)).raw) / 1e6 }, 0)
                    })
        }
        for (name, counter) in counts {
            rows.append(
                [name]
                    + scenarios.map { scenario, metrics in
                        cell(
                            scenario, metrics.map { Double($0.totals[counter]) },
                            counter == .impressions ? 0 : 1)
                    })
        }
        for (name, ratio) in ratios {
            rows.append(
                [name + " %"]
                    + scenarios.map { scenario, metrics in
                        cell(
                            scenario,
                            metrics.compactMap { ratio(ScenarioSummary($0)) }.map {
                                Double($0) / 1e4
                            }, 2)
                    })
        }
        let runs = scenarios.map(\.1.count).max() ?? 0
        return ReportTable(
            title: "Scenarios side by side over \(runs) runs: mean [95% bootstrap interval]",
            header: ["metric"] + scenarios.map(\.0.title), rows: rows)
    }
}
