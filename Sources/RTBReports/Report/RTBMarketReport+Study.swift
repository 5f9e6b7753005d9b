import Foundation
import RTBCore
import RTBEvents
import RTBMarket

extension RTBMarketReport {
    /// Several runs: per scenario, every metric's mean, 95% interval, minimum and maximum over
    /// the runs; daily buyer spend of every run overlaid with the mean; the mean welfare split.
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
                    rows.append([name, "0", "-", "-", "-", "-"])
                    return
                }
                rows.append([
                    name, String(summary.count), format(summary.mean),
                    format(summary.low) + " to " + format(summary.high), format(summary.minimum),
                    format(summary.maximum),
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
                    header: ["metric", "runs", "mean", "95% interval of the mean", "min", "max"],
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
}
